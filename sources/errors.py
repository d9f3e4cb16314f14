"""Errors raised while ingesting one item (a URL, an uploaded file, pasted text).

`IngestError.reason` is short, user-facing text shown next to the failed item, so it must not
leak internal details (resolved addresses, stack traces); put those in `detail`, which is for
logs only. `TransientFetchError` marks failures worth retrying later with backoff (timeouts,
connection failures, HTTP 429 and 5xx); every other `IngestError` is final for the attempt.
`RefusedInput` marks a URL refused for what it is (its shape, its scheme, the address it
leads to): asking again gets the same answer, so *Retry failed items* leaves it failed
(`sources.jobs.retrying`).
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


class RefusedInput(IngestError):
    """A URL (or a redirect's target) refused for what it is: malformed, not http(s), with
    credentials, or a host resolving to an address the SSRF guard refuses. Nothing was asked
    of the server, and the same URL is refused the same way every time."""
