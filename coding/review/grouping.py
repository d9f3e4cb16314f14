"""Grouping coders' highlights on one source into candidates for one event.

Codings whose spans overlap (union-find over overlapping pairs) form a group; within a group
the fields that differ are listed, and a group only one coder made is flagged as a singleton.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from coding.models import Actor, Assignment, Coding, ReviewDecision
from coding.models.assignments import AssignmentStatus
from coding.review.fields import ordered_sides

COMPARED_FIELDS = (
    "dyad_type", "side_a", "side_b", "participants", "setting", "forum", "area", "activity",
    "confidence", "event_date", "date_precision",
)  # fmt: skip

SpanT = TypeVar("SpanT")  # a coding, or anything with its start, end and pk


def sides(coding: Coding) -> tuple[Actor | None, Actor | None]:
    """Side A and side B as the event will have them (`fields.ordered_sides`): an undirected
    pair entered in either order is the same pair."""
    return ordered_sides(coding.dyad_type, coding.side_a, coding.side_b)


def comparable(coding: Coding) -> dict[str, object]:
    """The coded fields of a coding as plain values, for comparing coders: an undirected pair
    and a set of participants compare whatever order they were entered in."""
    side_a, side_b = sides(coding)
    return {
        "dyad_type": coding.dyad_type,
        "side_a": side_a.pk if side_a else None,
        "side_b": side_b.pk if side_b else None,
        "participants": frozenset(a.pk for a in coding.participants.all()),
        "setting": coding.setting,
        "forum": coding.forum.strip(),
        "area": coding.area_id,
        "activity": coding.activity_id,
        "confidence": coding.confidence,
        "event_date": coding.event_date,
        "date_precision": coding.date_precision,
    }


@dataclass
class Group:
    codings: list[Coding]
    differing: list[str] = field(default_factory=list)
    decisions: dict[int, ReviewDecision] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return min(c.start for c in self.codings)

    @property
    def end(self) -> int:
        return max(c.end for c in self.codings)

    @property
    def coder_ids(self) -> set[int]:
        return {c.coder_id for c in self.codings}

    @property
    def singleton(self) -> bool:
        """A highlight only one coder made."""
        return len(self.coder_ids) == 1

    @property
    def fully_agreed(self) -> bool:
        return (
            len(self.coder_ids) >= 2
            and len(self.codings) == len(self.coder_ids)
            and not self.differing
        )

    @property
    def decided(self) -> bool:
        return all(c.pk in self.decisions for c in self.codings)

    @property
    def coding_ids(self) -> list[int]:
        return [c.pk for c in self.codings]

    @property
    def key(self) -> str:
        return "-".join(str(pk) for pk in sorted(self.coding_ids))

    def active_decisions(self) -> list[ReviewDecision]:
        seen: dict[int, ReviewDecision] = {}
        for decision in self.decisions.values():
            seen[decision.pk] = decision
        return sorted(seen.values(), key=lambda d: d.pk)


def overlaps(a: Coding, b: Coding) -> bool:
    return a.start < b.end and b.start < a.end


def overlapping_clusters(spans: Sequence[SpanT]) -> list[list[SpanT]]:
    """Union-find over overlapping spans (anything with start, end and pk): spans that overlap,
    directly or through others, form one cluster; each cluster in text order."""
    ordered = sorted(spans, key=lambda c: (c.start, c.end, c.pk))
    parent = list(range(len(ordered)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Sorted by start: a coding can only overlap earlier ones whose end reaches past its start.
    for i, current in enumerate(ordered):
        for j in range(i - 1, -1, -1):
            if overlaps(ordered[j], current):
                parent[find(i)] = find(j)
    members: dict[int, list[SpanT]] = {}
    for i, coding in enumerate(ordered):
        members.setdefault(find(i), []).append(coding)
    return list(members.values())


def group_codings(codings: Sequence[Coding]) -> list[Group]:
    """The review's groups: clusters of overlapping codings, in text order."""
    groups = [Group(codings=items) for items in overlapping_clusters(codings)]
    for group in groups:
        group.differing = differing_fields(group.codings)
    return sorted(groups, key=lambda g: (g.start, g.end))


def differing_fields(codings: Iterable[Coding]) -> list[str]:
    values = [comparable(c) for c in codings]
    return [name for name in COMPARED_FIELDS if len({v[name] for v in values}) > 1]


def reviewable_codings(source_ids: Iterable[int]) -> QuerySet[Coding]:
    """Codings by coders who marked the source done, and codings a PI decided on."""
    done_here = Assignment.objects.filter(
        source_id=OuterRef("source_id"), coder_id=OuterRef("coder_id"), status=AssignmentStatus.DONE
    )
    return (
        Coding.objects.filter(source_id__in=source_ids)
        .filter(Q(Exists(done_here)) | Q(review_decisions__isnull=False))
        .distinct()
        .select_related("coder", "side_a", "side_b", "area", "activity")
        .prefetch_related(Prefetch("participants", queryset=Actor.objects.order_by("iso3")))
    )


def active_decisions_by_coding(coding_ids: Iterable[int]) -> dict[int, ReviewDecision]:
    decisions = (
        ReviewDecision.objects.filter(codings__in=list(coding_ids), undone_at__isnull=True)
        .select_related("event", "decided_by")
        .prefetch_related("codings")
        .distinct()
    )
    by_coding: dict[int, ReviewDecision] = {}
    for decision in decisions:
        for coding in decision.codings.all():
            by_coding[coding.pk] = decision
    return by_coding


def groups_for_source(source) -> list[Group]:
    codings = list(reviewable_codings([source.pk]))
    groups = group_codings(codings)
    decided = active_decisions_by_coding(c.pk for c in codings)
    for group in groups:
        group.decisions = {pk: decided[pk] for pk in group.coding_ids if pk in decided}
    return groups
