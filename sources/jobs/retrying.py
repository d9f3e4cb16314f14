"""Which failed items *Retry failed items* sends again: those whose failure may not recur.

Whether a failure can recur is decided when it is recorded, from what failed, and kept on the
item (`IngestItem.retryable`):

* refused at submission (an unsupported, empty or too large file): no, nothing to run again;
* discarded or cancelled by a person (`sources.jobs.stopping`): no, they chose so;
* a URL refused for what it is (malformed, not http(s), an address the SSRF guard refuses:
  `sources.errors.RefusedInput`): no, it is refused the same way every time;
* any other refusal of bytes the item already holds (an upload, pasted text, a page fetched
  before its encoding was chosen: "empty file", "not HTML", "no text layer"...): no, the same
  bytes are read the same way again;
* what a server answered when a URL was fetched (time-outs and 5xx after their automatic
  retries, 404, a page without article text...): yes, the server may answer otherwise;
* a worker that died on it, or an internal error: yes.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sources.errors import IngestError, RefusedInput
from sources.models import IngestItem, IngestJob, ItemKind, ItemStatus


def retryable_after(item: IngestItem, error: IngestError) -> bool:
    """Whether a retry might end otherwise than the failure `error` of `item`."""
    if error.retryable:  # transient: a time-out, a refused connection, HTTP 429 or 5xx
        return True
    if isinstance(error, RefusedInput):
        return False
    fetched_again = item.kind == ItemKind.URL and item.payload_compressed is None
    return fetched_again


def retryable_failures(job: IngestJob) -> QuerySet[IngestItem]:
    """The job's failed items a retry may help.

    An item with nothing to run from (a file whose bytes are gone) is left out as well,
    whatever its flag says (items failed before the flag existed).
    """
    nothing_to_run = Q(payload_compressed=None) & ~Q(kind=ItemKind.URL)
    return job.items.filter(status=ItemStatus.FAILED, retryable=True).exclude(nothing_to_run)
