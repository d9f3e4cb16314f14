"""The review queue: sources two or more coders finished, most disagreement first."""

from dataclasses import dataclass

from django.db.models import Count, Q

from coding.models import Project
from coding.models.assignments import AssignmentStatus
from coding.reliability.training import training_q
from coding.review.grouping import (
    Group,
    active_decisions_by_coding,
    group_codings,
    reviewable_codings,
)


@dataclass
class QueueItem:
    source: object
    coders_done: int
    groups: list[Group]

    @property
    def unmatched(self) -> int:
        """Highlights only one coder made."""
        return sum(1 for g in self.groups if g.singleton and self.coders_done >= 2)

    @property
    def differing(self) -> int:
        """Fields that differ, summed over groups."""
        return sum(len(g.differing) for g in self.groups)

    @property
    def score(self) -> int:
        return self.unmatched + self.differing

    @property
    def fully_agreed(self) -> bool:
        return bool(self.groups) and all(g.fully_agreed for g in self.groups)

    @property
    def open_groups(self) -> int:
        return sum(1 for g in self.groups if not g.decided)


def review_queue(project: Project, *, agreed: bool | None = None) -> list[QueueItem]:
    """Sources with >= 2 done assignments; `agreed=True` keeps fully agreed ones only,
    `agreed=False` the ones with any disagreement."""
    sources = list(
        project.sources.annotate(
            coders_done=Count("assignments", filter=Q(assignments__status=AssignmentStatus.DONE))
        )
        .filter(coders_done__gte=2)
        .exclude(training_q(""))
        .only("id", "title", "outlet", "published_date", "project_id")
    )
    codings = list(reviewable_codings([s.pk for s in sources]))
    decided = active_decisions_by_coding(c.pk for c in codings)
    by_source: dict[int, list] = {}
    for coding in codings:
        by_source.setdefault(coding.source_id, []).append(coding)
    items = []
    for source in sources:
        groups = group_codings(by_source.get(source.pk, []))
        for group in groups:
            group.decisions = {pk: decided[pk] for pk in group.coding_ids if pk in decided}
        items.append(QueueItem(source=source, coders_done=source.coders_done, groups=groups))
    if agreed is True:
        items = [i for i in items if i.fully_agreed]
    elif agreed is False:
        items = [i for i in items if not i.fully_agreed]
    items.sort(key=lambda i: (-i.score, -i.open_groups, i.source.title))
    return items
