"""A coder's queue: their assignments with status and counts, and marking a source done or
reopening it."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from coding.models import Assignment, Project
from coding.models.assignments import AssignmentStatus
from coding.reliability.training import is_training
from coding.screening.gate import held_back_q


class WrongStatus(Exception):
    pass


def queue_for(project: Project, coder) -> QuerySet[Assignment]:
    """The coder's assignments in the project with the number of *their own* codings and when
    they last changed one (blind coding: other coders' codings are never counted). Sources
    that screening holds back are left out."""
    mine = Q(source__codings__coder=coder)
    return (
        Assignment.objects.filter(source__project=project, coder=coder)
        .exclude(held_back_q())
        .select_related("source")
        .defer("source__text", "source__original_compressed")
        .annotate(
            my_codings=Count("source__codings", filter=mine),
            last_coded=Max("source__codings__updated_at", filter=mine),
        )
        .order_by("source__published_date", "source__title", "pk")
    )


def continue_with(assignments: list[Assignment]) -> Assignment | None:
    """Where the coder stopped: the in-progress source coded most recently, else the first one
    not started."""
    started = [a for a in assignments if a.status == AssignmentStatus.IN_PROGRESS]
    if started:
        return max(started, key=lambda a: (a.last_coded or a.updated_at, a.pk))
    return next((a for a in assignments if a.status == AssignmentStatus.NOT_STARTED), None)


def status_counts(assignments: list[Assignment]) -> dict[str, int]:
    counts = {status.value: 0 for status in AssignmentStatus}
    for a in assignments:
        counts[a.status] += 1
    return counts


def mark_done(assignment: Assignment) -> Assignment:
    if assignment.status == AssignmentStatus.DONE:
        raise WrongStatus("This source is already marked as done.")
    assignment.status = AssignmentStatus.DONE
    assignment.done_at = timezone.now()
    assignment.save(update_fields=["status", "done_at", "updated_at"])
    return assignment


def reopen(assignment: Assignment) -> Assignment:
    if assignment.status != AssignmentStatus.DONE:
        raise WrongStatus("Only a source marked as done can be reopened.")
    if is_training(assignment.source_id):
        # the coder has seen the reference once the source was done: a second try is not blind
        raise WrongStatus("A training source cannot be reopened: you have seen its reference.")
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.done_at = None
    assignment.save(update_fields=["status", "done_at", "updated_at"])
    return assignment
