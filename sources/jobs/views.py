"""Pages for adding sources and following ingestion jobs."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from config.methods import post_only
from sources.errors import IngestError
from sources.fetching.decode import encoding_label
from sources.forms import AddSourcesForm, EncodingChoiceForm
from sources.jobs.access import job_for, project_for_ingest, visible_jobs
from sources.jobs.counting import OPEN
from sources.jobs.ingest import (
    BrokerUnavailable,
    create_job,
    preview_item,
    release_held_item,
    retry_failed,
)
from sources.jobs.outcomes import held_candidates, hides_source, shown_reason, visible_source_ids
from sources.jobs.retrying import retryable_failures
from sources.jobs.stopping import NOT_STARTED, cancel_job, discard_held_item
from sources.models import ItemStatus

PREVIEW_CHARS = 1200


@login_required
def add_sources(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = project_for_ingest(request.user, slug)
    posted = request.method == "POST"
    form = AddSourcesForm(request.POST, request.FILES) if posted else AddSourcesForm()
    if posted and form.is_valid():
        try:
            job = create_job(project, request.user, form.specs, kind=form.job_kind())
        except BrokerUnavailable as exc:
            messages.warning(request, exc.message())
            return redirect(exc.job)
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
    items = job_items(job, me)
    held = sum(1 for item in items if item["status"] == ItemStatus.HELD)
    duplicates = sum(1 for item in items if item["status"] == ItemStatus.DUPLICATE)
    return render(
        request,
        "sources/jobs/job_detail.html",
        {"project": project, "me": me, "job": job, "items": items,
         "duplicates": duplicates, "new": job.done - duplicates, "held": held,
         "can_retry": retryable_failures(job).exists(), "can_cancel": can_cancel(job)},
    )  # fmt: skip


def can_cancel(job) -> bool:
    """An open job with an item not started yet (pending or held)."""
    return job.status in OPEN and job.items.filter(status__in=NOT_STARTED).exists()


@login_required
@post_only
def job_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The job page's "Cancel the job": items not started fail, running ones finish."""
    project, me = project_for_ingest(request.user, slug)
    job = job_for(project, me, pk)
    cancelled = cancel_job(job, request.user)
    if cancelled:
        running = job.items.filter(status=ItemStatus.RUNNING).count()
        then = ""
        if running:
            then = f" {running} running item{pluralize(running)} will finish."
        messages.success(request, f"{cancelled} item{pluralize(cancelled)} cancelled.{then}")
    else:
        messages.info(request, "Nothing left to cancel: every item has started or finished.")
    return redirect(job)


@login_required
@post_only
def item_discard(request: HttpRequest, slug: str, pk: int, position: int) -> HttpResponse:
    """Discard a held item: it fails ("discarded by <user>") and its job may close."""
    project, me = project_for_ingest(request.user, slug)
    job = job_for(project, me, pk)
    item = get_object_or_404(job.items.all(), position=position)
    if discard_held_item(item, request.user):
        said = f"“{item.label}” discarded: it counts as failed and is not retried."
        messages.success(request, said)
    else:
        messages.info(request, "This item is not waiting for an encoding any more.")
    return redirect(job)


@login_required
@post_only
def job_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The job page's "Retry failed items" button."""
    project, me = project_for_ingest(request.user, slug)
    job = job_for(project, me, pk)
    try:
        retried = retry_failed(job)
    except BrokerUnavailable as exc:
        messages.warning(request, exc.message())
        return redirect(job)
    if retried:
        messages.success(
            request, f"{retried} failed item{'s' if retried != 1 else ''} queued again."
        )
    else:
        messages.info(
            request, "No failed item can be retried: each would be refused again for its reason."
        )
    return redirect(job)


@login_required
def job_status(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    """The job page polls this for its progress bar and item outcomes."""
    project, me = project_for_ingest(request.user, slug)
    job = job_for(project, me, pk)
    return JsonResponse(job_state(job, me))


@login_required
def item_encoding(request: HttpRequest, slug: str, pk: int, position: int) -> HttpResponse:
    """Pick the encoding of a held item: each candidate's text side by side, then store."""
    project, me = project_for_ingest(request.user, slug)
    job = job_for(project, me, pk)
    item = get_object_or_404(job.items.select_related("job__project"), position=position)
    if item.status != ItemStatus.HELD:
        messages.info(request, "This item is not waiting for an encoding any more.")
        return redirect(job)
    if request.method == "POST":
        form = EncodingChoiceForm(request.POST)
        if form.is_valid():
            encoding = form.cleaned_data["encoding"]
            release_held_item(item, encoding)
            messages.success(request, f"Ingesting “{item.label}” as {encoding_label(encoding)}.")
            return redirect(job)
    else:
        form = EncodingChoiceForm(initial={"encoding": (held_candidates(item) or [""])[0]})
    shown = held_candidates(item)
    asked = request.GET.get("encoding", "")
    if asked and asked not in shown and asked in dict(form.fields["encoding"].choices):
        shown.insert(0, asked)
    previews = [_preview(item, codec) for codec in shown]
    context = {"project": project, "me": me, "job": job, "item": item, "form": form}
    context["previews"] = previews
    return render(request, "sources/jobs/item_encoding.html", context)


def _preview(item, codec: str) -> dict:
    try:
        extracted = preview_item(item, codec)
    except IngestError as exc:
        return {"codec": codec, "label": encoding_label(codec), "error": exc.reason}
    text = extracted.text
    clipped = text[:PREVIEW_CHARS] + ("…" if len(text) > PREVIEW_CHARS else "")
    return {
        "codec": codec,
        "label": encoding_label(codec),
        "title": extracted.title or "",
        "text": clipped,
    }


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
            "choice_url": reverse(
                "ingest-item-encoding", args=[job.project.slug, job.pk, item.position]
            )
            if item.status == ItemStatus.HELD
            else None,
            "discard_url": reverse(
                "ingest-item-discard", args=[job.project.slug, job.pk, item.position]
            )
            if item.status == ItemStatus.HELD
            else None,
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
        "done": job.done,  # new sources and duplicates
        "new": job.done - counts.get(ItemStatus.DUPLICATE, 0),
        "duplicate": counts.get(ItemStatus.DUPLICATE, 0),
        "failed": job.failed,
        "remaining": job.remaining,
        "finished": job.status in ("done", "failed"),
        "queue_error": job.queue_error,
        "can_cancel": job.status in OPEN
        and bool(counts.get(ItemStatus.PENDING) or counts.get(ItemStatus.HELD)),
        "counts": {status: counts.get(status, 0) for status in ItemStatus.values},
        "items": items,
    }
