"""Approved events: the study's data. An event rests on one or more approved codings.

`event_id` is stable and never reused: it comes from a per-project counter that only grows, so
an event deleted by an undo leaves a gap instead of handing its id to the next event.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from coding.models.codings import DyadType, Setting


class DatePrec(models.IntegerChoices):
    """UCDP GED date_prec (shared/formats.md)."""

    DAY = 1, "exact day"
    DAYS = 2, "2-6 days"
    WEEK = 3, "week"
    MONTH = 4, "month"
    YEAR = 5, "year"


class EventSequence(models.Model):
    """The last sequence number handed out to an event of a project."""

    project = models.OneToOneField(
        "coding.Project", on_delete=models.CASCADE, related_name="event_sequence"
    )
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.project}: {self.last}"


class Event(models.Model):
    project = models.ForeignKey("coding.Project", on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=80, unique=True)
    codebook = models.ForeignKey("coding.Codebook", on_delete=models.PROTECT, related_name="+")

    dyad_type = models.CharField(max_length=12, choices=DyadType.choices)
    side_a = models.ForeignKey(
        "coding.Actor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    side_b = models.ForeignKey(
        "coding.Actor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participants = models.ManyToManyField("coding.Actor", blank=True, related_name="+")
    setting = models.CharField(max_length=12, choices=Setting.choices, default=Setting.BILATERAL)
    forum = models.CharField(max_length=100, blank=True)
    area = models.ForeignKey("coding.Area", on_delete=models.PROTECT, related_name="events")
    activity = models.ForeignKey("coding.Activity", on_delete=models.PROTECT, related_name="events")
    confidence = models.PositiveSmallIntegerField()
    event_date = models.DateField(null=True, blank=True)
    event_date_end = models.DateField(null=True, blank=True)
    date_prec = models.PositiveSmallIntegerField(choices=DatePrec.choices, null=True, blank=True)
    note = models.TextField(blank=True)

    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approved_events"
    )
    approved_at = models.DateTimeField()
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["project", "event_date"])]
        ordering = ["project_id", "event_id"]

    def __str__(self) -> str:
        return self.event_id


class EventEvidence(models.Model):
    """One approved coding supporting an event. A coding supports at most one event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="evidence")
    # RESTRICT: an approved coding cannot be deleted on its own, but deleting the whole
    # project (which cascades to its events too) still works.
    coding = models.OneToOneField(
        "coding.Coding", on_delete=models.RESTRICT, related_name="evidence"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    primary = models.BooleanField(
        default=False, help_text="The coding whose span the PI chose to represent the event."
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event_id", "-primary", "coding_id"]
        verbose_name_plural = "event evidence"

    def __str__(self) -> str:
        return f"{self.event} ← coding {self.coding_id}"
