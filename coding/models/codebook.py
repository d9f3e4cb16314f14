"""The research instrument: actors, areas, activities and the confidence scale.

A codebook is versioned: a project codes against one version, and a changed instrument is a new
Codebook row (see coding.codebook_io), so codings always point at the labels they were made with.
"""

from django.core.validators import RegexValidator
from django.db import models

iso3_validator = RegexValidator(r"^[A-Z]{3}$", "Use an ISO 3166-1 alpha-3 code, e.g. CHN.")
color_validator = RegexValidator(r"^#[0-9A-Fa-f]{6}$", "Use a hex colour such as #E69F00.")


class Codebook(models.Model):
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=32)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_codebook_version"),
        ]
        ordering = ["name", "version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Actor(models.Model):
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(max_length=100)
    iso3 = models.CharField(max_length=3, validators=[iso3_validator])
    cow_code = models.PositiveIntegerField(null=True, blank=True, help_text="Correlates of War")
    cow_abbrev = models.CharField(max_length=3, blank=True)
    core = models.BooleanField(default=False, help_text="One of the study's core states.")
    order = models.PositiveSmallIntegerField(default=0)
    aliases = models.JSONField(
        default=dict,
        blank=True,
        help_text='Names the detector finds, by language: {"en": [...], "ru": [...], "zh": [...], '
        '"fa": [...], "ko": [...]}.',
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["codebook", "iso3"], name="unique_actor_iso3"),
        ]
        ordering = ["-core", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3})"


class Area(models.Model):
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="areas")
    slug = models.SlugField(max_length=64)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    color = models.CharField(max_length=7, default="#888888", validators=[color_validator])
    shortcut = models.CharField(max_length=1, blank=True)
    definition = models.TextField(blank=True)
    guidance = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["codebook", "slug"], name="unique_area_slug"),
        ]
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class ContactLevel(models.TextChoices):
    HEADS_OF_STATE = "heads_of_state", "Heads of state / government"
    MINISTERS = "ministers", "Ministers"
    OFFICIALS = "officials", "Lower-level officials"
    PARLIAMENT = "parliament", "Parliamentarians"
    ATTACHES = "attaches", "Defense attachés"
    EXPERTS = "experts", "Experts"


class Activity(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="activities")
    slug = models.SlugField(max_length=64)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    directed = models.BooleanField(
        default=False, help_text="A transfer: the dyad runs from supplier (A) to recipient (B)."
    )
    contact_level = models.CharField(
        max_length=20, choices=ContactLevel.choices, blank=True, default=""
    )
    enabled = models.BooleanField(default=True)
    definition = models.TextField(blank=True)
    guidance = models.TextField(blank=True)
    example = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "slug"], name="unique_activity_slug"),
        ]
        ordering = ["area__order", "order", "label"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.label


class ConfidenceLevel(models.Model):
    codebook = models.ForeignKey(
        Codebook, on_delete=models.CASCADE, related_name="confidence_levels"
    )
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=50)
    shortcut = models.CharField(max_length=1, blank=True)
    definition = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["codebook", "value"], name="unique_confidence_value"),
        ]
        ordering = ["value"]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"
