import datetime

from django.conf import settings
from django.db import models

# A coding's or an event's note: free text without a database limit, at most this long wherever
# one is written (the coders' API and page, the PI's review), so that no form takes what another
# refuses.
NOTE_MAX_LENGTH = 10_000
TOO_LONG = "At most {limit:,} characters ({length:,} given)."  # under the field, which says which

# Event dates outside these are typos ("0202" for 2022, "2202"), refused with a message wherever
# a date is entered (the coder's panel, the API, the PI's review) rather than stored.
EARLIEST_EVENT_DATE = datetime.date(1900, 1, 1)
LATEST_EVENT_DATE = datetime.date(2100, 12, 31)


def event_date_problem(value: datetime.date | None) -> str | None:
    """Why an event date cannot be right, or None."""
    if value is None or EARLIEST_EVENT_DATE <= value <= LATEST_EVENT_DATE:
        return None
    first, last = EARLIEST_EVENT_DATE.year, LATEST_EVENT_DATE.year
    return f"{value.isoformat()} is not between {first} and {last}: check the year."


class DyadType(models.TextChoices):
    UNDIRECTED = "undirected", "Undirected pair"
    DIRECTED = "directed", "Directed (A → B)"
    MULTILATERAL = "multilateral", "Multilateral"


class Setting(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral"
    MULTILATERAL = "multilateral", "Multilateral"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


class Coding(models.Model):
    """One highlight by one coder, with its codes.

    start/end are Unicode code points over the source's canonical text, start included and end
    excluded (shared/formats.md); quote, prefix and suffix allow re-anchoring and verification.
    `version` increases with every save, so a stale edit is refused instead of overwriting.
    """

    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="codings"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)

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

    area = models.ForeignKey("coding.Area", on_delete=models.PROTECT, related_name="codings")
    activity = models.ForeignKey(
        "coding.Activity", on_delete=models.PROTECT, related_name="codings"
    )
    confidence = models.PositiveSmallIntegerField()
    event_date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    note = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # Chosen by the browser for a new coding and sent again with every retry of its first save,
    # so a save whose answer was lost is not stored twice (unique per coder).
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="coding_span_not_empty"
            ),
            models.UniqueConstraint(
                fields=["coder", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="unique_coding_client_id",
            ),
        ]
        indexes = [models.Index(fields=["source", "coder"])]
        ordering = ["source_id", "start", "end", "id"]

    def __str__(self) -> str:
        return f"{self.activity} [{self.start}:{self.end}] by {self.coder}"


class CodingChange(models.Model):
    """The history of a coding: every create, update and delete, with the state before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    coding = models.ForeignKey(
        Coding, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    coding_pk = models.PositiveBigIntegerField(db_index=True, help_text="Kept after deletion.")
    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=6, choices=Action.choices)
    version = models.PositiveIntegerField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    client_id = models.UUIDField(
        null=True,
        blank=True,
        help_text="On a create: the coder's idempotency key, spent for good even once deleted.",
    )

    class Meta:
        ordering = ["coding_pk", "at", "id"]
        indexes = [
            models.Index(
                fields=["user", "client_id"],
                name="codingchange_client_id",
                condition=models.Q(client_id__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} coding {self.coding_pk} v{self.version}"
