from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

RESERVED_SLUGS = {"new"}  # /projects/new/ is the page that creates a project


def check_slug(value: str) -> None:
    """Lowercase, because the slug upper-cased is the prefix of the project's event IDs
    (PILOT-000001): "Pilot" beside "pilot" would issue the same IDs; and not a page's name."""
    if value != value.lower():
        raise ValidationError(
            f"Use lowercase letters ({value.lower()}): the slug, upper-cased, starts the "
            "project's event IDs, which must not clash with another project's."
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” names a page of the site (/projects/{value}/).")


class Project(models.Model):
    """A coding study: sources coded by its members against one codebook version."""

    slug = models.SlugField(max_length=64, unique=True, validators=[check_slug])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    codebook = models.ForeignKey(
        "coding.Codebook", on_delete=models.PROTECT, related_name="projects"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="coding.Membership", related_name="projects"
    )
    screening_required = models.BooleanField(
        default=False,
        help_text="New sources are screened (relevant / not relevant) before anyone codes them.",
    )
    screening_double_percent = models.PositiveSmallIntegerField(
        default=20,
        validators=[MaxValueValidator(100)],
        help_text="Share of new sources screened by two people, for screening agreement.",
    )
    suggestions_enabled = models.BooleanField(
        default=True, help_text="Show coders passages the project's model suggests."
    )
    suggestions_on_reliability_sample = models.BooleanField(
        default=False,
        help_text="Also on sources several coders code (the reliability sample); off by default "
        "so suggestions cannot inflate agreement.",
    )
    suggestions_retrain_after = models.PositiveIntegerField(
        default=25, help_text="Retrain the suggestion model after this many new approvals."
    )
    calibration_threshold = models.FloatField(
        default=0.80,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Alpha against the adjudicated reference a new coder must reach on every "
        "variable in the calibration round.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("project-detail", kwargs={"slug": self.slug})


class Role(models.TextChoices):
    PI = "pi", "Principal investigator"
    CODER = "coder", "Coder"


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.CODER)
    can_ingest = models.BooleanField(
        default=False, help_text="Coders with this flag may add sources; PIs always may."
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_membership"),
        ]
        ordering = ["project", "role", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.project}"

    @property
    def is_pi(self) -> bool:
        return self.role == Role.PI
