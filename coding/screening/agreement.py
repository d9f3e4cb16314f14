"""Screening agreement: Krippendorff's alpha (nominal) over the double-screened sources."""

from __future__ import annotations

from dataclasses import dataclass

from coding.models import Project, ScreeningDecision
from coding.reliability.stats import alpha_result, percent_agreement


@dataclass(frozen=True)
class ScreeningAgreement:
    sources: int  # double-screened sources with two or more ordinary answers
    screeners: int
    alpha: float | None  # None when undefined (no pairs, or everyone said the same)
    percent: float | None
    note: str = ""


def screening_agreement(project: Project) -> ScreeningAgreement:
    """Answers before any PI settled them (`final` answers are the reference, not a screener)."""
    rows = ScreeningDecision.objects.filter(
        screening__source__project=project, screening__double=True, final=False
    ).values_list("screening_id", "screener_id", "relevant")
    by_unit: dict[int, dict[int, bool]] = {}
    for unit, screener, relevant in rows:
        by_unit.setdefault(unit, {})[screener] = relevant
    units = sorted(u for u, answers in by_unit.items() if len(answers) >= 2)
    screeners = sorted({s for u in units for s in by_unit[u]})
    if not units:
        return ScreeningAgreement(0, 0, None, None, "no source has two answers yet")
    table = [[by_unit[u].get(s) for u in units] for s in screeners]
    percent = percent_agreement(table)
    try:
        value = alpha_result(table, "nominal").alpha
    except ValueError as exc:
        return ScreeningAgreement(len(units), len(screeners), None, percent, str(exc))
    return ScreeningAgreement(len(units), len(screeners), value, percent)
