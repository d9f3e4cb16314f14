"""Errors raised while ingesting one item (a URL, an uploaded file, pasted text).

`IngestError.reason` is short, user-facing text shown next to the failed item, so it must not
leak internal details (resolved addresses, stack traces); put those in `detail`, which is for
logs only. `TransientFetchError` marks failures worth retrying later with backoff (timeouts,
connection failures, HTTP 429 and 5xx); every other `IngestError` is final.
"""

from __future__ import annotations


class IngestError(Exception):
    """An item could not be ingested; `reason` is safe to show to the user."""

    retryable: bool = False

    def __init__(self, reason: str, *, detail: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return self.reason if self.detail is None else f"{self.reason} ({self.detail})"


class TransientFetchError(IngestError):
    """A network failure that may succeed on a later attempt.

    `retry_after` carries the server's Retry-After in seconds when it sent one (HTTP 429/503).
    """

    retryable = True

    def __init__(
        self, reason: str, *, detail: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason, detail=detail)
        self.retry_after = retry_after
