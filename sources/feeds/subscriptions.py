"""A project's feed subscriptions: the checks and changes the feeds page and the API share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from sources.errors import IngestError
from sources.fetching.fetch import parse_target
from sources.models import Feed

MIN_INTERVAL = 5  # minutes: at most one poll every 5 minutes
MAX_INTERVAL = 30 * 24 * 60  # a month


def check_feed_url(project, url: str, *, feed: Feed | None = None) -> str:
    """The URL, stripped, if the project may follow it; else a ValidationError.

    The URL goes through the fetcher's own parsing (http(s) only, no credentials, no
    ambiguous hosts); its addresses are judged at every poll, as for any fetched URL.
    """
    url = url.strip()
    try:
        parse_target(url)
    except IngestError as exc:
        raise ValidationError(exc.reason) from None
    if feed is not None and feed.pk is not None and url != feed.url:
        raise ValidationError("A feed's URL cannot change: remove the feed and add the new one.")
    others = Feed.objects.filter(project=project, url=url)
    if feed is not None and feed.pk is not None:
        others = others.exclude(pk=feed.pk)
    if others.exists():
        raise ValidationError("The project follows this feed already.")
    return url


def check_interval(minutes: int) -> int:
    if minutes < MIN_INTERVAL:
        raise ValidationError(f"Poll at most every {MIN_INTERVAL} minutes.")
    if minutes > MAX_INTERVAL:
        raise ValidationError(f"Poll at least every {MAX_INTERVAL} minutes (30 days).")
    return minutes


def check_share(share: float) -> float:
    if not 0.0 <= share <= 1.0:  # NaN fails too
        raise ValidationError("Give a share between 0 and 1.")
    return share


def subscribe(feed: Feed, project, user) -> Feed:
    """Save a new feed of the project; it is polled at the next beat."""
    feed.project, feed.added_by, feed.next_poll_at = project, user, timezone.now()
    feed.save()
    return feed


def poll_soon(feed: Feed) -> None:
    """Make the feed due: the next beat (within FEED_BEAT_SECONDS) polls it."""
    feed.next_poll_at = timezone.now()
    feed.save(update_fields=["next_poll_at"])


def resume(feed: Feed) -> None:
    """Un-pause a feed, forgetting its failures; it is polled at the next beat."""
    feed.paused, feed.failures, feed.next_poll_at = False, 0, timezone.now()
    feed.save(update_fields=["paused", "failures", "next_poll_at"])


def pause(feed: Feed) -> None:
    """Stop polling the feed (its last error, if any, stays shown) until resumed."""
    feed.paused = True
    feed.save(update_fields=["paused"])
