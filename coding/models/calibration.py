"""Calibration rounds: new coders code adjudicated training sources before the main sample.

A training source is a source of the project whose adjudicated result (its approved events) is
the reference a new coder is compared with. Training sources are outside the study: they count
in no reliability figure, event list, review queue, export or dashboard
(``coding.reliability.training``).
"""

from django.conf import settings
from django.db import models


class TrainingSource(models.Model):
    """A source the PI set aside for calibration (one per source)."""

    project = models.ForeignKey(
        "coding.Project", on_delete=models.CASCADE, related_name="training_sources"
    )
    source = models.OneToOneField(
        "sources.Source", on_delete=models.CASCADE, related_name="training"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "source_id"]

    def __str__(self) -> str:
        return f"training: {self.source}"


class CalibrationRound(models.Model):
    """One coder's calibration in a project: given the training set, later admitted (or not)
    to the main sample. The pass mark is the project's ``calibration_threshold``."""

    project = models.ForeignKey(
        "coding.Project", on_delete=models.CASCADE, related_name="calibration_rounds"
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calibration_rounds"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "coder"], name="unique_calibration_round"),
        ]
        ordering = ["project_id", "coder__username"]

    def __str__(self) -> str:
        return f"calibration of {self.coder} in {self.project}"

    @property
    def admitted(self) -> bool:
        return self.admitted_at is not None
