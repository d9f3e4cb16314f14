"""A screener's queue: open sources they have not answered, most relevant first."""

from __future__ import annotations

from django.db.models import QuerySet

from coding.models import Project, ScreeningDecision, ScreeningStatus, SourceScreening


def screening_queue(project: Project, user) -> QuerySet[SourceScreening]:
    return (
        SourceScreening.objects.filter(source__project=project, status=ScreeningStatus.PENDING)
        .exclude(decisions__screener=user)
        .select_related("source")
        .order_by("-relevance", "source_id")
    )


def conflicts(project: Project) -> QuerySet[SourceScreening]:
    return (
        SourceScreening.objects.filter(source__project=project, status=ScreeningStatus.CONFLICT)
        .select_related("source")
        .prefetch_related("decisions__screener")
        .order_by("-relevance", "source_id")
    )


def status_counts(project: Project) -> dict[str, int]:
    counts = dict.fromkeys(ScreeningStatus.values, 0)
    rows = SourceScreening.objects.filter(source__project=project).values_list("status", flat=True)
    for status in rows:
        counts[status] += 1
    return counts


def my_answer_counts(project: Project, user) -> dict[str, int]:
    """A screener's own answers (what coders see instead of the project's statuses, which
    depend on other screeners' answers)."""
    rows = ScreeningDecision.objects.filter(
        screening__source__project=project, screener=user
    ).values_list("relevant", flat=True)
    answers = list(rows)
    return {"relevant": sum(answers), "not_relevant": len(answers) - sum(answers)}
