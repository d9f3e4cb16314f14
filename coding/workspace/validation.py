"""The rules a coding must satisfy before it is stored, with messages a coder can act on.

Offsets are Unicode code points over the source's canonical text, start included, end excluded.
Whitespace: the server is the authority. After checking that the text at [start, end) equals the
quote it was sent, it trims leading and trailing whitespace (Python's `str.isspace`) from the span
and shifts the offsets to match; the browser trims too, so what the coder sees is what is stored.
A span of whitespace only is refused. Prefix and suffix (up to CONTEXT code points either side)
are always recomputed here from the text, never taken from the client.

The checks that need the codebook run in one query (`check_codebook`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import connection

from coding.models import Activity, Actor, Area, ConfidenceLevel
from coding.models.codings import (
    NOTE_MAX_LENGTH,
    TOO_LONG,
    DatePrecision,
    DyadType,
    Setting,
    event_date_problem,
)

CONTEXT = 32  # code points of prefix and suffix kept beside the quote
QUOTE_PREVIEW = 60


class CodingInvalid(ValidationError):
    """A coding breaks a rule; `message_dict` maps field names to messages."""


@dataclass(frozen=True)
class SpanText:
    """A source's text, or a window of it: `chunk` starts at code point `offset`; `length` is
    the length of the whole text. A change that keeps its span is checked against the stored
    context alone (`around_stored`), without the source's text."""

    offset: int
    chunk: str
    length: int

    @classmethod
    def of(cls, text: str) -> SpanText:
        return cls(0, text, len(text))

    @classmethod
    def around_stored(cls, coding) -> SpanText:
        """The text around a stored, unmoved span: its own prefix, quote and suffix (checked when
        they were stored). A suffix shorter than CONTEXT means the text ends there."""
        lo = coding.start - len(coding.prefix)
        chunk = coding.prefix + coding.quote + coding.suffix
        ends_here = len(coding.suffix) < CONTEXT
        return cls(lo, chunk, lo + len(chunk) if ends_here else coding.end + CONTEXT + 1)

    def slice(self, start: int, end: int) -> str:
        start, end = max(start, 0), min(end, self.length)
        assert self.offset <= start and end <= self.offset + len(self.chunk), "outside window"
        return self.chunk[start - self.offset : end - self.offset]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def _shorten(text: str) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= QUOTE_PREVIEW else text[: QUOTE_PREVIEW - 1] + "…"


def check_span(text: SpanText, start, end, quote) -> Span:
    """Check the offsets and the quote against the text; trim whitespace; compute the context."""
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise CodingInvalid({name: f"{name} must be a whole number of code points."})
    if not isinstance(quote, str):
        raise CodingInvalid({"quote": "The quote (the selected text) is required."})
    if not 0 <= start < end <= text.length:
        raise CodingInvalid(
            {
                "start": f"The span [{start}, {end}) is not inside the text: it needs "
                f"0 <= start < end <= {text.length} (the text's length in code points)."
            }
        )
    found = text.slice(start, end)
    if found != quote:
        raise CodingInvalid(
            {
                "quote": f"The quote does not match the source text at [{start}, {end}): "
                f"the text there is “{_shorten(found)}”, the quote sent was "
                f"“{_shorten(quote)}”. Offsets count Unicode code points."
            }
        )
    stripped = quote.strip()
    if not stripped:
        raise CodingInvalid({"quote": "The selection contains only whitespace."})
    lead = len(quote) - len(quote.lstrip())
    start, end = start + lead, start + lead + len(stripped)
    return Span(
        start=start,
        end=end,
        quote=stripped,
        prefix=text.slice(start - CONTEXT, start),
        suffix=text.slice(end, end + CONTEXT),
    )


@dataclass
class Codes:
    """The coded fields besides the span, checked for internal consistency."""

    dyad_type: str
    side_a: int | None
    side_b: int | None
    participants: list[int] = field(default_factory=list)
    setting: str = Setting.BILATERAL
    forum: str = ""
    area: int = 0
    activity: int = 0
    confidence: int = 0
    event_date: datetime.date | None = None
    date_precision: str = DatePrecision.UNKNOWN
    note: str = ""

    def actor_ids(self) -> set[int]:
        return actor_ids(self.side_a, self.side_b, self.participants)


def actor_ids(side_a, side_b, participants) -> set:
    """The actors a coding names: its two sides and its participants."""
    return {a for a in (side_a, side_b, *participants) if a is not None}


def check_codes(data: dict) -> Codes:
    """Dyad, setting, forum and date rules that need no database (codebook.md: Dyad)."""
    errors: dict[str, str] = {}
    dyad = data.get("dyad_type")
    side_a, side_b = data.get("side_a"), data.get("side_b")
    participants = list(dict.fromkeys(data.get("participants") or []))
    forum = (data.get("forum") or "").strip()
    if dyad in (DyadType.UNDIRECTED, DyadType.DIRECTED):
        if side_a is None or side_b is None:
            errors["side_b" if side_a else "side_a"] = "A pair needs both actor A and actor B."
        elif side_a == side_b:
            errors["side_b"] = "Actor A and actor B must be different states."
        if participants:
            errors["participants"] = "Participants are for multilateral codings; use A and B."
        if forum:
            errors["forum"] = "A forum is recorded only for multilateral codings."
        setting = Setting.BILATERAL
    elif dyad == DyadType.MULTILATERAL:
        if len(participants) < 3:
            errors["participants"] = "A multilateral coding needs three or more participants."
        if side_b is not None:
            errors["side_b"] = "A multilateral coding has participants, not actor B."
        if side_a is not None and side_a not in participants:
            errors["side_a"] = "The initiator (actor A) must be one of the participants."
        setting = Setting.MULTILATERAL
    else:
        errors["dyad_type"] = "Choose a dyad: undirected, directed or multilateral."
        setting = Setting.BILATERAL
    if data.get("setting") not in (None, "", setting):
        errors["setting"] = f"The setting of a {dyad} coding is {setting}."
    date, precision = data.get("event_date"), data.get("date_precision") or None
    if date is not None and precision is None:
        precision = DatePrecision.DAY
    precision = precision or DatePrecision.UNKNOWN
    if precision == DatePrecision.UNKNOWN and date is not None:
        errors["event_date"] = (
            "With precision “unknown” leave the date empty (or pick a precision)."
        )
    elif precision != DatePrecision.UNKNOWN and date is None:
        errors["event_date"] = f"Give the event date for precision “{precision}”."
    elif problem := event_date_problem(date):
        errors["event_date"] = problem
    elif precision == DatePrecision.MONTH:
        date = date.replace(day=1)
    elif precision == DatePrecision.YEAR:
        date = date.replace(month=1, day=1)
    note = (data.get("note") or "").strip()
    if len(note) > NOTE_MAX_LENGTH:  # the API's parser says so first; other callers rely on this
        errors["note"] = TOO_LONG.format(limit=NOTE_MAX_LENGTH, length=len(note))
    if errors:
        raise CodingInvalid(errors)
    return Codes(
        dyad_type=dyad,
        side_a=side_a,
        side_b=side_b,
        participants=sorted(participants),
        setting=setting,
        forum=forum,
        area=data.get("area"),
        activity=data.get("activity"),
        confidence=data.get("confidence"),
        event_date=date,
        date_precision=precision,
        note=note,
    )


@dataclass(frozen=True)
class CodebookProbe:
    """The codebook facts one coding's codes are judged on (`check_codebook`): asked as five SQL
    columns over a row `p` with a `codebook_id`, so the save lookup can ask them in its own
    query (coding.workspace.lookups) instead of a query of their own."""

    COLUMNS: ClassVar[int] = 5  # how many columns `columns` asks

    activity: int
    confidence: int
    actors: tuple[int, ...]

    @classmethod
    def of_input(cls, data: dict) -> CodebookProbe | None:
        """The probe for a save's parsed body, before its codes are checked."""
        actors = actor_ids(data.get("side_a"), data.get("side_b"), data.get("participants", []))
        return cls.of(data["activity"], data["confidence"], actors)

    @classmethod
    def of(cls, activity, confidence, actors) -> CodebookProbe | None:
        """None where a value is not an integer: then there is nothing to look up."""
        if not all(_integer(v) for v in (activity, confidence, *actors)):
            return None
        return cls(activity, confidence, tuple(sorted(set(actors))))

    def columns(self) -> tuple[str, list]:
        """SQL for the activity's area, its codebook, whether it is enabled, whether the
        confidence is a level of p.codebook_id's scale, and how many of the actors are in that
        codebook; with its parameters."""
        activity, area = Activity._meta.db_table, Area._meta.db_table
        marks = ", ".join(["%s"] * len(self.actors)) or "NULL"
        sql = (
            f"(SELECT act.area_id FROM {activity} act WHERE act.id = %s), "
            f"(SELECT ar.codebook_id FROM {activity} act JOIN {area} ar ON ar.id = act.area_id "
            f"  WHERE act.id = %s), "
            f"(SELECT act.enabled FROM {activity} act WHERE act.id = %s), "
            f"(SELECT COUNT(*) FROM {ConfidenceLevel._meta.db_table} cl "
            f"  WHERE cl.codebook_id = p.codebook_id AND cl.value = %s), "
            f"(SELECT COUNT(*) FROM {Actor._meta.db_table} x "
            f"  WHERE x.codebook_id = p.codebook_id AND x.id IN ({marks}))"
        )
        return sql, [self.activity] * 3 + [self.confidence, *self.actors]


def _integer(value: object) -> bool:
    """An int a database column can hold (SQLite refuses to even compare a larger one)."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


@dataclass(frozen=True)
class CodebookFacts:
    probe: CodebookProbe
    row: tuple  # the five columns of `CodebookProbe.columns`


def check_codebook(codebook_id: int, codes: Codes, facts: CodebookFacts | None = None) -> None:
    """Area, activity, actors and confidence must come from the project's codebook; the activity
    must belong to the area and be enabled. One query in plain SQL (this runs on every save and
    the ORM's query compilation would cost more than the query itself), or none when `facts`
    already answer it for these codes (read with the save's lookup)."""
    actor_ids = codes.actor_ids()
    for name in ("activity", "area", "confidence"):
        if not _integer(getattr(codes, name)):
            raise CodingInvalid({name: f"Choose the {name} from the codebook."})
    probe = CodebookProbe.of(codes.activity, codes.confidence, actor_ids)
    if probe is None:
        raise CodingInvalid({"side_a": "Actors are given by their ids."})
    if facts is None or facts.probe != probe:
        columns, params = probe.columns()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM (SELECT %s AS codebook_id) p", [*params, codebook_id]
            )
            facts = CodebookFacts(probe, cursor.fetchone())
    area, activity_codebook, enabled, confidence_found, actors_found = facts.row
    errors: dict[str, str] = {}
    if area is None or activity_codebook != codebook_id:
        errors["activity"] = "This activity is not in the project's codebook."
    elif area != codes.area:
        errors["activity"] = "This activity belongs to another area; pick one of the chosen area."
    elif not enabled:
        errors["activity"] = "This activity is disabled in the codebook."
    if not confidence_found:
        errors["confidence"] = "The confidence is not a level of the codebook's scale."
    if actors_found != len(probe.actors):
        errors["side_a" if codes.dyad_type != DyadType.MULTILATERAL else "participants"] = (
            "An actor is outside the codebook of this project."
        )
    if errors:
        raise CodingInvalid(errors)
