"""The dashboard's filter form (GET parameters), shared by the page, the CSV and JSON views."""

from __future__ import annotations

from django import forms

from coding.dashboard.figures import EventFilters
from coding.models import Activity, Area, Project

CONFIDENCE_CHOICES = [("", "any"), ("1", "1 or more"), ("2", "2 or more"), ("3", "3 only")]


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    area = forms.ChoiceField(required=False, label="Area")
    activity = forms.ChoiceField(required=False, label="Activity")
    min_confidence = forms.TypedChoiceField(
        required=False, label="Minimum confidence", choices=CONFIDENCE_CHOICES, coerce=int,
        empty_value=None,
    )  # fmt: skip

    def __init__(self, project: Project, data=None) -> None:
        super().__init__(data)
        areas = Area.objects.filter(codebook=project.codebook_id).order_by("order", "label")
        self.fields["area"].choices = [("", "all areas")] + [(a.slug, a.label) for a in areas]
        activities = Activity.objects.filter(area__codebook=project.codebook_id).select_related(
            "area"
        )
        self.fields["activity"].choices = [("", "all activities")] + [
            (a.slug, f"{a.area.label}: {a.label}") for a in activities
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return data

    def filters(self) -> EventFilters:
        data = self.cleaned_data
        return EventFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            area=data.get("area") or None,
            activity=data.get("activity") or None,
            min_confidence=data.get("min_confidence"),
        )


class EdgeForm(forms.Form):
    """Which edge of the network: kind, its two ends, and optionally one area."""

    kind = forms.ChoiceField(choices=[(k, k) for k in ("undirected", "directed", "multilateral")])
    a = forms.CharField(max_length=100, help_text="ISO3 (or the forum, for multilateral)")
    b = forms.RegexField(regex=r"^[A-Za-z]{3}$", help_text="ISO3")
    edge_area = forms.SlugField(required=False, max_length=64)

    def clean(self):
        data = super().clean()
        a = data.get("a")
        if data.get("kind") in ("undirected", "directed") and a and not _iso3(a):
            self.add_error("a", "Give an ISO3 code, e.g. CHN.")
        return data


def _iso3(value: str) -> bool:
    return len(value) == 3 and value.isalpha()
