"""The one rule between screening and coding: a source that was sent to screening reaches
coders (assignments, queues, the reliability sample) only once it is screened relevant."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from coding.models import ScreeningStatus, SourceScreening

HELD_BACK = (ScreeningStatus.PENDING, ScreeningStatus.NOT_RELEVANT, ScreeningStatus.CONFLICT)


def held_back_ids(source_ids: Iterable[int]) -> set[int]:
    """The sources among these that coders may not get (yet)."""
    return set(
        SourceScreening.objects.filter(
            source_id__in=list(source_ids), status__in=HELD_BACK
        ).values_list("source_id", flat=True)
    )


def held_back_q(source_path: str = "source") -> Q:
    """A filter for rows whose source is held back, e.g. `.exclude(held_back_q())`."""
    return Q(**{f"{source_path}__screening__status__in": HELD_BACK})
