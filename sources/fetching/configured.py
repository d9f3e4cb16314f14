"""The SSRF-guarded fetcher with the project's ingestion settings (allow-list, size, time and
redirect limits), for every download the app makes: ingested URLs and feeds."""

from __future__ import annotations

from django.conf import settings

from sources.fetching.fetch import FetchResult, fetch


def fetch_configured(url: str, *, accept_types: frozenset[str] | None) -> FetchResult:
    return fetch(
        url,
        allow_hosts=frozenset(settings.INGEST_ALLOW_HOSTS),
        max_bytes=settings.INGEST_MAX_BYTES,
        timeout=settings.INGEST_TIMEOUT,
        max_redirects=settings.INGEST_MAX_REDIRECTS,
        accept_types=accept_types,
    )
