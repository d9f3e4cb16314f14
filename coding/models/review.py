"""The PI's adjudication decisions: who decided what about which codings, and how to undo it.

`before` and `after` are snapshots of the event the decision touched (None when it did not
exist), so an undo restores the previous state exactly (coding.review.decisions).
"""

from django.conf import settings
from django.db import models


class DecisionKind(models.TextChoices):
    ACCEPT = "accept", "Accepted a coder's coding"
    EDIT_ACCEPT = "edit_accept", "Edited and accepted"
    MERGE = "merge", "Merged the group"
    REJECT = "reject", "Rejected"
    ADD_OWN = "add_own", "Added the PI's own coding"
    ATTACH = "attach", "Attached to an existing event"
    EDIT_EVENT = "edit_event", "Edited an approved event"


class ReviewDecision(models.Model):
    project = models.ForeignKey(
        "coding.Project", on_delete=models.CASCADE, related_name="review_decisions"
    )
    source = models.ForeignKey(
        "sources.Source",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_decisions",
    )
    kind = models.CharField(max_length=12, choices=DecisionKind.choices)
    codings = models.ManyToManyField(
        "coding.Coding", related_name="review_decisions", help_text="The group decided on."
    )
    chosen = models.ForeignKey(
        "coding.Coding",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The coding that became evidence (accept, edit, merge, add own, attach).",
    )
    event = models.ForeignKey(
        "coding.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    event_ref = models.CharField(max_length=80, blank=True, help_text="Kept if the event goes.")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["source", "undone_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.decided_by} ({self.decided_at:%Y-%m-%d})"

    @property
    def active(self) -> bool:
        return self.undone_at is None
