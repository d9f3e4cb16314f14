"""Suggested passages from a model trained on the approved codings (coding.suggestions)."""

from django.conf import settings
from django.db import models


class ModelStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Training"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class SuggestionModel(models.Model):
    """One training run: its progress, the fitted model (pickled scikit-learn objects made by
    coding.suggestions.model, never from outside), and how it did on held-out sources."""

    project = models.ForeignKey(
        "coding.Project", on_delete=models.CASCADE, related_name="suggestion_models"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ModelStatus.choices, default=ModelStatus.QUEUED)
    step = models.CharField(max_length=100, blank=True)
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=1)
    error = models.CharField(max_length=500, blank=True)
    approvals = models.PositiveIntegerField(default=0, help_text="approved codings trained on")
    passages = models.PositiveIntegerField(default=0, help_text="training passages")
    seconds = models.FloatField(default=0.0)
    evaluation = models.JSONField(default=dict, blank=True)
    blob = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Suggestion model #{self.pk} ({self.get_status_display()}, {self.approvals})"


class Suggestion(models.Model):
    """A passage the model proposes on a source, with its codes; coders accept or dismiss it."""

    model = models.ForeignKey(SuggestionModel, on_delete=models.CASCADE, related_name="suggestions")
    source = models.ForeignKey(
        "sources.Source", on_delete=models.CASCADE, related_name="suggestions"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    area = models.ForeignKey("coding.Area", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey("coding.Activity", on_delete=models.CASCADE, related_name="+")
    dyad_type = models.CharField(max_length=12)
    side_a = models.ForeignKey(
        "coding.Actor", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    side_b = models.ForeignKey(
        "coding.Actor", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    participants = models.ManyToManyField("coding.Actor", blank=True, related_name="+")
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "source", "start", "end"], name="unique_suggestion_span"
            ),
        ]
        ordering = ["source_id", "start", "end"]

    def __str__(self) -> str:
        return f"{self.activity} [{self.start}:{self.end}] ({self.score:.2f})"


class SuggestionDecision(models.Model):
    """A coder's accept or dismiss (per coder: blind coding, others still see the suggestion)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="decisions")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestion_decisions"
    )
    accepted = models.BooleanField()
    coding = models.ForeignKey(
        "coding.Coding", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "coder"], name="unique_suggestion_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coder} {'accepted' if self.accepted else 'dismissed'} {self.suggestion}"
