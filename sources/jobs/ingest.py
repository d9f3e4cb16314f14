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
import os
import socket
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from coding.models import Project
from config.celery import enqueue
from sources.assignments import assign_new_source
from sources.errors import IngestError, TransientFetchError
from sources.extraction.extract import Extracted, extract_html, extract_text_document
from sources.extraction.language import identify_language
from sources.extraction.newsletter import extract_email
from sources.extraction.pdf import extract_pdf
from sources.fetching.configured import fetch_configured
from sources.fetching.decode import (
    Decoded,
    EncodingUnsure,
    decode_html_bytes,
    decode_text_bytes,
    encoding_label,
)
from sources.fetching.fetch import (
    BINARY_TYPE,
    HTML_TYPES,
    PDF_TYPES,
    is_pdf,
    parse_target,
)
from sources.inputs import ItemSpec
from sources.jobs.counting import reopen_if_closed
from sources.jobs.outcomes import ALREADY_IN_PROJECT
from sources.jobs.retrying import retryable_after, retryable_failures
from sources.models import IngestItem, IngestJob, ItemKind, ItemStatus, JobStatus, Origin, Source
from sources.outlets import count_lines, outlet_key, remove_boilerplate
from sources.text import TextTooLong, check_text_length

logger = logging.getLogger(__name__)

HOSTNAME = socket.gethostname()[:80]


def _claimant() -> str:
    """host:pid:thread of the caller: who holds an item while it runs."""
    return f"{HOSTNAME}:{os.getpid()}:{threading.get_ident()}"


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


class BrokerUnavailable(Exception):
    """The job is stored but its items could not be sent: the sweeper sends them later."""

    def __init__(self, job: IngestJob, reason: str) -> None:
        super().__init__(reason)
        self.job, self.reason = job, reason

    def message(self) -> str:
        return (
            f"Job #{self.job.pk} is stored, but the task queue is unreachable ({self.reason}). "
            "Its items will start by themselves once the queue is back."
        )


def too_many_items(specs: list) -> str | None:
    """Why these items are more than one job takes (INGEST_MAX_ITEMS), or None: the form's and
    the API's message."""
    if len(specs) <= settings.INGEST_MAX_ITEMS:
        return None
    return (
        f"At most {settings.INGEST_MAX_ITEMS:,} items per job, and this adds {len(specs):,}: "
        "add them in several jobs."
    )


def create_job(
    project: Project,
    user,
    specs: Sequence[ItemSpec],
    *,
    kind: str = "mixed",
    enqueue: bool = True,
    feed=None,
) -> IngestJob:
    """Store a job with one item per spec and (after commit) queue its items.

    A job of a feed's entries (`feed`) assigns its new sources by the feed's rule.
    Raises BrokerUnavailable (the job and its items stored all the same) when the broker
    cannot be reached right after the commit.
    """
    if not specs:
        raise ValueError("a job needs at least one item")
    if too_many := too_many_items(specs):
        raise ValueError(too_many)
    now = timezone.now()
    with transaction.atomic():
        job = IngestJob.objects.create(project=project, created_by=user, kind=kind, feed=feed)
        items = []
        for position, spec in enumerate(specs):
            item = IngestItem(job=job, position=position, kind=spec.kind, label=spec.label)
            if spec.error:  # refused at submission: nothing to run, nothing to retry
                item.status, item.reason, item.finished_at = ItemStatus.FAILED, spec.error, now
                item.retryable = False
            else:
                item.payload = spec.payload
            items.append(item)
        IngestItem.objects.bulk_create(items, batch_size=200)
        failed = sum(1 for spec in specs if spec.error)
        job.total, job.failed = len(specs), failed
        job.save(update_fields=["total", "failed"])
        _complete_if_finished(job.pk)
        unsent = _enqueue_after_commit(job) if enqueue else []
    job.refresh_from_db()
    if unsent:
        raise unsent[0]
    return job


def _enqueue_after_commit(job: IngestJob, ids: list[int] | None = None) -> list[BrokerUnavailable]:
    """Queue the items once the transaction commits; the list gets the broker's refusal.

    Without an outer transaction the commit (and so the sending) happens when the caller's
    `atomic` block ends, and the caller can read the list right after it.
    """
    unsent: list[BrokerUnavailable] = []

    def send() -> None:
        try:
            enqueue_job(job, ids)
        except BrokerUnavailable as exc:
            unsent.append(exc)

    transaction.on_commit(send)
    return unsent


def enqueue_job(job: IngestJob, items: Iterable[int] | None = None) -> int:
    """Send one task per pending item (or per item of `items` still pending); how many.

    Each sent item records when (`queued_at`), so the sweeper can tell a sent item from one
    a broker outage left behind. Raises BrokerUnavailable, with the reason also stored on the
    job for its page, if the broker cannot be reached; what was sent before stays sent.
    """
    pending = IngestItem.objects.filter(job=job, status=ItemStatus.PENDING)
    if items is not None:
        pending = pending.filter(pk__in=list(items))
    ids = list(pending.order_by("position").values_list("pk", flat=True))
    sent: list[int] = []
    try:
        for pk in ids:
            enqueue("sources.ingest_item", pk)
            sent.append(pk)
    except Exception as exc:  # kombu's OperationalError, redis' ConnectionError, OSError...
        reason = broker_error_text(exc)
        logger.warning("could not queue ingestion job %s: %s", job.pk, reason)
        _mark_sent(sent)
        IngestJob.objects.filter(pk=job.pk).update(queue_error=reason[:300])
        job.queue_error = reason[:300]
        raise BrokerUnavailable(job, reason) from exc
    _mark_sent(sent)
    if job.queue_error:
        IngestJob.objects.filter(pk=job.pk).update(queue_error="")
        job.queue_error = ""
    return len(sent)


def broker_error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _mark_sent(ids: list[int]) -> None:
    if ids:
        IngestItem.objects.filter(pk__in=ids).update(queued_at=timezone.now())


def retry_failed(job: IngestJob) -> int:
    """Put the job's failed items a retry may help back to pending and queue them; how many.

    Their counts move from `failed` back to the job's remaining items and the job opens
    again. Items whose failure a retry cannot change (refused at submission, a URL refused
    for what it is, a file that cannot be read: `sources.jobs.retrying`) stay failed and are
    not counted. Raises BrokerUnavailable like `enqueue_job` (the sweeper sends them later).
    """
    with transaction.atomic():
        job = IngestJob.objects.select_for_update().get(pk=job.pk)
        ids = list(retryable_failures(job).values_list("pk", flat=True))
        if not ids:
            return 0
        IngestItem.objects.filter(pk__in=ids).update(
            status=ItemStatus.PENDING,
            reason="",
            finished_at=None,
            attempts=0,
            queued_at=None,
            updated_at=timezone.now(),
        )
        IngestJob.objects.filter(pk=job.pk).update(
            failed=F("failed") - len(ids), status=JobStatus.QUEUED, finished_at=None
        )
        unsent = _enqueue_after_commit(job, ids)
    if unsent:
        raise unsent[0]
    return len(ids)


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
    except EncodingUnsure as exc:
        _hold(item, exc)
    except TransientFetchError as exc:
        if not final_attempt:
            IngestItem.objects.filter(pk=item.pk, status=ItemStatus.RUNNING).update(
                status=ItemStatus.PENDING, reason=f"{exc.reason}; retrying"[:300]
            )
            raise
        _finish(item, ItemStatus.FAILED, exc.reason)
    except IngestError as exc:
        logger.info("ingest item %s failed: %s", item.pk, exc)
        _finish(item, ItemStatus.FAILED, exc.reason, retryable=retryable_after(item, exc))
    except DATABASE_GONE:  # not the item's fault: put it back for a retry, then say so
        _release(item)
        raise
    except Exception:
        logger.exception("ingest item %s crashed", item.pk)
        _finish(item, ItemStatus.FAILED, "internal error while ingesting")
    return item


DATABASE_GONE = (OperationalError, InterfaceError)
"""The database connection broke or timed out: the Celery task retries the item."""


def _release(item: IngestItem) -> None:
    """Put this thread's running item back to pending, on a fresh connection if it can."""
    try:
        connection.close()  # the broken one; the next query opens a new one
        IngestItem.objects.filter(
            pk=item.pk, status=ItemStatus.RUNNING, claimed_by=_claimant()
        ).update(status=ItemStatus.PENDING, updated_at=timezone.now())
    except DATABASE_GONE:
        # still down: the item stays running under this thread, which may take it again
        # (claimant_gone), or the sweeper releases it once its process is gone or it is stale
        logger.warning("could not release ingest item %s: the database is unreachable", item.pk)


def _hold(item: IngestItem, unsure: EncodingUnsure) -> None:
    """Park the item until a person picks its encoding (it keeps its bytes meanwhile)."""
    changes = {"status": ItemStatus.HELD, "reason": unsure.reason[:300]}
    changes["candidates"] = unsure.candidates
    if unsure.body is not None and item.kind == ItemKind.URL:  # keep what was fetched
        item.payload = unsure.body
        changes["payload_compressed"] = item.payload_compressed
    changes["updated_at"] = timezone.now()
    held = IngestItem.objects.filter(pk=item.pk, status=ItemStatus.RUNNING).update(**changes)
    if held:
        for name, value in changes.items():
            setattr(item, name, value)
    else:
        item.refresh_from_db()


def release_held_item(item: IngestItem, encoding: str, *, enqueue_it: bool = True) -> bool:
    """Give a held item the encoding a person chose and queue it again.

    False if the item is not held (any more): someone chose already. The item is counted
    once, when its task records its outcome; a job closed while the item was held (by an
    earlier sweeper, which counted it as done) opens again with its items' counts.
    """
    with transaction.atomic():
        released = IngestItem.objects.filter(pk=item.pk, status=ItemStatus.HELD).update(
            status=ItemStatus.PENDING, encoding=encoding, reason="", updated_at=timezone.now()
        )
        if not released:
            return False
        reopen_if_closed(item.job_id)
    item.status, item.encoding, item.reason = ItemStatus.PENDING, encoding, ""
    if enqueue_it:
        transaction.on_commit(lambda: enqueue("sources.ingest_item", item.pk))
    return True


def preview_item(item: IngestItem, encoding: str) -> Extracted:
    """The text the held item would get with this encoding (nothing is stored)."""
    prepared = _prepare(item, encoding)
    if isinstance(prepared, Stored):
        raise IngestError(ALREADY_IN_PROJECT)  # the asker may not see that source
    return prepared.extracted


def _outcome(stored: Stored) -> tuple[str, str, Source]:
    if stored.duplicate:
        # the item keeps the source; its title is shown only to those who may open it
        return ItemStatus.DUPLICATE, ALREADY_IN_PROJECT, stored.source
    return ItemStatus.OK, "", stored.source


def _claim(item: IngestItem) -> bool:
    """Take a pending item, or a running one whose process died (Celery redelivers it).

    A running item whose process is alive belongs to that process: leave it, so a twice
    delivered task cannot ingest it twice. Its process is known dead if it ran on this host
    and its pid is gone (a killed pool process), or if it has not written for
    `_stale_after()` seconds (a worker on another host). An item whose process died
    `INGEST_MAX_ATTEMPTS` times fails, so an item that kills its worker cannot loop.
    """
    now = timezone.now()
    if not _take_item(item.pk, now) and not _take_over(item, now):
        return False
    item.status, item.attempts, item.claimed_by = ItemStatus.RUNNING, item.attempts + 1, _claimant()
    job = item.job
    if job.status == JobStatus.QUEUED:  # as loaded; the update re-checks it
        IngestJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING
        )
        job.status = JobStatus.RUNNING  # items of run_job share this job object
    return True


def _take_over(item: IngestItem, now: dt.datetime) -> bool:
    """Take a running item whose process is dead; fail it after too many attempts."""
    row = (
        IngestItem.objects.filter(pk=item.pk, status=ItemStatus.RUNNING)
        .values("claimed_by", "updated_at", "attempts")
        .first()
    )
    if row is None or not claimant_gone(row["claimed_by"], row["updated_at"], now):
        return False
    if row["attempts"] >= settings.INGEST_MAX_ATTEMPTS:
        give_up(item, row["claimed_by"], row["attempts"])
        return False
    taken = IngestItem.objects.filter(
        pk=item.pk,
        status=ItemStatus.RUNNING,
        claimed_by=row["claimed_by"],
        updated_at=row["updated_at"],
    ).update(claimed_by=_claimant(), attempts=F("attempts") + 1, updated_at=now)
    if taken:
        item.attempts = row["attempts"]  # _claim adds the one just counted
    return bool(taken)


def give_up(item: IngestItem, claimant: str, attempts: int) -> bool:
    """Fail a running item whose process died on each of its `attempts`."""
    reason = f"the worker stopped while ingesting it ({attempts} attempts)"
    with transaction.atomic():
        changed = IngestItem.objects.filter(
            pk=item.pk, status=ItemStatus.RUNNING, claimed_by=claimant
        ).update(status=ItemStatus.FAILED, reason=reason, finished_at=timezone.now())
        if changed:
            _count_finished(item.job_id, "failed", timezone.now())
    return bool(changed)


def claimant_gone(claimant: str, updated_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether the process that took an item is no longer running it.

    True if it was this very thread (a worker process runs one task at a time, so that was an
    earlier attempt, which ended: the database went away under it, say), if it ran on this host
    and its process is gone, or if it has not written for `_stale_after()` seconds.
    """
    if claimant == _claimant() or updated_at < now - dt.timedelta(seconds=_stale_after()):
        return True
    parts = claimant.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != HOSTNAME or not parts[1].isdigit():
        return False
    pid = parts[1]
    if int(pid) == os.getpid():  # another thread of this process: alive
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user: alive
        return False
    return False


def _stale_after() -> float:
    return 3 * settings.INGEST_TIMEOUT + 60


def _finish(
    item: IngestItem,
    status: str,
    reason: str,
    source: Source | None = None,
    *,
    retryable: bool = True,
) -> None:
    with transaction.atomic():
        recorded = _record(item, status, reason, source, retryable=retryable)
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
            outlet_key=pending.outlet_key,
        )
        recorded = _record(item, *_outcome(stored))
        if not recorded:  # another worker finished it first: its outcome stands, ours goes
            transaction.set_rollback(True)
        elif job.feed_id and not stored.duplicate:
            _assign_by_feed(job, stored.source)
    if not recorded:
        item.refresh_from_db()


def _assign_by_feed(job: IngestJob, source: Source) -> None:
    feed = job.feed
    coders = list(feed.coders.all())
    if coders:
        assign_new_source(source, coders, reliability_share=feed.reliability_share, by=None)


def _record(
    item: IngestItem,
    status: str,
    reason: str,
    source: Source | None,
    *,
    retryable: bool = True,
) -> bool:
    """Write the item's final status and count it on its job (inside a transaction).

    `retryable`: for a failure, whether *Retry failed items* may send it again
    (`sources.jobs.retrying.retryable_after`). Returns False, changing nothing, if the item
    is no longer running: another worker finished it.
    """
    now = timezone.now()
    changes = {"status": status, "reason": reason[:300], "source": source}
    changes["retryable"] = retryable = retryable or status != ItemStatus.FAILED
    changes["finished_at"] = changes["updated_at"] = now
    keep_payload = status == ItemStatus.FAILED  # else the source has the original now
    if not keep_payload:
        changes["payload_compressed"] = None
    outcome = (status, changes["reason"], source, retryable)
    if not _set_outcome(item.pk, *outcome, now=now, keep_payload=keep_payload):
        return False
    _count_finished(item.job_id, "failed" if status == ItemStatus.FAILED else "done", now)
    for field, value in changes.items():
        setattr(item, field, value)
    return True


# --- item and job state, in SQL ---------------------------------------------------------
# Three UPDATEs run for every item: claim, outcome, job counter. They are written in SQL
# because the ORM takes several times longer to build each of them than SQLite takes to run
# it, the counter's conditional SET (Case/When) slowest of all (see bench/ingest.py).


def _take_item(pk: int, now: dt.datetime) -> bool:
    """Mark the item running, by this process, if it is pending."""
    taken = _update(
        "UPDATE {items} SET status = %s, attempts = attempts + 1, updated_at = %s,"
        " claimed_by = %s WHERE id = %s AND status = %s",
        [ItemStatus.RUNNING, _db_time(now), _claimant(), pk, ItemStatus.PENDING],
    )
    return taken == 1


def _set_outcome(
    pk: int,
    status: str,
    reason: str,
    source: Source | None,
    retryable: bool,
    *,
    now: dt.datetime,
    keep_payload: bool,
) -> bool:
    """Give a running item its final status; False if it was not running any more."""
    drop_payload = "" if keep_payload else ", payload_compressed = NULL"
    source_pk, time = (source.pk if source else None), _db_time(now)
    changed = _update(
        "UPDATE {items} SET status = %s, reason = %s, source_id = %s, retryable = %s,"
        f" finished_at = %s, updated_at = %s{drop_payload} WHERE id = %s AND status = %s",
        [status, reason, source_pk, retryable, time, time, pk, ItemStatus.RUNNING],
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
    outlet_key: str = ""


def _prepare(item: IngestItem, encoding: str | None = None) -> _Pending | Stored:
    """Fetch or read, decode and extract the item; a Stored duplicate if its URL is known.

    `encoding` (else the one chosen for a held item) overrides detection.
    """
    chosen = encoding or item.encoding or None
    if item.kind == ItemKind.URL:
        try:
            if item.payload_compressed is not None:  # held after fetching: not again
                return _prepare_fetched(item.job.project, item.label, item.payload, chosen)
            return _prepare_url(item.job.project, item.label)
        except Duplicate as dup:
            return Stored(dup.source, True)
    data = item.payload or b""
    if item.kind == ItemKind.PASTE:
        extracted = extract_text_document(data.decode("utf-8"), "pasted.txt")
        if item.label:
            extracted = _with(extracted, title=item.label)
        return _Pending(extracted, Origin.PASTE)
    key = ""
    if item.kind == ItemKind.PDF:
        extracted = extract_pdf(data, item.label, max_pages=settings.INGEST_PDF_MAX_PAGES)
        origin = Origin.PDF
    elif item.kind == ItemKind.EMAIL:
        extracted = _extract_email(data, chosen)
        origin, key = Origin.EMAIL, outlet_key(sender=extracted.provenance["email"]["address"])
    elif item.kind == ItemKind.HTML:
        decoded = _decoded(decode_html_bytes, data, None, chosen)
        extracted, origin = _with_encoding(extract_html(decoded.text), decoded), Origin.HTML
        key = outlet_key(url=extracted.canonical_url) or _name_key(extracted.outlet)
    else:
        decoded = _decoded(decode_text_bytes, data, chosen)
        extracted = _with_encoding(extract_text_document(decoded.text, item.label), decoded)
        origin = Origin.TEXT
    if origin != Origin.TEXT:  # a text file is the user's own clean text
        extracted = remove_boilerplate(item.job.project, key, extracted)
    # the payload is the original, compressed as a source keeps it: stored as it is
    compressed = item.payload_compressed
    return _Pending(
        extracted,
        origin,
        original_compressed=None if compressed is None else bytes(compressed),
        filename=item.label,
        outlet_key=key,
    )


def _extract_email(data: bytes, chosen: str | None) -> Extracted:
    try:
        return extract_email(data, chosen)
    except EncodingUnsure as unsure:
        unsure.body = data
        raise


def _name_key(outlet: str | None) -> str:
    return f"name:{' '.join(outlet.split()).lower()}"[:200] if outlet else ""


def _prepare_url(project: Project, url: str) -> _Pending:
    target = parse_target(url)  # refuses non-http(s) and malformed URLs before any lookup
    _raise_if_url_known(project, [url, target.url])
    result = fetch_configured(target.url, accept_types=URL_TYPES)
    if is_pdf(result.content_type, result.body):
        return _fetched_pdf(project, url, result.url_final, result.body)
    if result.content_type == BINARY_TYPE:
        raise IngestError(f"not HTML or PDF ({BINARY_TYPE})")
    decoded = _decoded(decode_html_bytes, result.body, result.charset_from_header, None)
    return _fetched(project, url, result.url_final, result.body, decoded)


URL_TYPES = HTML_TYPES | PDF_TYPES | {BINARY_TYPE}
"""Media types a fetched URL may have: a page, or a PDF (a generic binary must be one)."""


def _fetched_pdf(project: Project, url: str, final: str, body: bytes) -> _Pending:
    """A PDF behind a URL: read like an uploaded one (same limits and messages).

    The size limit was the fetch's (`INGEST_MAX_BYTES`, as for files); the page limit is
    `INGEST_PDF_MAX_PAGES`. The site is the outlet, for learned boilerplate as for its pages.
    """
    name = urlsplit(final).path.rstrip("/").rsplit("/", 1)[-1] or urlsplit(final).hostname or ""
    extracted = extract_pdf(body, unquote(name), max_pages=settings.INGEST_PDF_MAX_PAGES)
    _raise_if_url_known(project, [final])
    extracted = _with(extracted, canonical_url=final)
    key = outlet_key(url=final)
    extracted = remove_boilerplate(project, key, extracted)
    return _Pending(extracted, Origin.URL, original=body, url=url, outlet_key=key)


def _prepare_fetched(project: Project, url: str, body: bytes, chosen: str | None) -> _Pending:
    _raise_if_url_known(project, [url])
    return _fetched(project, url, url, body, _decoded(decode_html_bytes, body, None, chosen))


def _fetched(project: Project, url: str, final: str, body: bytes, decoded: Decoded) -> _Pending:
    extracted = _with_encoding(extract_html(decoded.text, url=final), decoded)
    _raise_if_url_known(project, [final, extracted.canonical_url])
    if not extracted.canonical_url:
        extracted = _with(extracted, canonical_url=final)
    key = outlet_key(url=final)
    extracted = remove_boilerplate(project, key, extracted)
    return _Pending(extracted, Origin.URL, original=body, url=url, outlet_key=key)


def _decoded(decode, body: bytes, *args) -> Decoded:
    """Run a decode function; an unsure one keeps the bytes on its error, for holding."""
    try:
        return decode(body, *args)
    except EncodingUnsure as unsure:
        unsure.body = body
        raise


def _with_encoding(extracted: Extracted, decoded: Decoded) -> Extracted:
    provenance = {
        **extracted.provenance,
        "encoding": encoding_label(decoded.encoding),
        "encoding_codec": decoded.encoding,
    }
    return _with(extracted, provenance=provenance)


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
    outlet_key: str = "",
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
    provenance = dict(extracted.provenance)
    lines = provenance.pop("_lines", None)  # counted for the outlet if the source is new
    source = Source(
        project=project,
        title=_clip("title", extracted.title or filename or url or "Untitled"),
        outlet=_clip("outlet", extracted.outlet),
        author=_clip("author", extracted.author),
        language=_clip("language", extracted.language or identify_language(text)),
        published_date=extracted.date,
        url=url if len(url) <= 2000 else "",
        canonical_url=canonical if len(canonical) <= 2000 else "",
        origin=origin,
        original_filename=filename[-255:],
        text=text,
        provenance=provenance,
        outlet_key=outlet_key,
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
    if lines:
        count_lines(project, outlet_key, lines)
    return Stored(source, False)


def _clip(field: str, value: str | None) -> str:
    return (value or "").strip()[: _FIELD_LIMITS[field]]


# --- re-extraction ----------------------------------------------------------------------


def kept_html(source: Source) -> bool:
    """Whether the source's kept original is HTML (a fetched PDF's is a PDF: not re-read)."""
    return source.origin in (Origin.URL, Origin.HTML) and (
        (source.provenance or {}).get("format") != "pdf"
    )


def reextract(source: Source, user) -> Stored:
    """Extract the kept original HTML again into a new source (the old one stays as is).

    Returns the existing source as a duplicate when the extraction gives the same text.
    """
    data = source.original
    if data is None or not kept_html(source):
        raise IngestError("no original HTML kept for this source")
    encoding = (source.provenance or {}).get("encoding_codec")
    decoded = decode_html_bytes(data, None, encoding)
    extracted = _with_encoding(extract_html(decoded.text, url=source.url or None), decoded)
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
