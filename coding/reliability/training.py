"""The one filter that keeps training sources (calibration rounds) out of the study.

Training sources are coded by new coders against an adjudicated reference; they must never
count in the study's reliability figures, events, review queue, export, dashboard or
reliability sample. Every place that selects sources, codings, assignments or events for the
study applies one of these filters.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from coding.models import CalibrationRound, TrainingSource


def training_q(source_path: str = "source") -> Q:
    """Rows whose source is a training source, e.g. ``codings.exclude(training_q())``;
    ``source_path=""`` for a queryset of sources."""
    prefix = f"{source_path}__" if source_path else ""
    return Q(**{f"{prefix}training__isnull": False})


def training_event_q() -> Q:
    """Events resting on codings in training sources (the references of calibration)."""
    return Q(evidence__coding__source__training__isnull=False)


def training_ids(source_ids: Iterable[int]) -> set[int]:
    """The training sources among these."""
    return set(
        TrainingSource.objects.filter(source_id__in=list(source_ids)).values_list(
            "source_id", flat=True
        )
    )


def trainee_ids(project_id: int, coder_ids: Iterable[int]) -> set[int]:
    """Coders among these whose calibration round in the project has not been admitted yet:
    they get no main-sample sources until the PI admits them."""
    return set(
        CalibrationRound.objects.filter(
            project_id=project_id, coder_id__in=list(coder_ids), admitted_at__isnull=True
        ).values_list("coder_id", flat=True)
    )


def is_training(source_id: int) -> bool:
    return TrainingSource.objects.filter(source_id=source_id).exists()


def study_events(project) -> QuerySet:
    """The project's events without the references of its training sources."""
    return project.events.exclude(training_event_q())
