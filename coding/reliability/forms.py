"""The reliability page's filters."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from coding.fields import ModelIdsField
from coding.models import Assignment, Codebook, Coding, Membership, Project, Role
from coding.models.assignments import AssignmentStatus
from coding.projects import member_label
from coding.reliability.data import Filters
from coding.reliability.training import training_q
from config.converters import parse_id

HEATMAP_VARIABLES = [("activity", "Activity"), ("area", "Area"), ("dyad", "Dyad")]
INVALID_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."


class CodebookField(forms.ModelChoiceField):
    """A ModelChoiceField whose error names the value, and which refuses a value that is not a
    database id (SQLite cannot bind a number above 2**63 - 1) as "not a choice", not a 500."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def to_python(self, value):
        if value not in self.empty_values and parse_id(str(value)) is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


def report_coders(project: Project):
    """Everyone whose codings can be in the project's report: its coders, and whoever marked
    a (non-training) source of it done, a former member or a coder who became a PI too.

    Training sources count in no figure (``coding.reliability.training``), so a coder whose
    only assignments and codings are on training sources (a trainee in calibration) is not
    offered: filtering by them could only ever give an empty report. A coder with no work yet
    stays listed (members who code)."""
    members = Membership.objects.filter(project=project, role=Role.CODER).values("user_id")
    assignments = Assignment.objects.filter(source__project=project)
    codings = Coding.objects.filter(source__project=project)
    in_study = Q(pk__in=assignments.exclude(training_q()).values("coder_id")) | Q(
        pk__in=codings.exclude(training_q()).values("coder_id")
    )
    in_training = Q(pk__in=assignments.filter(training_q()).values("coder_id")) | Q(
        pk__in=codings.filter(training_q()).values("coder_id")
    )
    only_training = in_training & ~in_study
    done = assignments.filter(status=AssignmentStatus.DONE).exclude(training_q()).values("coder_id")
    return (
        get_user_model()
        .objects.filter((Q(pk__in=members) & ~only_training) | Q(pk__in=done))
        .order_by("username")
    )


def coder_label(user, role: str | None) -> str:
    """A coder as the filter lists them: "alice", "dan (former member)", "eve (now PI)"."""
    return member_label(user.get_username(), role)


class ReliabilityFilterForm(forms.Form):
    coders = ModelIdsField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every coder.",
    )
    codebook = CodebookField(
        queryset=Codebook.objects.none(), required=False, empty_label="every version"
    )
    date_from = forms.DateField(
        required=False, label="Coded from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="Coded to", widget=forms.DateInput(attrs={"type": "date"})
    )
    sources = ModelIdsField(queryset=None, required=False, help_text="None selected: every source.")
    heatmap = forms.ChoiceField(
        choices=HEATMAP_VARIABLES, required=False, label="Heatmaps for", initial="activity"
    )

    def __init__(self, project: Project, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coders"].queryset = report_coders(project)
        roles = dict(Membership.objects.filter(project=project).values_list("user_id", "role"))
        self.fields["coders"].label_from_instance = lambda user: coder_label(
            user, roles.get(user.pk)
        )
        used = Codebook.objects.filter(areas__codings__source__project=project)
        self.fields["codebook"].queryset = (
            Codebook.objects.filter(pk=project.codebook_id) | used
        ).distinct()
        # training sources count in no figure (coding.reliability.training): not offered
        self.fields["sources"].queryset = project.sources.exclude(training_q("")).order_by("title")
        self.fields["sources"].widget.attrs["size"] = 6

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("“Coded from” must not be after “Coded to”.")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            coders=tuple(u.pk for u in data.get("coders") or ()),
            codebook=data["codebook"].pk if data.get("codebook") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            sources=tuple(s.pk for s in data.get("sources") or ()),
        )
