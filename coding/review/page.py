"""What the review page shows: the source text cut into segments at every highlight boundary,
each segment knowing its group, and per group the codings with their differing fields."""

import itertools
from dataclasses import dataclass, field

from coding.models import Coding
from coding.review.grouping import COMPARED_FIELDS, Group, comparable

PALETTE_SIZE = 8  # coder colours in the CSS (.coder-0 … .coder-7), then they repeat


@dataclass
class Segment:
    text: str
    start: int  # code point offset of the segment in the text
    group: int | None  # 1-based group number
    depth: int  # how many codings cover it
    starts_group: bool
    coders: list[int] = field(default_factory=list)  # colour numbers of the coders covering it


@dataclass(frozen=True)
class CoderColour:
    username: str
    colour: int  # index into the palette


def coder_colours(groups: list[Group]) -> dict[int, CoderColour]:
    """One colour per coder on this source (by username, so it is stable from page to page)."""
    coders = {c.coder_id: c.coder.get_username() for g in groups for c in g.codings}
    ordered = sorted(coders.items(), key=lambda item: item[1])
    return {pk: CoderColour(name, i % PALETTE_SIZE) for i, (pk, name) in enumerate(ordered)}


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
        number, depth, covering = None, 0, []
        for i, group in enumerate(groups, start=1):
            covering = [c for c in group.codings if c.start <= lo and hi <= c.end]
            if covering:
                number, depth = i, len(covering)
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


def display_values(coding: Coding) -> dict[str, str]:
    participants = ", ".join(a.iso3 for a in coding.participants.all())
    if coding.dyad_type == "multilateral":
        dyad = f"{participants or '—'} (multilateral)"
    else:
        arrow = "\u2192" if coding.dyad_type == "directed" else "\u2013"
        a = coding.side_a.iso3 if coding.side_a else "?"
        b = coding.side_b.iso3 if coding.side_b else "?"
        dyad = f"{a}\u00a0{arrow}\u00a0{b}"  # kept on one line; a multilateral list wraps
    date = coding.event_date.isoformat() if coding.event_date else "unknown"
    return {
        "dyad": dyad,
        "setting": coding.get_setting_display() + (f" · {coding.forum}" if coding.forum else ""),
        "activity": f"{coding.area.label} \u203a {coding.activity.label}",
        "confidence": str(coding.confidence),
        "date": f"{date} ({coding.get_date_precision_display().lower()})",
    }


def group_rows(group: Group, colours: dict[int, CoderColour] | None = None) -> list[dict]:
    """Per coding: its coder (and colour), quote and each column, marked when the group
    disagrees on it."""
    rows = []
    for coding in group.codings:
        values = display_values(coding)
        colour = colours[coding.coder_id].colour if colours else 0
        rows.append(
            {
                "coding": coding,
                "colour": colour,
                "cells": [
                    {
                        "name": name,
                        "value": values[name],
                        "differs": any(f in group.differing for f in fields),
                    }
                    for name, (_, fields) in COLUMNS.items()
                ],
            }
        )
    return rows


__all__ = [
    "COLUMNS", "FIELD_LABELS", "CoderColour", "Segment", "coder_colours", "comparable",
    "group_rows", "segments",
]  # fmt: skip
