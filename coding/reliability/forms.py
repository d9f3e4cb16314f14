"""The reliability page's filters."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from coding.fields import ModelIdsField
from coding.models import Codebook, Project, Role
from coding.reliability.data import Filters

HEATMAP_VARIABLES = [("activity", "Activity"), ("area", "Area"), ("dyad", "Dyad")]


class ReliabilityFilterForm(forms.Form):
    coders = ModelIdsField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every coder.",
    )
    codebook = forms.ModelChoiceField(
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
        self.fields["coders"].queryset = (
            get_user_model()
            .objects.filter(memberships__project=project, memberships__role=Role.CODER)
            .order_by("username")
        )
        self.fields["coders"].label_from_instance = lambda user: user.get_username()
        used = Codebook.objects.filter(areas__codings__source__project=project)
        self.fields["codebook"].queryset = (
            Codebook.objects.filter(pk=project.codebook_id) | used
        ).distinct()
        self.fields["sources"].queryset = project.sources.order_by("title")
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
