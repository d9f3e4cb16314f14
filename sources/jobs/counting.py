"""A job's counts taken from its items, for when the running counters cannot be trusted.

Workers count each outcome as they record it (`sources.jobs.ingest._count_finished`, one
UPDATE in the transaction that makes the item final), so an item is counted once, when it
becomes final. This module counts from the items instead: the sweeper closes a job whose
counter was lost with them, and a held item whose job was closed anyway opens it again.

An item is unfinished while it is pending, running or held (waiting for an encoding choice):
its outcome is still to come, and will be counted by the worker that records it, so a job
with such an item stays open and the counts here leave it out of `done` and `failed`.

The functions lock the job's row first (as `retry_failed` does) and only then read its items:
an outcome being recorded meanwhile waits for the lock to count itself, and once the lock is
held the items are read as committed, so the counts written match the items exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from sources.models import IngestItem, IngestJob, ItemStatus, JobStatus

UNFINISHED = (ItemStatus.PENDING, ItemStatus.RUNNING, ItemStatus.HELD)
"""Item statuses whose outcome is still to come (and to be counted when it is recorded)."""

OPEN = (JobStatus.QUEUED, JobStatus.RUNNING)


@dataclass(frozen=True)
class ItemCounts:
    total: int
    done: int  # added or duplicate
    failed: int
    unfinished: int  # pending, running or held


def item_counts(job_pk: int) -> ItemCounts:
    """Count the job's items by status (one query)."""
    by_status = dict(
        IngestItem.objects.filter(job_id=job_pk)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return ItemCounts(
        total=sum(by_status.values()),
        done=by_status.get(ItemStatus.OK, 0) + by_status.get(ItemStatus.DUPLICATE, 0),
        failed=by_status.get(ItemStatus.FAILED, 0),
        unfinished=sum(by_status.get(status, 0) for status in UNFINISHED),
    )


def close_if_finished(job_pk: int) -> bool:
    """Close an open job none of whose items is unfinished, with its items' counts.

    False (nothing changed) if the job is closed already or an item is still to come.
    """
    with transaction.atomic():
        job = IngestJob.objects.select_for_update().filter(pk=job_pk, status__in=OPEN)
        if not job.exists():
            return False
        counts = item_counts(job_pk)
        if counts.unfinished:
            return False
        IngestJob.objects.filter(pk=job_pk).update(
            status=JobStatus.DONE,
            total=counts.total,
            done=counts.done,
            failed=counts.failed,
            finished_at=timezone.now(),
        )
    return True


def reopen_if_closed(job_pk: int) -> bool:
    """Open again a closed job that has an unfinished item, its counts taken from its items.

    For a job closed while one of its items was held (as the sweeper did before it counted
    held items as unfinished): call it in the transaction that releases the item. False if
    the job is open, or has no unfinished item.
    """
    with transaction.atomic():
        closed = IngestJob.objects.select_for_update().filter(pk=job_pk).exclude(status__in=OPEN)
        if not closed.exists():
            return False
        counts = item_counts(job_pk)
        if not counts.unfinished:
            return False
        IngestJob.objects.filter(pk=job_pk).update(
            status=JobStatus.RUNNING,
            total=counts.total,
            done=counts.done,
            failed=counts.failed,
            finished_at=None,
        )
    return True


def count_after_failing(job_pk: int) -> bool:
    """Count the job from its items after some were failed outside a worker, and close it if
    none is unfinished (an item discarded, a job cancelled: `sources.jobs.stopping`).

    Call it in the transaction that failed them, after the UPDATE of the items (items, then
    the job: the order workers and `release_held_item` lock them in). Under the job's row
    lock the items are read as committed plus this transaction's own changes; a worker
    recording an outcome meanwhile waits for the lock and then adds its own item to the
    counts written here, so each item is counted once. True if it closed the job.
    """
    with transaction.atomic():
        job = IngestJob.objects.select_for_update().filter(pk=job_pk).values("status").first()
        if job is None:
            return False
        counts = item_counts(job_pk)
        changes = {"total": counts.total, "done": counts.done, "failed": counts.failed}
        closes = job["status"] in OPEN and not counts.unfinished
        if closes:
            changes.update(status=JobStatus.DONE, finished_at=timezone.now())
        IngestJob.objects.filter(pk=job_pk).update(**changes)
    return closes
