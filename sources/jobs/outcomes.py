"""What an ingestion item's outcome shows to the member who asks.

A duplicate item keeps the id of the source it matched (`IngestItem.source`) and a reason that
names nothing ("already in the project"). The existing source's title and id are shown only to
members who may open that source (PIs: every source; coders: their assigned ones), so a coder
allowed to add sources cannot learn what else the project holds by adding copies of it.
"""

from __future__ import annotations

from collections.abc import Iterable

from coding.models import Membership, Project
from sources.access import visible_sources
from sources.fetching.decode import unsure_reason
from sources.models import IngestItem, ItemStatus, Source

ALREADY_IN_PROJECT = "already in the project"


def duplicate_reason(source: Source) -> str:
    """The detailed reason, for someone who may open `source`."""
    return f"duplicate of “{source.title}”"[:300]


def visible_source_ids(
    project: Project, member: Membership, items: Iterable[IngestItem]
) -> set[int]:
    """The ids among the items' sources that `member` may open (one query)."""
    ids = {item.source_id for item in items if item.source_id}
    if not ids:
        return set()
    return set(visible_sources(project, member).filter(pk__in=ids).values_list("pk", flat=True))


def hides_source(item: IngestItem, visible: set[int]) -> bool:
    """A duplicate of a source the asker may not open: show neither its title nor its id.

    An added item's source came from the asker's own input, so its title and id are theirs.
    """
    return item.status == ItemStatus.DUPLICATE and item.source_id not in visible


def held_candidates(item: IngestItem) -> list[str]:
    """The encodings offered for a held item, best first: the one list that the job page's
    row (its reason), the *Choose the encoding* page, the API and the command all show."""
    return list(dict.fromkeys(item.candidates or []))


def shown_reason(item: IngestItem, visible: set[int]) -> str:
    if item.status == ItemStatus.HELD and item.candidates:
        return unsure_reason(held_candidates(item))  # the stored one may name fewer
    if item.status != ItemStatus.DUPLICATE:
        return item.reason
    if item.source_id is None or item.source_id not in visible:
        return ALREADY_IN_PROJECT
    return duplicate_reason(item.source)


def shown_source_id(item: IngestItem, visible: set[int]) -> int | None:
    return None if hides_source(item, visible) else item.source_id
