"""Filters on events, shared by the export page, the export command and the REST endpoint."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet

from coding.models import Event
from coding.models.codings import DyadType

dyad_validator = RegexValidator(
    r"^[A-Za-z]{3}[->][A-Za-z]{3}$", "Write a dyad as two ISO3 codes: CHN-RUS or RUS>PRK."
)


def two_states(value: str) -> None:
    """A dyad of one state with itself would match every event of that state."""
    if value[:3].upper() == value[4:].upper():
        raise ValidationError(
            f"A dyad is two different states: CHN-RUS, not {value[:3].upper()}-{value[:3].upper()}."
        )


class EventFilterForm(forms.Form):
    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", f"The end ({until}) is before the start ({since}).")
        return data


class EventFilter(django_filters.FilterSet):
    dyad = django_filters.CharFilter(
        method="filter_dyad",
        label="Dyad",
        validators=[dyad_validator, two_states],
        help_text="Two ISO3 codes: CHN-RUS (both take part, either side or as participants) or "
        "RUS>PRK (a directed event: side A is RUS and side B is PRK).",
    )
    area = django_filters.CharFilter(field_name="area__slug", help_text="Area slug.")
    activity = django_filters.CharFilter(field_name="activity__slug", help_text="Activity slug.")
    since = django_filters.DateFilter(
        field_name="event_date", lookup_expr="gte", help_text="Events on or after (yyyy-mm-dd)."
    )
    until = django_filters.DateFilter(
        field_name="event_date", lookup_expr="lte", help_text="Events on or before (yyyy-mm-dd)."
    )
    min_confidence = django_filters.NumberFilter(
        field_name="confidence", lookup_expr="gte", help_text="Minimum confidence (1-3)."
    )

    class Meta:
        model = Event
        fields = ["dyad", "area", "activity", "since", "until", "min_confidence"]
        form = EventFilterForm

    def filter_dyad(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        a, b = value[:3].upper(), value[4:].upper()
        if value[3] == ">":  # an undirected pair's stored order means nothing
            return queryset.filter(dyad_type=DyadType.DIRECTED, side_a__iso3=a, side_b__iso3=b)
        for iso3 in (a, b):
            takes_part = Q(side_a__iso3=iso3) | Q(side_b__iso3=iso3) | Q(participants__iso3=iso3)
            queryset = queryset.filter(pk__in=Event.objects.filter(takes_part).values("pk"))
        return queryset


def filtered_events(queryset: QuerySet[Event], params) -> QuerySet[Event]:
    """Apply the filters in `params`; raise ValidationError naming the bad ones."""
    filterset = EventFilter(data=params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return filterset.qs


def describe_filters(params) -> dict[str, str]:
    """The filters actually set, for the README of an export."""
    return {k: str(params[k]) for k in EventFilter.Meta.fields if params.get(k) not in (None, "")}
