"""Ingesting sources: jobs of items, each fetched or read, decoded, extracted and stored.

`create_job` stores a job and its items (uploaded bytes included) and queues one Celery task
per item, so several workers share a job. `ingest_item` does the work for one item and
records its outcome; the task is a thin wrapper around it, and the `ingest` command and the
tests call it directly. An item ends as OK (a new source), DUPLICATE (the existing source
with the same URL, canonical URL or text) or FAILED with a user-facing reason; a failed item
never fails its job. Job counters are incremented in the database, never read and written
back, and the statement that counts an item's outcome also closes the job when that item was
its last, so concurrent workers cannot lose a count. The new source and its item's outcome
are written in one transaction, after the slow work, which runs outside any.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from coding.models import Project
from config.celery import enqueue
from sources.errors import IngestError, TransientFetchError
from sources.extraction.extract import Extracted, extract_html, extract_text_document
from sources.fetching.decode import decode_html, decode_text_file
from sources.fetching.fetch import fetch, parse_target
from sources.inputs import ItemSpec
from sources.jobs.outcomes import ALREADY_IN_PROJECT
from sources.models import IngestItem, IngestJob, ItemKind, ItemStatus, JobStatus, Origin, Source
from sources.text import TextTooLong, check_text_length

logger = logging.getLogger(__name__)

_FIELD_LIMITS = {"title": 500, "outlet": 200, "author": 300, "language": 16}


@dataclass(frozen=True)
class Stored:
    source: Source
    duplicate: bool


class Duplicate(Exception):
    def __init__(self, source: Source) -> None:
        super().__init__(source.title)
        self.source = source


# --- jobs -------------------------------------------------------------------------------


def create_job(
    project: Project,
    user,
    specs: Sequence[ItemSpec],
    *,
    kind: str = "mixed",
    enqueue: bool = True,
) -> IngestJob:
    """Store a job with one item per spec and (after commit) queue its items."""
    if not specs:
        raise ValueError("a job needs at least one item")
    if len(specs) > settings.INGEST_MAX_ITEMS:
        raise ValueError(f"at most {settings.INGEST_MAX_ITEMS} items per job")
    now = timezone.now()
    with transaction.atomic():
        job = IngestJob.objects.create(project=project, created_by=user, kind=kind)
        items = []
        for position, spec in enumerate(specs):
            item = IngestItem(job=job, position=position, kind=spec.kind, label=spec.label)
            if spec.error:
                item.status, item.reason, item.finished_at = ItemStatus.FAILED, spec.error, now
            else:
                item.payload = spec.payload
            items.append(item)
        IngestItem.objects.bulk_create(items, batch_size=200)
        failed = sum(1 for spec in specs if spec.error)
        job.total, job.failed = len(specs), failed
        job.save(update_fields=["total", "failed"])
        _complete_if_finished(job.pk)
        if enqueue:
            transaction.on_commit(lambda: enqueue_job(job))
    job.refresh_from_db()
    return job


def enqueue_job(job: IngestJob) -> None:
    """Send one task per pending item."""
    ids = list(job.items.filter(status=ItemStatus.PENDING).values_list("pk", flat=True))
    try:
        for pk in ids:
            enqueue("sources.ingest_item", pk)
    except Exception:  # the broker is down: say so on the job page rather than a 500
        logger.exception("could not queue ingestion job %s", job.pk)
        IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)


def run_job(job: IngestJob, progress=None, *, retries: int = 2, backoff: float = 1.0) -> IngestJob:
    """Run every pending item of a job in this process (the `ingest` command).

    Network errors are retried like the Celery task does: `retries` times, waiting `backoff`
    seconds, then twice that, and so on.
    """
    for item in job.items.filter(status=ItemStatus.PENDING).order_by("position"):
        for attempt in range(retries + 1):
            try:
                ingest_item(item, final_attempt=attempt == retries)
                break
            except TransientFetchError:
                time.sleep(backoff * 2**attempt)
        if progress is not None:
            progress(item)
    job.refresh_from_db()
    return job


def _complete_if_finished(job_pk: int) -> None:
    IngestJob.objects.filter(
        pk=job_pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING], total=F("done") + F("failed")
    ).update(status=JobStatus.DONE, finished_at=timezone.now())


# --- items ------------------------------------------------------------------------------


class ItemBusy(Exception):
    """Another worker is running this item right now; try again after `retry_in` seconds."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(f"item is running elsewhere; retry in {retry_in:.0f} s")
        self.retry_in = retry_in


def run_item(item_id: int, *, final_attempt: bool = True) -> None:
    """Entry point of the Celery task. Raises ItemBusy if another worker holds the item."""
    item = IngestItem.objects.select_related("job__project", "job__created_by").filter(pk=item_id)
    item = item.first()
    if item is None:  # its job was deleted
        return
    item = ingest_item(item, final_attempt=final_attempt)
    if item.status == ItemStatus.RUNNING and not getattr(item, "_claimed", False):
        raise ItemBusy(_stale_after())


def ingest_item(item: IngestItem, *, final_attempt: bool = True) -> IngestItem:
    """Ingest one item and record its outcome.

    The slow part (fetching, decoding, extracting) runs outside any transaction; the new
    source and the item's outcome are then written in one transaction, so a source never
    exists without its item saying so.

    A `TransientFetchError` on an attempt that is not the last puts the item back to pending
    and is raised again, for the Celery task to retry with backoff.
    """
    if not _claim(item):
        item.refresh_from_db()
        return item
    item._claimed = True
    try:
        prepared = _prepare(item)
        if isinstance(prepared, Stored):  # its URL is known already
            _finish(item, *_outcome(prepared))
        else:
            _store_and_finish(item, prepared)
    except TransientFetchError as exc:
        if not final_attempt:
            IngestItem.objects.filter(pk=item.pk, status=ItemStatus.RUNNING).update(
                status=ItemStatus.PENDING, reason=f"{exc.reason}; retrying"[:300]
            )
            raise
        _finish(item, ItemStatus.FAILED, exc.reason)
    except IngestError as exc:
        logger.info("ingest item %s failed: %s", item.pk, exc)
        _finish(item, ItemStatus.FAILED, exc.reason)
    except Exception:
        logger.exception("ingest item %s crashed", item.pk)
        _finish(item, ItemStatus.FAILED, "internal error while ingesting")
    return item


def _outcome(stored: Stored) -> tuple[str, str, Source]:
    if stored.duplicate:
        # the item keeps the source; its title is shown only to those who may open it
        return ItemStatus.DUPLICATE, ALREADY_IN_PROJECT, stored.source
    return ItemStatus.OK, "", stored.source


def _claim(item: IngestItem) -> bool:
    """Take a pending item, or a running one whose worker died (Celery redelivers it).

    An item running for less than `_stale_after()` belongs to a live worker: leave it, so a
    twice-delivered task cannot ingest it twice.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=_stale_after())
    claimed = _take_item(item.pk, now, stale)
    if claimed:
        item.status, item.attempts = ItemStatus.RUNNING, item.attempts + 1
        job = item.job
        if job.status == JobStatus.QUEUED:  # as loaded; the update re-checks it
            IngestJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
                status=JobStatus.RUNNING
            )
            job.status = JobStatus.RUNNING  # items of run_job share this job object
    return bool(claimed)


def _stale_after() -> float:
    return 3 * settings.INGEST_TIMEOUT + 60


def _finish(item: IngestItem, status: str, reason: str, source: Source | None = None) -> None:
    with transaction.atomic():
        recorded = _record(item, status, reason, source)
    if not recorded:  # another worker finished it first
        item.refresh_from_db()


def _store_and_finish(item: IngestItem, pending: _Pending) -> None:
    """Store the source and record the item's outcome in one transaction (one commit)."""
    job = item.job
    with transaction.atomic():
        stored = store_source(
            job.project,
            job.created_by,
            pending.extracted,
            origin=pending.origin,
            original=pending.original,
            original_compressed=pending.original_compressed,
            url=pending.url,
            filename=pending.filename,
        )
        recorded = _record(item, *_outcome(stored))
        if not recorded:  # another worker finished it first: its outcome stands, ours goes
            transaction.set_rollback(True)
    if not recorded:
        item.refresh_from_db()


def _record(item: IngestItem, status: str, reason: str, source: Source | None) -> bool:
    """Write the item's final status and count it on its job (inside a transaction).

    Returns False, changing nothing, if the item is no longer running: another worker
    finished it.
    """
    now = timezone.now()
    changes = {"status": status, "reason": reason[:300], "source": source}
    changes["finished_at"] = changes["updated_at"] = now
    keep_payload = status == ItemStatus.FAILED  # else the source has the original now
    if not keep_payload:
        changes["payload_compressed"] = None
    if not _set_outcome(item.pk, status, changes["reason"], source, now, keep_payload):
        return False
    _count_finished(item.job_id, "failed" if status == ItemStatus.FAILED else "done", now)
    for field, value in changes.items():
        setattr(item, field, value)
    return True


# --- item and job state, in SQL ---------------------------------------------------------
# Three UPDATEs run for every item: claim, outcome, job counter. They are written in SQL
# because the ORM takes several times longer to build each of them than SQLite takes to run
# it, the counter's conditional SET (Case/When) slowest of all (see bench/ingest.py).


def _take_item(pk: int, now: dt.datetime, stale: dt.datetime) -> bool:
    """Mark the item running if it is pending, or running but not updated since `stale`."""
    stale = _db_time(stale)
    taken = _update(
        "UPDATE {items} SET status = %s, attempts = attempts + 1, updated_at = %s"
        " WHERE id = %s AND (status = %s OR (status = %s AND updated_at < %s))",
        [ItemStatus.RUNNING, _db_time(now), pk, ItemStatus.PENDING, ItemStatus.RUNNING, stale],
    )
    return taken == 1


def _set_outcome(
    pk: int, status: str, reason: str, source: Source | None, now: dt.datetime, keep_payload: bool
) -> bool:
    """Give a running item its final status; False if it was not running any more."""
    drop_payload = "" if keep_payload else ", payload_compressed = NULL"
    source_pk, time = (source.pk if source else None), _db_time(now)
    changed = _update(
        "UPDATE {items} SET status = %s, reason = %s, source_id = %s, finished_at = %s,"
        f" updated_at = %s{drop_payload} WHERE id = %s AND status = %s",
        [status, reason, source_pk, time, time, pk, ItemStatus.RUNNING],
    )
    return changed == 1


def _count_finished(job_pk: int, counter: str, now: dt.datetime) -> None:
    """Add one to the job's `done` or `failed` counter; close the job if that was its last.

    The SET expressions read the row as it was before this statement, once any concurrent
    update of it has committed, so of two workers finishing the last two items exactly one
    closes the job.
    """
    if counter not in ("done", "failed"):
        raise ValueError(f"no such counter: {counter}")
    last = "status IN (%s, %s) AND total = done + failed + 1"
    open_statuses = [JobStatus.QUEUED, JobStatus.RUNNING]
    _update(
        f"UPDATE {{jobs}} SET {counter} = {counter} + 1,"
        f" status = CASE WHEN {last} THEN %s ELSE status END,"
        f" finished_at = CASE WHEN {last} THEN %s ELSE finished_at END WHERE id = %s",
        [*open_statuses, JobStatus.DONE, *open_statuses, _db_time(now), job_pk],
    )


def _update(statement: str, params: Sequence[object]) -> int:
    """Run an UPDATE of {items} or {jobs} (the ingestion tables); the number of rows changed."""
    quote = connection.ops.quote_name
    statement = statement.format(
        items=quote(IngestItem._meta.db_table), jobs=quote(IngestJob._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _db_time(value: dt.datetime) -> object:
    return connection.ops.adapt_datetimefield_value(value)


# --- preparing an item ------------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    """An extracted item, waiting to be stored (the arguments of `store_source`)."""

    extracted: Extracted
    origin: str
    original: bytes | None = None
    original_compressed: bytes | None = None
    url: str = ""
    filename: str = ""


def _prepare(item: IngestItem) -> _Pending | Stored:
    """Fetch or read, decode and extract the item; a Stored duplicate if its URL is known."""
    if item.kind == ItemKind.URL:
        try:
            return _prepare_url(item.job.project, item.label)
        except Duplicate as dup:
            return Stored(dup.source, True)
    data = item.payload or b""
    if item.kind == ItemKind.PASTE:
        extracted = extract_text_document(data.decode("utf-8"), "pasted.txt")
        if item.label:
            extracted = _with(extracted, title=item.label)
        return _Pending(extracted, Origin.PASTE)
    if item.kind == ItemKind.HTML:
        extracted, origin = extract_html(decode_html(data, None)), Origin.HTML
    else:
        extracted = extract_text_document(decode_text_file(data), item.label)
        origin = Origin.TEXT
    # the payload is the original, compressed as a source keeps it: stored as it is
    compressed = item.payload_compressed
    return _Pending(
        extracted,
        origin,
        original_compressed=None if compressed is None else bytes(compressed),
        filename=item.label,
    )


def _prepare_url(project: Project, url: str) -> _Pending:
    target = parse_target(url)  # refuses non-http(s) and malformed URLs before any lookup
    _raise_if_url_known(project, [url, target.url])
    result = fetch(
        target.url,
        allow_hosts=frozenset(settings.INGEST_ALLOW_HOSTS),
        max_bytes=settings.INGEST_MAX_BYTES,
        timeout=settings.INGEST_TIMEOUT,
        max_redirects=settings.INGEST_MAX_REDIRECTS,
    )
    html = decode_html(result.body, result.charset_from_header)
    extracted = extract_html(html, url=result.url_final)
    _raise_if_url_known(project, [result.url_final, extracted.canonical_url])
    if not extracted.canonical_url:
        extracted = _with(extracted, canonical_url=result.url_final)
    return _Pending(extracted, Origin.URL, original=result.body, url=url)


def _raise_if_url_known(project: Project, urls: Iterable[str | None]) -> None:
    wanted = {u for u in urls if u}
    if not wanted:
        return
    existing = project.sources.filter(Q(url__in=wanted) | Q(canonical_url__in=wanted)).first()
    if existing is not None:
        raise Duplicate(existing)


def _with(extracted: Extracted, **changes) -> Extracted:
    from dataclasses import replace

    return replace(extracted, **changes)


def store_source(
    project: Project,
    user,
    extracted: Extracted,
    *,
    origin: str,
    original: bytes | None = None,
    original_compressed: bytes | None = None,
    url: str = "",
    filename: str = "",
) -> Stored:
    """Create the source, or return the project's source with the same text.

    The original document comes as bytes, or already compressed (`sources.models.compress`,
    as an uploaded item's payload is), which saves compressing it again.

    The insert itself detects the duplicate (the unique constraint on project and text hash),
    which also holds when two workers store the same text at the same moment.
    """
    if original is not None and original_compressed is not None:
        raise ValueError("give the original either as bytes or compressed, not both")
    text = extracted.text  # canonical already (sources.extraction.extract)
    if not text.strip():
        raise IngestError("no article text found")
    try:
        check_text_length(text)
    except TextTooLong as exc:
        raise IngestError(str(exc)) from None
    canonical = extracted.canonical_url or ""
    source = Source(
        project=project,
        title=_clip("title", extracted.title or filename or url or "Untitled"),
        outlet=_clip("outlet", extracted.outlet),
        author=_clip("author", extracted.author),
        language=_clip("language", extracted.language),
        published_date=extracted.date,
        url=url if len(url) <= 2000 else "",
        canonical_url=canonical if len(canonical) <= 2000 else "",
        origin=origin,
        original_filename=filename[-255:],
        text=text,
        ingested_by=user,
    )
    if original_compressed is not None:
        source.original_compressed = original_compressed
    else:
        source.original = original
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:  # the project has this text already (unique project + text_hash)
        existing = project.sources.filter(text_hash=source.text_hash).order_by("pk").first()
        if existing is None:
            raise
        return Stored(existing, True)
    return Stored(source, False)


def _clip(field: str, value: str | None) -> str:
    return (value or "").strip()[: _FIELD_LIMITS[field]]


# --- re-extraction ----------------------------------------------------------------------


def reextract(source: Source, user) -> Stored:
    """Extract the kept original HTML again into a new source (the old one stays as is).

    Returns the existing source as a duplicate when the extraction gives the same text.
    """
    data = source.original
    if data is None or source.origin not in (Origin.URL, Origin.HTML):
        raise IngestError("no original HTML kept for this source")
    extracted = extract_html(decode_html(data, None), url=source.url or None)
    # the new source must not collide with the old one's URL; it keeps it as provenance
    return store_source(
        source.project,
        user,
        extracted,
        origin=source.origin,
        original=data,
        url=source.url,
        filename=source.original_filename,
    )
