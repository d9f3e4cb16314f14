import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from sources.text import canonicalize, hash_text

# Stored documents (a source's original, an item's payload) are zlib streams at this level:
# the same format for both, so an uploaded payload becomes the source's original as it is
COMPRESSION_LEVEL = 6


def compress(data: bytes) -> bytes:
    return zlib.compress(data, COMPRESSION_LEVEL)


def decompress(data: bytes | memoryview) -> bytes:
    return zlib.decompress(bytes(data))


class TextLockedError(ValidationError):
    """Raised when the text of a source that already has codings would change."""


class Origin(models.TextChoices):
    URL = "url", "Fetched URL"
    HTML = "html", "HTML file"
    TEXT = "text", "Text file"
    PASTE = "paste", "Pasted text"
    PDF = "pdf", "PDF file"
    EMAIL = "email", "E-mail newsletter"


class Source(models.Model):
    """One ingested document. Its `text` is canonical: offsets of codings index into it."""

    project = models.ForeignKey("coding.Project", on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True)
    outlet_key = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text="what its boilerplate is learned by: the site's domain or the sender's address",
    )
    author = models.CharField(max_length=300, blank=True)
    published_date = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    canonical_url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=16, blank=True)
    origin = models.CharField(max_length=5, choices=Origin.choices, default=Origin.PASTE)
    original_filename = models.CharField(max_length=255, blank=True)

    text = models.TextField()
    text_hash = models.CharField(max_length=64, editable=False, db_index=True)
    original_compressed = models.BinaryField(
        null=True, blank=True, editable=False, help_text="zlib-compressed original document"
    )
    provenance = models.JSONField(
        default=dict,
        blank=True,
        help_text="how the text was made: encoding, page offsets (PDF), e-mail headers, "
        "lines removed as boilerplate and why",
    )

    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ingested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "text_hash"], name="unique_source_text"),
        ]
        indexes = [models.Index(fields=["project", "url"])]
        ordering = ["-published_date", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.text = canonicalize(self.text)
        self.text_hash = hash_text(self.text)
        if self.pk and self._text_changed() and self.codings.exists():
            raise TextLockedError(
                "The text of this source cannot change: it already has codings whose offsets "
                "point into it. Ingest the corrected text as a new source instead.",
                code="text_locked",
            )
        super().save(*args, **kwargs)
        self._loaded_text = self.text

    def get_absolute_url(self) -> str:
        return reverse("source-detail", kwargs={"slug": self.project.slug, "pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_text = instance.__dict__.get("text")
        return instance

    @property
    def original(self) -> bytes | None:
        if self.original_compressed is None:
            return None
        return decompress(self.original_compressed)

    @original.setter
    def original(self, data: bytes | None) -> None:
        self.original_compressed = None if data is None else compress(data)

    def _text_changed(self) -> bool:
        loaded = getattr(self, "_loaded_text", None)
        if loaded is not None:
            return loaded != self.text
        stored = Source.objects.filter(pk=self.pk).values_list("text_hash", flat=True).first()
        return stored is not None and stored != self.text_hash


class OutletLine(models.Model):
    """A short paragraph seen in an outlet's sources: boilerplate once it recurs in several
    of them, or once a PI marks it (sources.outlets)."""

    project = models.ForeignKey(
        "coding.Project", on_delete=models.CASCADE, related_name="outlet_lines"
    )
    outlet_key = models.CharField(max_length=200)
    line_hash = models.CharField(max_length=64, help_text="SHA-256 of the normalized line")
    text = models.TextField()
    seen = models.PositiveIntegerField(default=0, help_text="sources of the outlet it was in")
    marked = models.BooleanField(default=False, help_text="a PI marked it as boilerplate")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "outlet_key", "line_hash"], name="unique_outlet_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet_key}: {self.text[:60]}"


# --- ingestion jobs ---------------------------------------------------------------------


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ItemKind(models.TextChoices):
    URL = "url", "URL"
    HTML = "html", "HTML file"
    TEXT = "text", "Text file"
    PASTE = "paste", "Pasted text"
    PDF = "pdf", "PDF file"
    EMAIL = "email", "E-mail (.eml)"


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    OK = "ok", "Added"
    DUPLICATE = "duplicate", "Duplicate"
    FAILED = "failed", "Failed"
    HELD = "held", "Waiting for a choice"


class IngestJob(models.Model):
    """A batch of items to ingest into a project, run by Celery item by item.

    `done` counts items that finished without error (added or duplicate), `failed` those that
    failed; both are incremented in the database (sources.jobs.ingest) so several workers can
    share one job. An item pending, running or held for an encoding choice is in neither, and
    keeps its job open (sources.jobs.counting).
    """

    project = models.ForeignKey(
        "coding.Project", on_delete=models.CASCADE, related_name="ingest_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=16, default="mixed", help_text="how it was submitted")
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    feed = models.ForeignKey(
        "sources.Feed",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="the feed whose new items this job ingests",
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    queue_error = models.CharField(
        max_length=300, blank=True, help_text="why its items could not be sent to the workers"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return f"Ingestion #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("ingest-job", kwargs={"slug": self.project.slug, "pk": self.pk})

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.done - self.failed)


class IngestItem(models.Model):
    """One URL, file or pasted text of a job, with its outcome.

    Uploaded bytes wait in `payload_compressed` (zlib) in the database, so any worker on any
    machine can process the item; the payload is dropped once the item has a source.
    """

    job = models.ForeignKey(IngestJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=5, choices=ItemKind.choices)
    label = models.CharField(max_length=2000, help_text="the URL, file name or pasted title")
    status = models.CharField(
        max_length=9, choices=ItemStatus.choices, default=ItemStatus.PENDING, db_index=True
    )
    reason = models.CharField(max_length=300, blank=True, help_text="shown to the user")
    retryable = models.BooleanField(
        default=True,
        help_text="failed, may a retry end otherwise? (sources.jobs.retrying)",
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(
        max_length=100, blank=True, help_text="host:pid of the process that runs (or last ran) it"
    )
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="when its task was last sent to the broker"
    )
    encoding = models.CharField(
        max_length=32, blank=True, help_text="encoding a person chose for a held item"
    )
    candidates = models.JSONField(
        default=list, blank=True, help_text="encodings detection could not choose between"
    )
    payload_compressed = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="unique_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def payload(self) -> bytes | None:
        if self.payload_compressed is None:
            return None
        return decompress(self.payload_compressed)

    @payload.setter
    def payload(self, data: bytes | None) -> None:
        self.payload_compressed = None if data is None else compress(data)


# --- feeds ------------------------------------------------------------------------------


class Feed(models.Model):
    """An RSS or Atom feed a project follows; polled by Celery beat (sources.feeds.polling).

    Each poll turns the feed's new entries into one ingestion job of their links. New sources
    are assigned to `coders` (the least loaded one; every one of them for a
    `reliability_share` of the sources). A feed failing `FEED_MAX_FAILURES` polls in a row
    is paused with its error shown, until a PI resumes it.
    """

    project = models.ForeignKey("coding.Project", on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=300, blank=True)
    interval_minutes = models.PositiveIntegerField(default=60)
    coders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    reliability_share = models.FloatField(default=0.0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    failures = models.PositiveSmallIntegerField(default=0, help_text="failed polls in a row")
    paused = models.BooleanField(default=False)
    items_added = models.PositiveIntegerField(default=0, help_text="entries sent to ingestion")

    class Meta:
        ordering = ["title", "url"]
        constraints = [
            models.UniqueConstraint(fields=["project", "url"], name="unique_project_feed"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class FeedEntry(models.Model):
    """An entry of a feed already seen, by its id (guid) or link: never ingested twice."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    key_hash = models.CharField(max_length=64)
    link = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    item = models.ForeignKey(
        IngestItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed", "key_hash"], name="unique_feed_entry"),
        ]

    def __str__(self) -> str:
        return self.title or self.link
