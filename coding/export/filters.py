"""Filters on events, shared by the export page, the export command and the REST endpoint."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet

from coding.models import Activity, Actor, Area, ConfidenceLevel, Event
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
    filterset: "EventFilter | None" = None  # set by EventFilter.form, for the checks below

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", f"The end ({until}) is before the start ({since}).")
        area, activity = data.get("area"), data.get("activity")
        if area and activity and self.filterset is not None:  # both known: of the same area?
            problem = self.filterset.activity_outside(area, activity)
            if problem:
                self.add_error("activity", problem)
        return data


class EventFilter(django_filters.FilterSet):
    dyad = django_filters.CharFilter(
        method="filter_dyad",
        label="Dyad",
        validators=[dyad_validator, two_states],
        help_text="Two ISO3 codes: CHN-RUS (both take part, either side or as participants) or "
        "RUS>PRK (a directed event: side A is RUS and side B is PRK).",
    )
    area = django_filters.CharFilter(field_name="area__slug", label="Area", help_text="Area slug.")
    activity = django_filters.CharFilter(
        field_name="activity__slug", label="Activity", help_text="Activity slug."
    )
    since = django_filters.DateFilter(
        field_name="event_date", lookup_expr="gte", label="Since",
        help_text="Events on or after (yyyy-mm-dd).",
    )  # fmt: skip
    until = django_filters.DateFilter(
        field_name="event_date", lookup_expr="lte", label="Until",
        help_text="Events on or before (yyyy-mm-dd).",
    )  # fmt: skip
    min_confidence = django_filters.NumberFilter(
        field_name="confidence", lookup_expr="gte", label="Minimum confidence",
        help_text="Minimum confidence (1-3).",
    )  # fmt: skip

    class Meta:
        model = Event
        fields = ["dyad", "area", "activity", "since", "until", "min_confidence"]
        form = EventFilterForm

    def __init__(self, *args, **kwargs) -> None:
        """A state, slug or confidence the codebook does not have (and an activity outside the
        area given with it) is refused rather than matching no event: checked against the
        codebooks of the events being filtered and the current codebook of their project,
        queried only when the filter is given."""
        super().__init__(*args, **kwargs)
        for name, check in [
            ("dyad", self._known_actors),
            ("area", self._known_area),
            ("activity", self._known_activity),
            ("min_confidence", self._on_the_scale),
        ]:
            extra = self.filters[name].extra  # this instance's copy of the filter
            extra["validators"] = [*extra.get("validators", ()), check]

    @property
    def form(self) -> EventFilterForm:
        if not hasattr(self, "_form"):
            super().form.filterset = self  # its clean() checks area and activity together
        return self._form

    def _codebooks(self, path: str = "codebook") -> Q:
        events = self.queryset
        return Q(**{f"{path}__in": events.values("codebook_id")}) | Q(
            **{f"{path}__projects__in": events.values("project_id")}
        )

    def _known_actors(self, value: str) -> None:
        if not dyad_validator.regex.fullmatch(value):
            return  # dyad_validator says what is wrong
        actors = set(Actor.objects.filter(self._codebooks()).values_list("iso3", flat=True))
        codes = dict.fromkeys((value[:3].upper(), value[4:].upper()))
        if actors and (unknown := [f"“{code}”" for code in codes if code not in actors]):
            raise ValidationError(
                f"No state {' or '.join(unknown)} among the codebook's actors (give ISO3 codes "
                f"of two of {', '.join(sorted(actors))})."
            )

    def activity_outside(self, area: str, activity: str) -> str | None:
        """Why `activity` cannot be combined with `area` (it belongs to another area), or None."""
        areas = sorted(
            set(
                Activity.objects.filter(
                    self._codebooks("area__codebook"), slug=activity
                ).values_list("area__slug", flat=True)
            )
        )
        if not areas or area in areas:  # an unknown activity has its own error
            return None
        return (
            f"The activity “{activity}” is in the area “{' / '.join(areas)}”, not “{area}”: "
            "no event can match both (choose an activity of that area, or no area)."
        )

    def _known_area(self, value: str) -> None:
        if not Area.objects.filter(self._codebooks(), slug=value).exists():
            raise ValidationError(f"No area “{value}” in the codebook (give an area's slug).")

    def _known_activity(self, value: str) -> None:
        if not Activity.objects.filter(self._codebooks("area__codebook"), slug=value).exists():
            raise ValidationError(
                f"No activity “{value}” in the codebook (give an activity's slug)."
            )

    def _on_the_scale(self, value) -> None:
        levels = sorted(
            set(ConfidenceLevel.objects.filter(self._codebooks()).values_list("value", flat=True))
        )
        if levels and (value != int(value) or not levels[0] <= value <= levels[-1]):
            raise ValidationError(
                f"Confidence is a whole number on the codebook's scale, {levels[0]} to "
                f"{levels[-1]}; {value:g} is not on it."
            )

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
