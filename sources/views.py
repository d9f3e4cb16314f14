from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from coding import access
from coding.models import Assignment, Membership, Project
from config.converters import parse_id
from config.methods import post_only
from sources.access import source_for
from sources.assignments import assign
from sources.errors import IngestError
from sources.forms import AssignForm, SourceMetadataForm
from sources.jobs.access import can_ingest
from sources.jobs.ingest import kept_html, reextract
from sources.jobs.outcomes import duplicate_reason
from sources.listing import filtered_sources, mark_coders
from sources.models import TextLockedError
from sources.outlets import mark_line, restore_line


@login_required
def source_list(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    assign_form = AssignForm(project) if me.is_pi else None
    return _list_page(request, project, me, request.GET, assign_form)


def _list_page(
    request: HttpRequest,
    project: Project,
    me: Membership,
    params: QueryDict,
    assign_form: AssignForm | None,
    status: int = 200,
) -> HttpResponse:
    """The source list for `params` (search, filters, sort, page). A bound `assign_form` is an
    Assign the view refused: its sources, coders, mode and percentage are shown as chosen."""
    form, sources = filtered_sources(project, me, params)
    if form.errors:
        status = 400
    sources = sources.defer("text", "original_compressed").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("coder"))
    )
    page = Paginator(sources, 50).get_page(params.get("page"))
    if me.is_pi:  # the coders of the page's sources, a former member marked (one query)
        page.object_list = list(page.object_list)
        mark_coders(project, [a for source in page for a in source.assignments.all()])
    query = params.copy()
    query.pop("page", None)
    context = {
        "project": project,
        "me": me,
        "page": page,
        "filters": form,
        "query": query.urlencode(),  # the pager's links add the page
        "here": params.urlencode(),  # where an Assign comes back to: filters and page
        "list_url": reverse("source-list", args=[project.slug]),
        "can_ingest": can_ingest(me),
        "assign_form": assign_form,
        "ticked": set(),
        "mode": AssignForm.EVERY,
        "percent": 0,
    }
    if assign_form is not None and assign_form.is_bound:
        ids = assign_form["sources"].value() or []
        context["ticked"] = {parse_id(str(pk)) for pk in ids} - {None}
        # a post without a mode spreads (AssignForm.mode), so it is shown as spread
        context["mode"] = assign_form["mode"].value() or AssignForm.SPREAD
        context["percent"] = assign_form["reliability_percent"].value() or ""
    return render(request, "sources/source_list.html", context, status=status)


@login_required
@post_only
def source_assign(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    form = AssignForm(project, request.POST)
    back = request.POST.get("next") or ""
    target = reverse("source-list", args=[project.slug]) + (f"?{back}" if back else "")
    if not form.is_valid():
        # the list again, as the PI left it, rather than a redirect that would drop the choices
        for text in form.error_texts():
            messages.error(request, text)
        return _list_page(request, project, me, QueryDict(back), form, status=400)
    share = (form.cleaned_data["reliability_percent"] or 0) / 100
    if form.cleaned_data["mode"] == AssignForm.EVERY:
        share = 1.0  # every selected source is in the sample: each chosen coder gets it
    result = assign(
        form.cleaned_data["sources"],
        form.cleaned_data["coders"],
        by=request.user,
        reliability_share=share,
    )
    text = f"{result.created} assignment{'s' if result.created != 1 else ''} made"
    if result.reliability_sources:
        text += f"; {result.reliability_sources} source(s) go to every chosen coder"
    if result.already:
        text += f"; {result.already} existing assignment(s) left as they were"
    if result.held_back:
        text += f"; {result.held_back} source(s) skipped: not screened relevant"
    if result.trainees:
        text += (
            f"; {result.trainees} coder(s) skipped: in calibration, not admitted to the main"
            " sample yet"
        )
    messages.success(request, text + ".")
    return redirect(target)


@login_required
def source_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    source = source_for(project, me, pk)
    form = None
    locked = source.codings.exists()
    if me.is_pi:
        data = request.POST if request.method == "POST" else None
        form = SourceMetadataForm(data, instance=source)
        if locked:
            form.fields["text"].widget.attrs["readonly"] = True
        if request.method == "POST" and form.is_valid():
            try:
                form.save()
            except TextLockedError as exc:
                form.add_error("text", exc)
                source.refresh_from_db()
            else:
                messages.success(request, "Source saved.")
                return redirect(source)
    elif request.method == "POST":
        access.project_for(request.user, slug, pi=True)  # 403 for coders
    assignments = None
    if me.is_pi:
        assignments = list(source.assignments.select_related("coder"))
        mark_coders(project, assignments)
    return render(
        request,
        "sources/source_detail.html",
        {
            "project": project,
            "me": me,
            "source": source,
            "form": form,
            "paragraphs": source.text.split("\n\n"),
            "assignments": assignments,
            "locked": locked,
            # re-extraction reads kept HTML; a PDF's or e-mail's original is kept, not re-read
            "has_original": source.original_compressed is not None and kept_html(source),
            "short_paragraphs": [p for p in source.text.split("\n\n") if len(p) <= 320],
        },
    )


@login_required
@post_only
def source_reextract(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    source = source_for(project, me, pk)
    try:
        stored = reextract(source, request.user)
    except IngestError as exc:
        messages.error(request, f"Re-extraction failed: {exc.reason}.")
        return redirect(source)
    if stored.duplicate:
        same = duplicate_reason(stored.source)
        messages.warning(request, f"Re-extraction gives the same text: {same}.")
        return redirect(stored.source)
    messages.success(request, "Re-extracted into this new source; the old one is unchanged.")
    return redirect(stored.source)


@login_required
@post_only
def source_restore_line(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Put a line removed as boilerplate back into a source that nobody has coded yet."""
    project, me = access.project_for(request.user, slug, pi=True)
    source = source_for(project, me, pk)
    index = parse_id(request.POST.get("index", ""))
    try:
        if index is None:
            raise IndexError("no index")
        restore_line(source, index)
    except IndexError:
        messages.error(request, "No such removed line.")
    except TextLockedError:
        messages.error(request, "This source has codings: its text can no longer change.")
    else:
        messages.success(request, "Line restored.")
    return redirect(source)


@login_required
@post_only
def source_mark_line(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark a paragraph of a source as boilerplate of its outlet: future ingests drop it."""
    project, me = access.project_for(request.user, slug, pi=True)
    source = source_for(project, me, pk)
    line = " ".join(request.POST.get("line", "").split())
    if not source.outlet_key:
        messages.error(request, "This source has no outlet (site or sender) to learn from.")
    elif not line or line not in {" ".join(p.split()) for p in source.text.split("\n\n")}:
        messages.error(request, "Choose a paragraph of this source.")
    else:
        mark_line(project, source.outlet_key, line, request.user)
        messages.success(request, f"Future sources from {source.outlet_key} will drop it.")
    return redirect(source)
