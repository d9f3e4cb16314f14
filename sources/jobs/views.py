"""Pages for adding sources and following ingestion jobs."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from sources.forms import AddSourcesForm
from sources.jobs.access import job_for, project_for_ingest, visible_jobs
from sources.jobs.ingest import create_job
from sources.jobs.outcomes import hides_source, shown_reason, visible_source_ids
from sources.models import ItemStatus


@login_required
def add_sources(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = project_for_ingest(request.user, slug)
    posted = request.method == "POST"
    form = AddSourcesForm(request.POST, request.FILES) if posted else AddSourcesForm()
    if posted and form.is_valid():
        job = create_job(project, request.user, form.specs, kind=form.job_kind())
        messages.success(request, f"{job.total} item{'s' if job.total != 1 else ''} queued.")
        return redirect(job)
    return render(
        request, "sources/jobs/add_sources.html", {"project": project, "me": me, "form": form}
    )


@login_required
def job_list(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = project_for_ingest(request.user, slug)
    page = Paginator(visible_jobs(project, me), 25).get_page(request.GET.get("page"))
    return render(
        request, "sources/jobs/job_list.html", {"project": project, "me": me, "page": page}
    )


@login_required
def job_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, me = project_for_ingest(request.user, slug)
    job = job_for(project, me, pk)
    return render(
        request,
        "sources/jobs/job_detail.html",
        {"project": project, "me": me, "job": job, "items": job_items(job, me)},
    )


@login_required
def job_status(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    """The job page polls this for its progress bar and item outcomes."""
    project, me = project_for_ingest(request.user, slug)
    job = job_for(project, me, pk)
    return JsonResponse(job_state(job, me))


def job_items(job, me) -> list[dict]:
    """Items with a link to their source only if the member may open it; a duplicate of a
    source the member may not open shows neither its title nor its id."""
    items = list(
        job.items.select_related("source").defer(
            "payload_compressed", "source__text", "source__original_compressed"
        )
    )
    visible = visible_source_ids(job.project, me, items)
    return [
        {
            "position": item.position,
            "kind": item.kind,
            "label": item.label,
            "status": item.status,
            "status_label": item.get_status_display(),
            "reason": shown_reason(item, visible),
            "source_title": (
                item.source.title if item.source and not hides_source(item, visible) else None
            ),
            "source_url": item.source.get_absolute_url() if item.source_id in visible else None,
            "attempts": item.attempts,
        }
        for item in items
    ]


def job_state(job, me) -> dict:
    items = job_items(job, me)
    counts = Counter(item["status"] for item in items)
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
        "remaining": job.remaining,
        "finished": job.status in ("done", "failed"),
        "counts": {status: counts.get(status, 0) for status in ItemStatus.values},
        "items": items,
    }
