"""A project's feed subscriptions: the checks and changes the feeds page and the API share."""

from __future__ import annotations

import ipaddress
import socket

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from sources.errors import IngestError
from sources.fetching.fetch import Target, address_class, host_is_allowed, parse_target
from sources.models import Feed

MIN_INTERVAL = 5  # minutes: at most one poll every 5 minutes
MAX_INTERVAL = 30 * 24 * 60  # a month


def check_feed_url(project, url: str, *, feed: Feed | None = None) -> str:
    """The URL, normalized, if the project may follow it; else a ValidationError.

    The URL goes through the fetcher's own parsing (http(s) only, no credentials, no
    ambiguous hosts) and is stored as the fetcher requests it: scheme and host in lower case,
    default port and fragment dropped, path and query as typed. So "HTTP://Example.org:80/a#x"
    and "http://example.org/a" are the same feed. A host written as a loopback, private,
    link-local or otherwise non-public address, or "localhost", is refused here with the
    fetcher's reason; a name is resolved, and its addresses judged, at every poll (an answer
    judged now could change before the poll).
    """
    try:
        target = parse_target(url.strip())
    except IngestError as exc:
        raise ValidationError(exc.reason) from None
    _check_literal_host(target)
    url = target.url
    if len(url) > Feed._meta.get_field("url").max_length:
        raise ValidationError("URL too long")
    if feed is not None and feed.pk is not None and url != normalized_url(feed.url):
        raise ValidationError("A feed's URL cannot change: remove the feed and add the new one.")
    others = Feed.objects.filter(project=project)
    if feed is not None and feed.pk is not None:
        others = others.exclude(pk=feed.pk)
    # compared normalized: feeds stored before URLs were normalized count too
    if any(normalized_url(other) == url for other in others.values_list("url", flat=True)):
        raise ValidationError("The project follows this feed already.")
    return url


def normalized_url(url: str) -> str:
    """The URL as the fetcher requests it (see check_feed_url), or as given if it is refused."""
    try:
        return parse_target(url.strip()).url
    except IngestError:
        return url


def _check_literal_host(target: Target) -> None:
    """Refuse a host that needs no DNS to be judged: an IP literal (in any spelling the
    resolver takes, "127.1" and "2130706433" too) or localhost. Hosts allowed by
    INGEST_ALLOW_HOSTS pass, as they do when fetched. The judgement is the fetcher's own
    (sources.fetching.fetch.address_class); names are judged at every poll."""
    if host_is_allowed(target.host, frozenset(settings.INGEST_ALLOW_HOSTS)):
        return
    name = target.host.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        raise ValidationError("refused: loopback address")
    try:
        infos = socket.getaddrinfo(
            target.host,
            target.port,
            type=socket.SOCK_STREAM,
            proto=socket.IPPROTO_TCP,
            flags=socket.AI_NUMERICHOST,  # no DNS: only a host that is an address
        )
    except (socket.gaierror, UnicodeError, OSError):
        return  # a name: resolved and judged at every poll
    for *_, sockaddr in infos:
        cls = address_class(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
        if cls is not None:
            raise ValidationError(f"refused: {cls} address")


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


# what a PI may change (the URL is set once)
SETTINGS = ("title", "interval_minutes", "reliability_share")


def save_settings(feed: Feed, coders=None) -> None:
    """Store the settings a PI changed (`SETTINGS`, and the coders if given) and no other
    column: a poll may be recording its outcome in the same row meanwhile (last poll, failures,
    items added), which a save of the whole row would overwrite with what was read before."""
    feed.save(update_fields=SETTINGS)
    if coders is not None:
        feed.coders.set(coders)


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
