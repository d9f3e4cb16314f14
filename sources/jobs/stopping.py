"""Ending items nobody will run: discarding a held item, cancelling a job.

A held item (waiting for an encoding choice) keeps its job open until someone chooses; if
nobody will, a person who may choose may *discard* it instead: it fails, "discarded by
<user>", and is not retried. *Cancelling* a job does the same to each of its items that has
not started (pending or held), "cancelled by <user>"; items already running finish as they
would have, and the job closes when the last of them does.

Exactly once: an item is failed here only by a conditional UPDATE from pending or held, the
same states a worker (`_take_item`, from pending) or a choice (`release_held_item`, from held)
take it from, so of a cancel and a worker (or a discard and a choice) exactly one wins. A task
delivered for a cancelled item finds it failed and does nothing. The job's counts are then
taken from its items under its row lock (`sources.jobs.counting.count_after_failing`), in the
same transaction, so each item is counted once whatever runs meanwhile.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sources.jobs.counting import count_after_failing
from sources.models import IngestItem, IngestJob, ItemStatus

NOT_STARTED = (ItemStatus.PENDING, ItemStatus.HELD)


def _who(user) -> str:
    return user.get_username() if user is not None else "someone"


def _fail(job_pk: int, items, reason: str) -> int:
    """Fail the given (pending or held) items, not to be retried; count the job; how many."""
    now = timezone.now()
    with transaction.atomic():
        failed = items.update(
            status=ItemStatus.FAILED,
            reason=reason[:300],
            retryable=False,
            payload_compressed=None,  # nothing will run it again
            finished_at=now,
            updated_at=now,
        )
        if failed:
            count_after_failing(job_pk)
    return failed


def discard_held_item(item: IngestItem, user) -> bool:
    """Fail a held item: "discarded by <user>". False if it is not held (any more)."""
    held = IngestItem.objects.filter(pk=item.pk, status=ItemStatus.HELD)
    if not _fail(item.job_id, held, f"discarded by {_who(user)}"):
        return False
    item.refresh_from_db()
    return True


def cancel_job(job: IngestJob, user) -> int:
    """Fail the job's items that have not started (pending or held): "cancelled by <user>".

    Running items finish; the job closes now if none is running, else when the last one
    ends. Returns how many items were cancelled (0: nothing was left to cancel).
    """
    waiting = IngestItem.objects.filter(job_id=job.pk, status__in=NOT_STARTED)
    return _fail(job.pk, waiting, f"cancelled by {_who(user)}")
