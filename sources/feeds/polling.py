"""Polling RSS/Atom feeds: new entries become an ingestion job of their links.

The feed document is fetched through the same SSRF-guarded fetcher as any URL
(sources.fetching.fetch) and parsed by feedparser from the bytes (feedparser never touches
the network here). An entry is known by its id, else its link (FeedEntry), so a repeat poll
adds nothing; an entry whose link the project has already becomes a duplicate item, as any
URL does. A feed failing settings.FEED_MAX_FAILURES polls in a row is paused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass

import feedparser
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from sources.errors import IngestError
from sources.fetching.configured import fetch_configured
from sources.inputs import ItemSpec
from sources.jobs.ingest import create_job
from sources.models import Feed, FeedEntry, IngestJob, ItemKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollResult:
    added: int
    job: IngestJob | None = None
    error: str = ""


def due_feeds(now: dt.datetime | None = None):
    now = now or timezone.now()
    return Feed.objects.filter(paused=False).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    )


def poll_due_feeds(now: dt.datetime | None = None) -> list[PollResult]:
    """Poll every feed whose time has come (what the beat task runs)."""
    now = now or timezone.now()
    results = []
    for feed in due_feeds(now).select_related("project", "added_by"):
        # take the feed: of two pollers, one moves its next poll and polls it
        taken = Feed.objects.filter(pk=feed.pk, next_poll_at=feed.next_poll_at).update(
            next_poll_at=now + dt.timedelta(minutes=feed.interval_minutes)
        )
        if taken:
            results.append(poll_feed(feed, now=now))
    return results


def poll_feed(feed: Feed, *, now: dt.datetime | None = None, enqueue: bool = True) -> PollResult:
    """Fetch and parse the feed, queue its new entries; record the outcome on the feed."""
    now = now or timezone.now()
    try:
        entries, title = _read(feed)
        job, added = _queue_new(feed, entries, enqueue=enqueue)
    except IngestError as exc:
        return _failed(feed, exc.reason, now)
    except Exception:  # never let one feed stop the others
        logger.exception("feed %s crashed", feed.pk)
        return _failed(feed, "internal error while polling", now)
    changes = {
        "last_polled_at": now,
        "next_poll_at": now + dt.timedelta(minutes=feed.interval_minutes),
        "failures": 0,
        "last_error": "",
    }
    if title and not feed.title:
        changes["title"] = title[:300]
    Feed.objects.filter(pk=feed.pk).update(**changes)
    if added:
        Feed.objects.filter(pk=feed.pk).update(items_added=F("items_added") + added)
    feed.refresh_from_db()
    return PollResult(added, job)


def _failed(feed: Feed, reason: str, now: dt.datetime) -> PollResult:
    failures = feed.failures + 1
    paused = failures >= settings.FEED_MAX_FAILURES
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        next_poll_at=now + dt.timedelta(minutes=feed.interval_minutes),
        failures=failures,
        last_error=reason[:300],
        paused=paused,
    )
    feed.refresh_from_db()
    return PollResult(0, None, reason)


def _read(feed: Feed) -> tuple[list[tuple[str, str, str]], str]:
    """(key, link, title) of the feed's entries with an http(s) link, and the feed's title."""
    # feeds come as RSS, Atom, XML or even text/html
    result = fetch_configured(feed.url, accept_types=None)
    parsed = feedparser.parse(io.BytesIO(result.body))
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise IngestError("not an RSS or Atom feed")
    entries = []
    for entry in parsed.entries[: settings.FEED_MAX_ENTRIES]:
        link = (entry.get("link") or "").strip()
        if not link.lower().startswith(("http://", "https://")):
            continue
        key = (entry.get("id") or link).strip()
        entries.append((key, link[:2000], " ".join((entry.get("title") or "").split())[:500]))
    return entries, " ".join((parsed.feed.get("title") or "").split())


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _queue_new(
    feed: Feed, entries: list[tuple[str, str, str]], *, enqueue: bool
) -> tuple[IngestJob | None, int]:
    hashes = {_hash(key): (link, title) for key, link, title in entries}
    known = set(
        FeedEntry.objects.filter(feed=feed, key_hash__in=list(hashes)).values_list(
            "key_hash", flat=True
        )
    )
    new = [(h, link, title) for h, (link, title) in hashes.items() if h not in known]
    if not new:
        return None, 0
    try:
        with transaction.atomic():
            # the entries first: a concurrent poll inserting the same ones fails here
            FeedEntry.objects.bulk_create(
                [FeedEntry(feed=feed, key_hash=h, link=link, title=t) for h, link, t in new]
            )
            specs = [ItemSpec(ItemKind.URL, link) for _, link, _ in new]
            job = create_job(
                feed.project, feed.added_by, specs, kind="feed", enqueue=enqueue, feed=feed
            )
            items = dict(job.items.values_list("position", "pk"))
            for position, (h, _, _) in enumerate(new):
                FeedEntry.objects.filter(feed=feed, key_hash=h).update(item_id=items[position])
    except IntegrityError:
        return None, 0
    return job, len(new)
