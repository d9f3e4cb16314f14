"""Screening: a first, fast relevant / not-relevant pass over new sources (coding.screening)."""

from django.conf import settings
from django.db import models


class ScreeningStatus(models.TextChoices):
    PENDING = "pending", "To screen"
    RELEVANT = "relevant", "Relevant"
    NOT_RELEVANT = "not_relevant", "Not relevant"
    CONFLICT = "conflict", "Screeners disagree"


class SourceScreening(models.Model):
    """A source waiting for, or done with, screening. A source without one is not screened at
    all (it was added while the project did not require screening) and is coded as usual."""

    source = models.OneToOneField(
        "sources.Source", on_delete=models.CASCADE, related_name="screening"
    )
    relevance = models.FloatField(default=0.0, help_text="higher first in the queue")
    actors = models.JSONField(default=list, blank=True, help_text="ISO3s the detector found")
    double = models.BooleanField(default=False, help_text="drawn for double screening (agreement)")
    status = models.CharField(
        max_length=12, choices=ScreeningStatus.choices, default=ScreeningStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "-relevance"])]
        ordering = ["-relevance", "source_id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_status_display()})"

    @property
    def needed(self) -> int:
        return 2 if self.double else 1


class ScreeningDecision(models.Model):
    """One screener's answer; `final` marks a PI's answer that settles a disagreement."""

    screening = models.ForeignKey(
        SourceScreening, on_delete=models.CASCADE, related_name="decisions"
    )
    screener = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screening_decisions"
    )
    relevant = models.BooleanField()
    note = models.TextField(blank=True, max_length=2000)
    final = models.BooleanField(default=False)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "screener"], name="unique_screening_decision"
            ),
        ]
        ordering = ["screening", "decided_at", "pk"]

    def __str__(self) -> str:
        answer = "relevant" if self.relevant else "not relevant"
        return f"{self.screener} · {answer} · {self.screening.source}"
