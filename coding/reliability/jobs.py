"""Computing the reliability report once per state of the codings: cache, progress, Celery.

The cache key is a fingerprint of what the report depends on: the filtered codings (count,
latest ``updated_at``, highest id), the done state of the project's assignments, the sources'
text hashes, the review's decisions and approved events (the coder clinic's reference), the
filters and the bootstrap settings. Any change of a coding, assignment or decision gives a
new key, so a cached report is never stale; old entries simply expire. Progress of a running
computation is stored in the same cache under the key plus ``:progress``, where the page polls
it. The cache is Django's default (settings.CACHES): Redis or files under VAR_DIR/cache, shared
by the web processes and the workers.

Faults: a cache that does not answer (Redis down) counts as empty and the report is computed
in the request, as is a report whose task cannot be sent (broker down). A computation whose
progress has not moved for STALE_AFTER seconds (its worker died, its message was lost) is
started again by the next page view; a task redelivered after its worker died (acks late)
computes the same report again, which is harmless.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from coding.models import Assignment, Event, Project, ReviewDecision
from coding.models.assignments import AssignmentStatus
from coding.reliability.data import Filters, counted_codings, load_codings
from coding.reliability.report import INTERVAL, METHOD, N_RESAMPLES, SEED, build_report
from config.celery import enqueue

RESULT_TIMEOUT = 60 * 60 * 24 * 30  # seconds; the key changes with the codings anyway
PROGRESS_TIMEOUT = 60 * 60
INLINE_MAX_CODINGS = 1000
"""Up to this many codings the page computes the report in the request; above, in Celery."""
STALE_AFTER = 10 * 60
"""Seconds without progress after which a queued or running computation is started again."""

logger = logging.getLogger(__name__)


class CacheDown(Exception):
    """The cache did not answer."""


def _cache(operation: str, *args) -> Any:
    try:
        return getattr(cache, operation)(*args)
    except Exception as exc:  # redis.ConnectionError, TimeoutError, OSError...
        logger.warning("cache %s failed: %s", operation, exc)
        raise CacheDown(str(exc)) from exc


def fingerprint(
    project: Project, filters: Filters, n_resamples: int, seed: int, method: str = METHOD
) -> str:
    codings = counted_codings(project, filters).aggregate(
        n=Count("id"), latest=Max("updated_at"), last_id=Max("id")
    )
    done = (
        Assignment.objects.filter(source__project=project, status=AssignmentStatus.DONE)
        .order_by("source_id", "coder_id")
        .values_list("source_id", "coder_id")
    )
    texts = project.sources.order_by("id").values_list("id", "text_hash")
    # the coder clinic's reference: the review's decisions (made or undone) and the events
    decisions = ReviewDecision.objects.filter(project=project).aggregate(
        n=Count("id"), last_id=Max("id"), undone=Count("undone_at"), last_undone=Max("undone_at")
    )
    events = Event.objects.filter(project=project).aggregate(
        n=Count("id", distinct=True), latest=Max("last_modified"), evidence=Count("evidence")
    )
    payload = {
        "project": project.pk,
        "codings": [codings["n"], str(codings["latest"]), codings["last_id"]],
        "done": hashlib.sha256(json.dumps(list(done)).encode()).hexdigest(),
        "texts": hashlib.sha256(json.dumps(list(texts)).encode()).hexdigest(),
        "review": [str(decisions[k]) for k in ("n", "last_id", "undone", "last_undone")]
        + [str(events[k]) for k in ("n", "latest", "evidence")],
        "filters": filters.as_params(),
        "bootstrap": [n_resamples, seed, method, INTERVAL],
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return f"reliability:{project.pk}:{digest[:32]}"


def chosen_coders(filters: Filters) -> list[str]:
    """The usernames of the coders the filters choose, sorted (former members too: their
    codings stay in the report); none without a coder filter (and no query)."""
    if not filters.coders:
        return []
    users = get_user_model().objects.filter(id__in=filters.coders)
    return sorted(users.values_list("username", flat=True))


def filters_text(project: Project, filters: Filters, coders: list[str] | None = None) -> str:
    """The filters in words, for the report's header. ``coders``: the chosen coders as they
    are to be named ("dan (former member)"), rather than their usernames."""
    parts = []
    if filters.coders:
        parts.append("coders " + ", ".join(chosen_coders(filters) if coders is None else coders))
    if filters.codebook:
        parts.append(f"codebook id {filters.codebook}")
    if filters.date_from or filters.date_to:
        parts.append(f"coded {filters.date_from or '…'} to {filters.date_to or '…'}")
    if filters.sources:
        parts.append(f"{len(filters.sources)} selected sources")
    return "; ".join(parts) or "none"


def compute(
    project: Project,
    filters: Filters,
    *,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
    key: str | None = None,
    method: str = METHOD,
) -> dict[str, Any]:
    """Build the report now, store it in the cache (with progress on the way) and return it.
    ``method`` "kalpha" gives Hayes & Krippendorff's intervals (the command's --method)."""
    key = key or fingerprint(project, filters, n_resamples, seed, method)

    def progress(done: int, total: int, message: str) -> None:
        set_progress(key, "running", done, total, message)

    set_progress(key, "running", 0, 1, "loading codings")
    report = build_report(
        load_codings(project, filters),
        n_resamples=n_resamples,
        seed=seed,
        progress=progress,
        method=method,
    )
    report["meta"] = {
        "project": project.name,
        "slug": project.slug,
        "filters": filters.as_params(),
        "filters_text": filters_text(project, filters),
        "generated_at": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
    }
    with contextlib.suppress(CacheDown):  # returned all the same; the next view computes it
        _cache("set", key, report, RESULT_TIMEOUT)
    set_progress(key, "done", 1, 1, "done")
    return report


def _progress(state: str, done: int, total: int, message: str) -> dict[str, Any]:
    return {"state": state, "done": done, "total": total, "message": message, "at": time.time()}


def set_progress(key: str, state: str, done: int, total: int, message: str) -> None:
    with contextlib.suppress(CacheDown):
        _cache("set", f"{key}:progress", _progress(state, done, total, message), PROGRESS_TIMEOUT)


def progress_of(key: str) -> dict[str, Any] | None:
    try:
        return _cache("get", f"{key}:progress")
    except CacheDown:
        return None


def cached(key: str) -> dict[str, Any] | None:
    """The stored report, or None (also when the cache does not answer)."""
    try:
        return _cache("get", key)
    except CacheDown:
        return None


def _stale(progress: dict[str, Any]) -> bool:
    if progress["state"] == "failed":
        return True
    return progress["state"] in ("queued", "running") and (
        time.time() - progress.get("at", 0) > STALE_AFTER
    )


def report_or_start(
    project: Project, filters: Filters, *, inline_max: int | None = None
) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    """(key, report, progress): the cached report; or, for a small project, one computed now;
    or None and the progress of a Celery task started (once) to compute it."""
    key = fingerprint(project, filters, N_RESAMPLES, SEED)
    try:
        report = _cache("get", key)
    except CacheDown:  # without a cache no worker can hand the report over: compute it here
        return key, compute(project, filters, key=key), None
    if report is not None:
        return key, report, None
    limit = INLINE_MAX_CODINGS if inline_max is None else inline_max
    if counted_codings(project, filters).count() <= limit:
        return key, compute(project, filters, key=key), None
    try:
        progress = _cache("get", f"{key}:progress")
        if progress is not None and _stale(progress):
            _cache("delete", f"{key}:progress")  # try again
        queued = _progress("queued", 0, 1, "waiting for a worker")
        if _cache("add", f"{key}:progress", queued, PROGRESS_TIMEOUT):  # one task per key
            enqueue("coding.compute_reliability", project.pk, filters.as_params(), key)
        return key, None, progress_of(key) or queued
    except CacheDown:
        return key, compute(project, filters, key=key), None
    except Exception as exc:  # the broker is down: compute it here rather than wait for ever
        logger.warning("could not queue the reliability report: %s", exc)
        set_progress(key, "failed", 0, 1, "could not queue")
        return key, compute(project, filters, key=key), None


def run_task(project_id: int, params: dict[str, Any], key: str) -> None:
    """What the Celery task does (a plain function, so tests call it without a worker)."""
    project = Project.objects.get(pk=project_id)
    try:
        compute(project, Filters.from_params(params), key=key)
    except Exception:
        set_progress(key, "failed", 0, 1, "the computation failed; see the worker's log")
        raise
