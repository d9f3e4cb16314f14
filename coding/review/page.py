"""What the review page shows: the source text cut into segments at every highlight boundary,
each segment knowing its group, and per group the codings with their differing fields; and the
edit form of a group or of an event (an event's page), with what the PI entered and the errors
when a decision was refused."""

import itertools
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from coding.models import Activity, Assignment, Coding, DatePrec, Project
from coding.models.codings import NOTE_MAX_LENGTH, DyadType, Setting
from coding.projects import member_marks
from coding.reliability.training import training_q
from coding.review.fields import FORUM_MAX_LENGTH, PRECISION_TO_PREC
from coding.review.grouping import COMPARED_FIELDS, Group, comparable, sides
from config.converters import parse_id

PALETTE_SIZE = 8  # coder colours in the CSS (.coder-0 … .coder-7), then they repeat


@dataclass
class Segment:
    text: str
    start: int  # code point offset of the segment in the text
    group: int | None  # 1-based group number
    depth: int  # how many codings cover it
    starts_group: bool
    coders: list[int] = field(default_factory=list)  # colour numbers of the coders covering it
    marker_dir: str = ""  # where the group's number goes: "rtl"/"ltr", as its text begins


def text_direction(text: str) -> str:
    """ "rtl" or "ltr" from the first strongly directional character (as dir="auto" decides),
    "" when there is none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return ""


@dataclass(frozen=True)
class CoderColour:
    username: str
    colour: int  # index into the palette
    mark: str = ""  # "(former member)", "(now PI)" or "": see coder_marks

    @property
    def label(self) -> str:
        """As text, where no markup can go (a select's options): "dan (former member)"."""
        return f"{self.username} {self.mark}" if self.mark else self.username


def coder_marks(project: Project, coders: dict[int, str]) -> dict[int, str]:
    """What follows each coder's name on the review pages (`coders`: user id → username):
    "(former member)", "(now PI)" or "", as `coding.projects.member_marks` reads them."""
    marks = member_marks(project, coders.values())
    return {pk: marks[name] for pk, name in coders.items()}


def project_coder_slots(project: Project) -> dict[str, int]:
    """Each coder's colour in the project, an index into the palette (--coder-0 … in app.css):
    everyone with an assignment or a coding outside the training sources, former members too,
    numbered by username. The dashboard's charts and every review page use it, so a coder
    keeps one colour across the project's pages."""
    assigned = Assignment.objects.filter(source__project=project).exclude(training_q())
    coded = Coding.objects.filter(source__project=project).exclude(training_q())
    names = set(  # one row per coder from the database, not one per coding
        assigned.values_list("coder__username", flat=True).order_by().distinct()
    ) | set(coded.values_list("coder__username", flat=True).order_by().distinct())
    return {name: i % PALETTE_SIZE for i, name in enumerate(sorted(names))}


def coder_colours(
    groups: list[Group],
    slots: dict[str, int] | None = None,
    marks: dict[int, str] | None = None,
) -> dict[int, CoderColour]:
    """One colour per coder on this source: their colour in the project (`slots`), unless a
    coder before them on this source has it already (projects of more than eight coders),
    then the next colour free here, so the coders of one source never share a colour while
    the palette lasts. `marks`: what follows a coder's name (`coder_marks`)."""
    coders = {c.coder_id: c.coder.get_username() for g in groups for c in g.codings}
    ordered = sorted(coders.items(), key=lambda item: item[1])
    slots = slots or {}
    taken: set[int] = set()
    colours = {}
    for i, (pk, name) in enumerate(ordered):
        slot = slots.get(name, i % PALETTE_SIZE)
        if slot in taken and len(taken) < PALETTE_SIZE:
            slot = next(s for s in itertools.count(slot) if s % PALETTE_SIZE not in taken)
            slot %= PALETTE_SIZE
        taken.add(slot)
        colours[pk] = CoderColour(name, slot, (marks or {}).get(pk, ""))
    return colours


def segments(
    text: str, groups: list[Group], colours: dict[int, CoderColour] | None = None
) -> list[Segment]:
    colours = colours if colours is not None else coder_colours(groups)
    cuts = {0, len(text)}
    for group in groups:
        for coding in group.codings:
            cuts.update((min(coding.start, len(text)), min(coding.end, len(text))))
    bounds = sorted(cuts)
    out: list[Segment] = []
    started: set[int] = set()
    for lo, hi in itertools.pairwise(bounds):
        number, depth, covering, end = None, 0, [], hi
        for i, group in enumerate(groups, start=1):
            covering = [c for c in group.codings if c.start <= lo and hi <= c.end]
            if covering:
                number, depth, end = i, len(covering), group.end
                break
        first = number is not None and number not in started
        if first:
            started.add(number)
        shades = sorted({colours[c.coder_id].colour for c in covering})
        out.append(
            Segment(
                text=text[lo:hi],
                start=lo,
                group=number,
                depth=depth,
                starts_group=first,
                coders=shades,
                # The number takes the direction of its passage, so that it stays at the
                # passage's start (beside "رزمایش", not beyond a Latin word before it).
                marker_dir=text_direction(text[lo:end]) if first else "",
            )
        )
    return out


# The compared fields shown as five columns; merging takes a whole column from one coding.
COLUMNS = {
    "dyad": ("Dyad", ("dyad_type", "side_a", "side_b", "participants")),
    "setting": ("Setting", ("setting", "forum")),
    "activity": ("Area \u203a activity", ("area", "activity")),
    "confidence": ("Confidence", ("confidence",)),
    "date": ("Date", ("event_date", "date_precision")),
}
FIELD_LABELS = [label for label, _ in COLUMNS.values()]
assert {f for _, fields in COLUMNS.values() for f in fields} == set(COMPARED_FIELDS)

# What the page calls a field: in the "… differs" badges, beside the edit form's fields and in
# its error messages (the names of the coding and event fields are not shown).
FIELD_NAMES = {
    "dyad_type": "dyad type",
    "side_a": "actor A",
    "side_b": "actor B",
    "participants": "participants",
    "setting": "setting",
    "forum": "forum",
    "area": "area",
    "activity": "activity",
    "confidence": "confidence",
    "event_date": "event date",
    "event_date_end": "latest date",
    "date_precision": "date precision",
    "date_prec": "date precision",
    "note": "note",
    "start": "my span",
    "end": "my span",
    "quote": "my span",
    "own_start": "my span",
}
assert set(COMPARED_FIELDS) <= set(FIELD_NAMES)


def field_name(name: str) -> str:
    """A field's name as the page shows it ("side_b" → "actor B"); unknown names unchanged."""
    return FIELD_NAMES.get(name, name.replace("_", " "))


def field_label(name: str) -> str:
    """The same, capitalised as a form label ("Actor B")."""
    text = field_name(name)
    return text[:1].upper() + text[1:]


def display_values(coding: Coding) -> dict[str, str]:
    participants = ", ".join(a.iso3 for a in coding.participants.all())
    if coding.dyad_type == "multilateral":  # with its initiator (actor A) when one is named
        initiator = f", initiated by {coding.side_a.iso3}" if coding.side_a else ""
        dyad = f"{participants or '—'} (multilateral{initiator})"
    else:
        arrow = "\u2192" if coding.dyad_type == "directed" else "\u2013"
        side_a, side_b = sides(coding)  # an undirected pair as the event will have it
        a = side_a.iso3 if side_a else "?"
        b = side_b.iso3 if side_b else "?"
        dyad = f"{a}\u00a0{arrow}\u00a0{b}"  # kept on one line; a multilateral list wraps
    precision = coding.get_date_precision_display().lower()
    date = f"{coding.event_date.isoformat()} ({precision})" if coding.event_date else "unknown"
    return {
        "dyad": dyad,
        "setting": coding.get_setting_display() + (f" · {coding.forum}" if coding.forum else ""),
        "activity": f"{coding.area.label} \u203a {coding.activity.label}",
        "confidence": str(coding.confidence),
        "date": date,
    }


def group_rows(
    group: Group,
    colours: dict[int, CoderColour] | None = None,
    picks: dict[str, str] | None = None,
) -> list[dict]:
    """Per coding: its coder (`CoderColour`: colour, and mark of a former member), quote and
    each column, marked when the group disagrees on it. `picks`: the merge choice per column
    (`merge_<column>`: a coding's pk) the PI had made when the form comes back with an error;
    by default the first coding's."""
    rows = []
    for number, coding in enumerate(group.codings):
        values = display_values(coding)
        coder = colours[coding.coder_id] if colours else CoderColour(coding.coder.username, 0)
        rows.append(
            {
                "coding": coding,
                "colour": coder.colour,
                "coder": coder,
                "cells": [
                    {
                        "name": name,
                        "value": values[name],
                        "differs": any(f in group.differing for f in fields),
                        "picked": (
                            picks[f"merge_{name}"] == str(coding.pk)
                            if picks and f"merge_{name}" in picks
                            else number == 0
                        ),
                    }
                    for name, (_, fields) in COLUMNS.items()
                ],
            }
        )
    return rows


def differing_names(group: Group) -> list[str]:
    """The fields the group's coders disagree on, as the page names them."""
    return [field_name(name) for name in group.differing]


# --- the form of a group: Edit and accept, my own coding, merge, attach ---------------------------

# The form's fields (posted as f_<name>, as coding.review.fields.parse_fields reads them).
EDIT_FIELDS = (
    "dyad_type", "side_a", "side_b", "participants", "setting", "forum", "activity",
    "confidence", "event_date", "date_prec", "note",
)  # fmt: skip
# Where an error about a field shows when that field is not in the form ("own": the span).
ERROR_PLACE = {
    "area": "activity",
    "date_precision": "date_prec",
    "start": "own",
    "end": "own",
    "quote": "own",
    "own_start": "own",
}
# Other inputs of a group's form that come back as the PI left them.
FORM_INPUTS = ("base", "comment", "span_from", "event", "own_start", "own_end")


def form_values(group: Group) -> dict[str, str]:
    """A group's form as the page first shows it: the edit fields from its first coding."""
    base = group.codings[0]
    side_a, side_b = sides(base)
    prec = PRECISION_TO_PREC.get(base.date_precision) if base.event_date else None
    return {
        "base": str(base.pk),
        "f_dyad_type": base.dyad_type,
        "f_side_a": side_a.iso3 if side_a else "",
        "f_side_b": side_b.iso3 if side_b else "",
        "f_participants": ";".join(sorted(a.iso3 for a in base.participants.all())),
        "f_setting": base.setting,
        "f_forum": base.forum,
        "f_activity": base.activity.slug,
        "f_confidence": str(base.confidence),
        "f_event_date": base.event_date.isoformat() if base.event_date else "",
        "f_date_prec": str(int(prec)) if prec else "",
        "f_note": base.note,
        "comment": "",
        "span_from": str(base.pk),
        "event": "",
        "own_start": str(group.start),
        "own_end": str(group.end),
    }


def bound_values(group: Group, post) -> dict[str, str]:
    """The group's form with what the PI had entered (`post`), so that an error loses nothing."""
    values = form_values(group)
    for name in (*(f"f_{f}" for f in EDIT_FIELDS), *FORM_INPUTS):
        if name in post:
            values[name] = post[name]
    for column in COLUMNS:
        if f"merge_{column}" in post:
            values[f"merge_{column}"] = post[f"merge_{column}"]
    return values


def form_errors(error_dict: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[str]]:
    """Errors by the form field they belong to (`f_side_b`, or `own` for the span), and the
    ones that belong to none (named by label)."""
    by_field: dict[str, list[str]] = {}
    other: list[str] = []
    for name, texts in error_dict.items():
        place = ERROR_PLACE.get(name, name)
        if place in EDIT_FIELDS:
            by_field.setdefault(f"f_{place}", []).extend(texts)
        elif place == "own":
            by_field.setdefault("own", []).extend(texts)
        elif name in ("__all__", "non_field_errors"):
            other.extend(texts)
        else:
            other.extend(f"{field_label(name)}: {t}" for t in texts)
    return by_field, other


def edit_fields(
    values: dict[str, str], errors: dict[str, list[str]], choices: dict[str, list]
) -> list[dict]:
    """The edit form's fields, each with its label, widget, options, value and errors."""
    out = []
    for name in EDIT_FIELDS:
        key = f"f_{name}"
        widget = (
            "textarea" if name == "note"
            else "date" if name == "event_date"
            else "text" if name in ("participants", "forum")
            else "select"
        )  # fmt: skip
        value = values.get(key, "")
        out.append(
            {
                "name": key,
                "label": field_label(name),
                "widget": widget,
                "value": value,
                "options": [
                    {"value": v, "label": label, "selected": v == value}
                    for v, label in choices.get(name, ())
                ],
                "errors": errors.get(key, []),
                "maxlength": {"note": NOTE_MAX_LENGTH, "forum": FORUM_MAX_LENGTH}.get(name),
                "placeholder": "CHN;RUS;IRN" if name == "participants" else "",
            }
        )
    return out


def edit_choices(project) -> dict[str, list]:
    """The options of the edit form's selects (the review page's groups and an event's page)."""
    codebook = project.codebook
    actors = [("", "\u2014")] + [
        (a.iso3, a.iso3) for a in codebook.actors.order_by("-core", "order", "name")
    ]
    activities = (
        Activity.objects.filter(area__codebook=codebook)
        .select_related("area")
        .order_by("area__order", "order")
    )
    return {
        "dyad_type": DyadType.choices,
        "side_a": actors,
        "side_b": actors,
        "setting": Setting.choices,
        "activity": [(x.slug, f"{x.area.label} \u203a {x.label}") for x in activities],
        "confidence": [
            (str(c.value), f"{c.value} {c.label}")
            for c in codebook.confidence_levels.order_by("value")
        ],
        "date_prec": [("", "unknown")] + [(str(v), label) for v, label in DatePrec.choices],
    }


def failed_group(groups, post) -> int | None:
    """The number of the group a refused decision was about: the group of the posted codings,
    else the posted group number."""
    posted = {parse_id(x) for x in post.getlist("codings")}
    for i, g in enumerate(groups, start=1):
        if set(g.coding_ids) == posted:
            return i
    number = parse_id(post.get("group"))
    return number if number is not None and 1 <= number <= len(groups) else None


def error_dict(error: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: messages}, "__all__" for one without fields."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def event_form_values(event) -> dict[str, str]:
    """The edit form of an event as its page first shows it (the names the form posts)."""
    prec = event.date_prec
    return {
        "f_dyad_type": event.dyad_type,
        "f_side_a": event.side_a.iso3 if event.side_a else "",
        "f_side_b": event.side_b.iso3 if event.side_b else "",
        "f_participants": ";".join(a.iso3 for a in event.participants.all()),
        "f_forum": event.forum,
        "f_activity": event.activity.slug,
        "f_confidence": str(event.confidence),
        "f_event_date": event.event_date.isoformat() if event.event_date else "",
        "f_event_date_end": event.event_date_end.isoformat() if event.event_date_end else "",
        "f_date_prec": str(prec) if prec is not None else "",
        "f_note": event.note,
        "comment": "",
    }


__all__ = [
    "COLUMNS", "FIELD_LABELS", "FIELD_NAMES", "CoderColour", "Segment", "bound_values",
    "coder_colours", "coder_marks", "comparable", "differing_names", "edit_choices", "edit_fields",
    "error_dict", "event_form_values", "failed_group", "field_label", "field_name",
    "form_errors", "form_values", "group_rows", "project_coder_slots", "segments",
]  # fmt: skip
