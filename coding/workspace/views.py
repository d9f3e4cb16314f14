"""Pages of the coding workspace: the coder's queue and the document view.

The document view renders everything the page needs (text, codebook, the codings the user may
see, URLs) into one JSON script tag, so it opens with a constant number of SQL queries however
many codings the source has; static/js/workspace/ draws the text and highlights from it.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from coding import access
from coding.models import Activity, Assignment
from coding.models.codings import EARLIEST_EVENT_DATE, LATEST_EVENT_DATE, NOTE_MAX_LENGTH
from coding.projects import marked, member_marks
from coding.reliability.training import is_training
from coding.workspace.queue import continue_with, queue_for, status_counts
from coding.workspace.visibility import visible_codings


def workspace_data(project, me, source, my_status: str | None) -> dict:
    """All initial data of the document view (blind: a coder gets only their own codings)."""
    codebook = project.codebook
    areas = codebook.areas.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("order", "label"))
    )
    codings = visible_codings(me, source.pk, context=False)
    coders, coder_labels = [], {}
    if me.is_pi:
        coders = sorted(
            Assignment.objects.filter(source=source).values_list("coder__username", flat=True)
        )
        # the coder filter names them as the review pages do: "dan (former member)" (one query)
        names = {*coders, *(c["coder"] for c in codings)}
        marks = member_marks(project, names)
        coder_labels = {name: marked(name, marks) for name in sorted(names)}
    slug = project.slug
    training = is_training(source.pk)
    return {
        "project": {"slug": slug, "name": project.name},
        "source": {
            "id": source.pk,
            "title": source.title,
            "text": source.text,
            "language": source.language,
        },
        "me": {
            "username": me.user.get_username(),
            "is_pi": me.is_pi,
            "assignment": my_status,
            "can_code": me.is_pi or my_status is not None,
            "training": training,  # done, it stays done: the coder has seen the reference
        },
        "coders": coders,
        "coder_labels": coder_labels,  # username -> as the coder filter lists them
        "codebook": {
            "areas": [
                {
                    "id": a.pk,
                    "slug": a.slug,
                    "label": a.label,
                    "color": a.color,
                    "shortcut": a.shortcut,
                    "definition": a.definition,
                    "guidance": a.guidance,
                    "activities": [
                        {
                            "id": x.pk,
                            "slug": x.slug,
                            "label": x.label,
                            "directed": x.directed,
                            "enabled": x.enabled,
                            "definition": x.definition,
                            "guidance": x.guidance,
                            "example": x.example,
                        }
                        for x in a.activities.all()
                    ],
                }
                for a in areas
            ],
            "actors": [
                {"id": a.pk, "name": a.name, "iso3": a.iso3, "core": a.core}
                for a in codebook.actors.all()
            ],
            "confidence": [
                {
                    "value": c.value,
                    "label": c.label,
                    "shortcut": c.shortcut,
                    "definition": c.definition,
                }
                for c in codebook.confidence_levels.all()
            ],
        },
        "codings": codings,
        "save_timeout_ms": settings.WORKSPACE_SAVE_TIMEOUT_MS,
        "note_max_length": NOTE_MAX_LENGTH,  # the note box's maxlength: what the server takes
        "event_dates": [EARLIEST_EVENT_DATE.isoformat(), LATEST_EVENT_DATE.isoformat()],
        "urls": {
            "codings": reverse("api-source-codings", args=[slug, source.pk]),
            "coding": reverse("api-coding", args=[slug, 0]).replace("/0/", "/{id}/"),
            "done": reverse("api-source-done", args=[slug, source.pk]),
            "reopen": reverse("api-source-reopen", args=[slug, source.pk]),
            "queue": reverse("coder-queue", args=[slug]),
            # a training source: once done, the coder goes to their comparison with the reference
            "calibration": (
                reverse("calibration-comparison", args=[slug, source.pk])
                if training and my_status is not None
                else None
            ),
        },
    }


@login_required
def workspace(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    my_status = Assignment.objects.filter(source_id=OuterRef("pk"), coder=request.user)
    source = (
        project.sources.filter(pk=pk)
        .defer("original_compressed")
        .annotate(my_status=Subquery(my_status.values("status")[:1]))
        .first()
    )
    if source is None or (source.my_status is None and not me.is_pi):
        raise Http404("No such source among those you may open.")
    me.user = request.user  # the membership's user is the requester; spare a query
    data = workspace_data(project, me, source, source.my_status)
    return render(
        request,
        "coding/workspace/page.html",
        {"project": project, "me": me, "source": source, "data": data},
    )


@login_required
def coder_queue(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug)
    return render(
        request, "coding/workspace/queue.html", {"queues": [_queue(project, request.user)]}
    )


@login_required
def my_queue(request: HttpRequest) -> HttpResponse:
    """The coder's queues in every project they have assignments in."""
    projects = (
        access.projects_for(request.user)
        .filter(sources__assignments__coder=request.user)
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "coding/workspace/queue.html",
        {"queues": [_queue(p, request.user) for p in projects], "all_projects": True},
    )


def _queue(project, user) -> dict:
    assignments = list(queue_for(project, user))
    return {
        "project": project,
        "assignments": assignments,
        "counts": status_counts(assignments),
        "next": continue_with(assignments),
        "my_codings": sum(a.my_codings for a in assignments),
    }
