"""Events, evidence and dyad-year rows, read in batches of plain values (no model instances).

Events, their evidence, their participants and their codings' participants are read by four
queries streamed side by side in event_id order (cursors, never a whole result in memory), so
memory stays flat however many events there are (`iter_event_rows`).
One record per event holds typed values (lists stay lists); its flat row for CSV and XLSX is
`columns.flat_row`'s.
"""

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from coding.export.columns import flat_row
from coding.models import Coding, Event, EventEvidence
from coding.models.codings import DyadType

# role of a coding behind an event: the one whose span (and, when accepted as is, fields) the
# PI adopted; another that agrees with the event on dyad, area, activity and confidence; or one
# the PI overruled on at least one of them.
ADOPTED, SUPPORTING, OVERRULED = "adopted", "supporting", "overruled"

BATCH = 2000

EVENT_VALUES = (
    "pk", "event_id", "event_date", "event_date_end", "date_prec", "area__slug",
    "activity__slug", "dyad_type", "side_a__iso3", "side_b__iso3", "side_a__cow_code",
    "side_b__cow_code", "setting", "forum", "confidence", "note", "approved_by__username",
    "approved_at", "last_modified", "codebook__name", "codebook__version",
)  # fmt: skip
EVIDENCE_VALUES = (
    "event_id", "coding_id", "coding__source_id", "coding__start", "coding__end",
    "coding__quote", "coding__coder__username", "coding__confidence", "coding__source__outlet",
    "coding__source__url", "coding__source__canonical_url", "coding__source__published_date",
    "coding__source__title", "primary", "coding__dyad_type", "coding__side_a__iso3",
    "coding__side_b__iso3", "coding__area__slug", "coding__activity__slug",
)  # fmt: skip


@dataclass
class EventRows:
    """One event's record, its evidence rows and what dyad_year needs."""

    record: dict[str, Any]
    flat: list[Any]  # the events.csv/.xlsx row: lists joined, None and numbers as they are
    evidence: list[list[Any]]  # evidence.csv rows, in EVIDENCE_COLUMNS order
    pairs: list[tuple[tuple, tuple, bool]]  # ((iso3, ccode), (iso3, ccode), directed)
    year: int | None
    area: str


def iter_event_rows(events: QuerySet[Event], batch: int = BATCH) -> Iterator[EventRows]:
    """The events in event_id order, with their evidence, participants and their codings'
    participants: four queries in all, each streamed `batch` rows at a time (a server-side
    cursor on PostgreSQL, fetchmany on SQLite) and each in event_id order, merged here as they
    arrive, so memory stays flat however many events there are.

    Not keyset pages (event_id > the last one seen): SQLite's planner answers each page through
    the project index and sorts all the project's events again, so paging cost grew with the
    square of the number of events. Not one query per batch for its evidence either: the three
    streams read each table once, where 2,000 primary keys per batch cost more to send and parse
    than the queries themselves (issue 20).
    """
    chosen = events.values("pk")
    evidence = _by_event(
        EventEvidence.objects.filter(event__in=chosen)
        .order_by("event__event_id", "-primary", "coding__source_id", "coding_id")
        .values_list(*EVIDENCE_VALUES),
        batch,
    )
    participants = _by_event(
        Event.participants.through.objects.filter(event__in=chosen)
        .order_by("event__event_id", "actor__iso3")
        .values_list("event_id", "actor__iso3", "actor__cow_code"),
        batch,
    )
    coding_participants = _by_event(
        Coding.participants.through.objects.filter(coding__evidence__event__in=chosen)
        .order_by("coding__evidence__event__event_id", "coding_id", "actor__iso3")
        .values_list("coding__evidence__event_id", "coding_id", "actor__iso3"),
        batch,
    )
    rows = events.order_by("event_id").values_list(*EVENT_VALUES).iterator(chunk_size=batch)
    for value in rows:
        pk = value[0]
        theirs = defaultdict(list)
        for _, coding_pk, iso3 in coding_participants(pk):
            theirs[coding_pk].append(iso3)
        yield _rows(
            value, evidence(pk), [(iso3, ccode) for _, iso3, ccode in participants(pk)], theirs
        )


def _by_event(query: QuerySet, batch: int) -> Callable[[int], list[tuple]]:
    """For a query whose rows start with an event's pk and come in the events' order: a
    function giving, for each event in turn, its rows (those of events before it are passed)."""
    stream = query.iterator(chunk_size=batch)
    waiting: list[tuple | None] = [next(stream, None)]

    def rows_of(event_pk: int) -> list[tuple]:
        found = []
        while waiting[0] is not None and waiting[0][0] == event_pk:
            found.append(waiting[0])
            waiting[0] = next(stream, None)
        return found

    return rows_of


def _role(item: tuple, event: tuple, coding_participants: list[str]) -> str:
    """adopted / supporting / overruled (see ADOPTED) for one evidence row."""
    if item[13]:
        return ADOPTED
    dyad_type, a_iso3, b_iso3, participants, area, activity, confidence = event
    same_sides = (item[15], item[16]) == (a_iso3, b_iso3) or (
        dyad_type == DyadType.UNDIRECTED and (item[16], item[15]) == (a_iso3, b_iso3)
    )
    agrees = (
        item[14] == dyad_type
        and (same_sides if dyad_type != DyadType.MULTILATERAL else True)
        and (sorted(coding_participants) == participants or dyad_type != DyadType.MULTILATERAL)
        and (item[17], item[18], item[7]) == (area, activity, confidence)
    )
    return SUPPORTING if agrees else OVERRULED


def _rows(
    v: tuple,
    evidence: list[tuple],
    participants: list[tuple],
    coding_participants: dict[int, list[str]] | None = None,
) -> EventRows:
    (_pk, event_id, date, date_end, prec, area, activity, dyad_type, a_iso3, b_iso3, a_cow,
     b_cow, setting, forum, confidence, note, approver, approved_at, modified, cb_name,
     cb_version) = v  # fmt: skip
    first: dict[int, tuple] = {}  # each source's first evidence item
    for item in evidence:
        first.setdefault(item[2], item)
    sources = list(first.values())
    everyone = dict(participants)
    if a_iso3:
        everyone[a_iso3] = a_cow
    if b_iso3:
        everyone[b_iso3] = b_cow
    record = {  # keys in EVENT_COLUMNS order, which flat_row follows
        "event_id": event_id,
        "event_date": date.isoformat() if date else None,
        "event_date_end": date_end.isoformat() if date_end else None,
        "date_prec": prec,
        "year": date.year if date else None,
        "area": area,
        "activity": activity,
        "dyad_type": dyad_type,
        "side_a_iso3": a_iso3,
        "side_b_iso3": b_iso3,
        "side_a_ccode": a_cow,
        "side_b_ccode": b_cow,
        "participants_iso3": sorted(everyone),
        "setting": setting,
        "forum": forum,
        "confidence": confidence,
        "notes": note,
        "number_of_sources": len(sources),
        "source": _per_source([s[8] for s in sources]),
        "source_url": _per_source([s[10] or s[9] for s in sources]),
        "source_date": _per_source([s[11].isoformat() if s[11] else "" for s in sources]),
        "source_headline": _per_source([s[12] for s in sources]),
        "coders": sorted({item[6] for item in evidence}),
        "approved_by": approver,
        "coded_date": approved_at.date().isoformat(),
        "last_modified": modified.isoformat(),
        "codebook_version": f"{cb_name} v{cb_version}",
    }
    coding_participants = coding_participants or {}
    event = (dyad_type, a_iso3, b_iso3, sorted(iso3 for iso3, _ in participants), area,
             activity, confidence)  # fmt: skip
    rows = [
        [item[1], event_id, item[2], item[10] or item[9], item[3], item[4], item[5], item[6],
         _role(item, event, coding_participants.get(item[1], [])), item[14], item[15] or "",
         item[16] or "", ";".join(coding_participants.get(item[1], [])), item[17], item[18],
         item[7]]
        for item in evidence
    ]  # fmt: skip
    if dyad_type == DyadType.DIRECTED and a_iso3 and b_iso3:
        pairs = [((a_iso3, a_cow), (b_iso3, b_cow), True)]
    elif dyad_type == DyadType.UNDIRECTED and a_iso3 and b_iso3:
        pairs = [(*_ordered((a_iso3, a_cow), (b_iso3, b_cow)), False)]
    else:
        pairs = [
            (*_ordered(x, y), False) for x, y in itertools.combinations(sorted(everyone.items()), 2)
        ]
    return EventRows(record, flat_row(record), rows, pairs, date.year if date else None, area)


def _per_source(items: list[str]) -> list[str]:
    """A source_* list: one item per source, in the sources' order, as GED's parallel source
    lists are, so the n-th URL and date are the n-th headline's and a source without one leaves
    an empty item in its place ("https://...;" in the CSV). When no source has one (a pasted
    text has no outlet, URL or date), the list is empty: [] in events.json, an empty (missing)
    cell in the CSV and XLSX, never [""] or a lone ';'."""
    return items if any(items) else []


def _key(actor: tuple) -> tuple:
    iso3, ccode = actor
    return (ccode is None, ccode or 0, iso3)


def _ordered(x: tuple, y: tuple) -> tuple[tuple, tuple]:
    """Undirected pairs: lower COW code first (actors without one after, by ISO3)."""
    return (x, y) if _key(x) <= _key(y) else (y, x)


class DyadYearCounter:
    """Counts per dyad, year and area. Multilateral events are expanded into their pairs here
    only; undirected rows keep ccode1 < ccode2; directed rows run from supplier to recipient."""

    def __init__(self, area_slugs: list[str]) -> None:
        self.area_slugs = area_slugs
        self.counts: dict[tuple, Counter] = {}

    def add(self, rows: EventRows) -> None:
        if rows.year is None:
            return
        for (i1, c1), (i2, c2), directed in rows.pairs:
            key = (c1, c2, i1, i2, rows.year, directed)
            self.counts.setdefault(key, Counter())[rows.area] += 1

    @property
    def columns(self) -> list[str]:
        return ["ccode1", "ccode2", "iso3_1", "iso3_2", "year", "directed",
                *[f"n_{slug}" for slug in self.area_slugs], "n_total"]  # fmt: skip

    def rows(self) -> Iterator[list[Any]]:
        for key in sorted(self.counts, key=lambda k: k[2:]):
            c1, c2, i1, i2, year, directed = key
            counts = self.counts[key]
            yield [c1, c2, i1, i2, year, int(directed),
                   *[counts.get(slug, 0) for slug in self.area_slugs],
                   sum(counts.values())]  # fmt: skip
