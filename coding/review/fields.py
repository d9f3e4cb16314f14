"""An event's fields: taken from a coding, or parsed and checked from a PI's input."""

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from coding.models import Activity, Actor, Coding, DatePrec, Event, Project
from coding.models.codings import (
    NOTE_MAX_LENGTH,
    TOO_LONG,
    DatePrecision,
    DyadType,
    Setting,
    event_date_problem,
)

FORUM_MAX_LENGTH = Event._meta.get_field("forum").max_length

EVENT_FIELDS = (
    "dyad_type", "side_a", "side_b", "participants", "setting", "forum", "area", "activity",
    "confidence", "event_date", "event_date_end", "date_prec", "note",
)  # fmt: skip

PRECISION_TO_PREC = {
    DatePrecision.DAY: DatePrec.DAY,
    DatePrecision.MONTH: DatePrec.MONTH,
    DatePrecision.YEAR: DatePrec.YEAR,
}


def date_range(start: dt.date | None, prec: int | None) -> tuple[dt.date | None, dt.date | None]:
    """Earliest and latest possible date for a date at a precision (UCDP GED style)."""
    if start is None or prec is None:
        return start, start
    if prec == DatePrec.MONTH:
        return start.replace(day=1), start.replace(
            day=calendar.monthrange(start.year, start.month)[1]
        )
    if prec == DatePrec.YEAR:
        return start.replace(month=1, day=1), start.replace(month=12, day=31)
    if prec == DatePrec.WEEK:
        return start, start + dt.timedelta(days=6)
    return start, start


def fields_from_coding(coding: Coding) -> dict[str, Any]:
    prec = PRECISION_TO_PREC.get(coding.date_precision) if coding.event_date else None
    start, end = date_range(coding.event_date, prec)
    return {
        "dyad_type": coding.dyad_type,
        "side_a": coding.side_a,
        "side_b": coding.side_b,
        "participants": list(coding.participants.all()),
        "setting": coding.setting,
        "forum": coding.forum,
        "area": coding.area,
        "activity": coding.activity,
        "confidence": coding.confidence,
        "event_date": start,
        "event_date_end": end,
        "date_prec": int(prec) if prec else None,
        "note": coding.note,
    }


def ordered_sides(
    dyad_type: str, a: Actor | None, b: Actor | None
) -> tuple[Actor | None, Actor | None]:
    """Side A and side B as an event stores them: an undirected pair sorts by ISO3
    (shared/formats.md), a directed one keeps its order."""
    if dyad_type == DyadType.UNDIRECTED and a and b and a.iso3 > b.iso3:
        return b, a
    return a, b


def normalize_sides(fields: dict[str, Any]) -> dict[str, Any]:
    """Undirected: side A sorts before side B (shared/formats.md)."""
    a, b = fields.get("side_a"), fields.get("side_b")
    ordered = ordered_sides(fields.get("dyad_type"), a, b)
    return fields if ordered == (a, b) else {**fields, "side_a": ordered[0], "side_b": ordered[1]}


def parse_fields(project: Project, raw: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """`base` with the PI's changes in `raw` (ISO3 codes, slugs, ISO dates), checked against
    the project's codebook. Raises ValidationError naming every bad field."""
    codebook = project.codebook
    errors: dict[str, str] = {}
    fields = dict(base)

    def actor(iso3: str) -> Actor | None:
        iso3 = (iso3 or "").strip().upper()
        if not iso3:
            return None
        found = codebook.actors.filter(iso3=iso3).first()
        if found is None:
            raise ValueError(f"'{iso3}' is not an actor of this codebook.")
        return found

    for name in ("side_a", "side_b"):
        if name in raw:
            try:
                fields[name] = actor(raw[name])
            except ValueError as e:
                errors[name] = str(e)
    if "participants" in raw:
        items = raw["participants"]
        if isinstance(items, str):
            items = [p for p in items.replace(",", ";").split(";")]
        try:
            fields["participants"] = [a for a in (actor(p) for p in items) if a is not None]
        except ValueError as e:
            errors["participants"] = str(e)
    for name, choices in (("dyad_type", DyadType), ("setting", Setting)):
        if name in raw:
            if raw[name] not in choices.values:
                errors[name] = f"Choose one of {', '.join(choices.values)}."
            else:
                fields[name] = raw[name]
    for name, limit in (("forum", FORUM_MAX_LENGTH), ("note", NOTE_MAX_LENGTH)):
        if name in raw:
            fields[name] = str(raw[name]).strip()
            if len(fields[name]) > limit:
                errors[name] = TOO_LONG.format(limit=limit, length=len(fields[name]))
    if "area" in raw:
        area = codebook.areas.filter(slug=raw["area"]).first()
        if area is None:
            errors["area"] = f"'{raw['area']}' is not an area of this codebook."
        else:
            fields["area"] = area
    if "activity" in raw:
        activity = _activity(codebook, raw["activity"])
        if activity is None:
            errors["activity"] = f"'{raw['activity']}' is not an activity of this codebook."
        else:
            fields["activity"] = activity
            if "area" not in raw:
                fields["area"] = activity.area
    if "confidence" in raw:
        try:
            value = int(raw["confidence"])
        except (TypeError, ValueError):
            value = None
        if value is None or not codebook.confidence_levels.filter(value=value).exists():
            levels = ", ".join(
                str(v) for v in codebook.confidence_levels.values_list("value", flat=True)
            )
            errors["confidence"] = f"Confidence must be one of {levels}."
        else:
            fields["confidence"] = value
    if "date_prec" in raw:
        if raw["date_prec"] in ("", None):
            fields["date_prec"] = None
        else:
            try:
                fields["date_prec"] = DatePrec(int(raw["date_prec"])).value
            except (TypeError, ValueError):
                errors["date_prec"] = "Date precision must be 1 (day) to 5 (year)."
    for name in ("event_date", "event_date_end"):
        if name in raw:
            value = raw[name]
            if value in ("", None):
                fields[name] = None
            else:
                try:
                    day = dt.date.fromisoformat(str(value))
                except ValueError:
                    errors[name] = f"'{value}' is not a date (yyyy-mm-dd)."
                else:
                    if problem := event_date_problem(day):
                        errors[name] = problem
                    else:
                        fields[name] = day
    # The latest date follows from the date and its precision unless the PI gave one: when it
    # is left empty, or left as it was while the date or the precision changed.
    end_given = raw.get("event_date_end") not in (None, "")
    moved = any(fields.get(k) != base.get(k) for k in ("event_date", "date_prec"))
    end_kept = fields.get("event_date_end") == base.get("event_date_end")
    if (
        "event_date" not in errors
        and "event_date_end" not in errors
        and (("event_date" in raw and not end_given) or (moved and end_kept))
    ):
        fields["event_date"], fields["event_date_end"] = date_range(
            fields.get("event_date"), fields.get("date_prec")
        )
    try:  # on what parsed (the base where a field did not): every error at once, not in turns
        check_fields(fields)
    except ValidationError as e:
        errors.update({k: v for k, v in e.message_dict.items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    return normalize_sides(fields)


def _activity(codebook, slug: str) -> Activity | None:
    return (
        Activity.objects.select_related("area").filter(area__codebook=codebook, slug=slug).first()
    )


def check_fields(fields: dict[str, Any]) -> None:
    """Consistency of an event's fields."""
    errors: dict[str, str] = {}
    if fields["activity"].area_id != fields["area"].pk:
        errors["activity"] = f"'{fields['activity'].slug}' is not in area '{fields['area'].slug}'."
    if fields["dyad_type"] in (DyadType.DIRECTED, DyadType.UNDIRECTED):
        if not fields.get("side_a") or not fields.get("side_b"):
            errors["side_b"] = "A directed or undirected dyad needs actor A and actor B."
        elif fields["side_a"].pk == fields["side_b"].pk:
            errors["side_b"] = "Actor A and actor B must differ."
    elif len({a.pk for a in fields.get("participants") or []}) < 3:
        errors["participants"] = "A multilateral event needs three or more participants."
    start, end = fields.get("event_date"), fields.get("event_date_end")
    if start and end and end < start:
        errors["event_date_end"] = "The latest date is before the earliest."
    if (start or end) and fields.get("date_prec") is None:  # the export's date_prec is empty
        errors["date_prec"] = "With a date, choose its precision (or leave the dates empty)."
    elif fields.get("date_prec") is not None and not start:
        errors["event_date"] = "Give the event date for this precision (or choose “unknown”)."
    if errors:
        raise ValidationError(errors)
