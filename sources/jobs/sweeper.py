"""The sweeper: what a dead worker or a broker outage left unfinished is sent again.

Celery beat runs `sweep` every SWEEP_INTERVAL seconds (settings.CELERY_BEAT_SCHEDULE). Each
run, in this order:

1. a running item whose process died (on this host its pid is gone; elsewhere it has not
   written for a while) goes back to pending, or fails after INGEST_MAX_ATTEMPTS starts;
2. a pending item never sent (the broker was down when its job was stored), or sent more
   than SWEEP_PENDING_AFTER seconds ago (the message was lost with its worker), is sent
   again; a task delivered twice is harmless, an item is claimed by one process only;
3. a job whose items are all final (none pending, running or held for an encoding choice)
   but which is still open is counted from its items and closed.

It only changes rows with conditional UPDATEs that re-check the state they saw, or under the
job's row lock, so it can run beside the workers, and twice at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from sources.jobs.counting import OPEN, UNFINISHED, close_if_finished
from sources.jobs.ingest import BrokerUnavailable, claimant_gone, enqueue_job, give_up
from sources.models import IngestItem, IngestJob, ItemStatus

logger = logging.getLogger(__name__)

SEND_GRACE = dt.timedelta(seconds=10)
"""A new job's items are sent right after its commit: leave them this long to be sent."""


@dataclass
class Sweep:
    released_ids: list[int] = field(default_factory=list)
    given_up: int = 0
    sent: int = 0
    closed: int = 0
    broker_error: str = ""
    jobs: set[int] = field(default_factory=set)


def sweep(now: dt.datetime | None = None) -> Sweep:
    now = now or timezone.now()
    result = Sweep()
    _release_orphans(now, result)
    _send_waiting(now, result)
    _close_finished(result)
    if result.released_ids or result.given_up or result.sent or result.closed:
        logger.info("sweeper: %s", result)
    return result


def _release_orphans(now: dt.datetime, result: Sweep) -> None:
    running = IngestItem.objects.filter(status=ItemStatus.RUNNING).only(
        "pk", "job_id", "claimed_by", "updated_at", "attempts"
    )
    for item in running.iterator():
        if not claimant_gone(item.claimed_by, item.updated_at, now):
            continue
        if item.attempts >= settings.INGEST_MAX_ATTEMPTS:
            result.given_up += give_up(item, item.claimed_by, item.attempts)
            continue
        released = IngestItem.objects.filter(
            pk=item.pk,
            status=ItemStatus.RUNNING,
            claimed_by=item.claimed_by,
            updated_at=item.updated_at,
        ).update(status=ItemStatus.PENDING, queued_at=None, updated_at=now)
        if released:
            result.released_ids.append(item.pk)


def _send_waiting(now: dt.datetime, result: Sweep) -> None:
    resend_before = now - dt.timedelta(seconds=settings.SWEEP_PENDING_AFTER)
    waiting = IngestItem.objects.filter(status=ItemStatus.PENDING).filter(
        Q(queued_at__isnull=True, updated_at__lt=now - SEND_GRACE)
        | Q(queued_at__lt=resend_before)
        | Q(pk__in=result.released_ids)
    )
    by_job: dict[int, list[int]] = {}
    for job_id, pk in waiting.values_list("job_id", "pk"):
        by_job.setdefault(job_id, []).append(pk)
    for job in IngestJob.objects.filter(pk__in=by_job):
        try:
            result.sent += enqueue_job(job, by_job[job.pk])
        except BrokerUnavailable as exc:
            result.broker_error = exc.reason
            logger.warning("sweeper: the broker is still unreachable: %s", exc.reason)
            return
        result.jobs.add(job.pk)


def _close_finished(result: Sweep) -> None:
    """Close open jobs with no pending, running or held item left, counting from their items.

    A held item waits for a person's choice and is counted when its task records it, so its
    job stays open meanwhile (`sources.jobs.counting`).
    """
    open_jobs = IngestJob.objects.filter(status__in=OPEN)
    unfinished = Q(items__status__in=UNFINISHED)
    candidates = open_jobs.annotate(left=Count("items", filter=unfinished)).filter(left=0)
    for pk in candidates.values_list("pk", flat=True):
        result.closed += close_if_finished(pk)
