"""From codings to reliability data: which codings count, and the three views of them.

Which codings count (the report states the resulting numbers of sources, coders and codings):

- A source counts when at least two coders (among the selected coders) marked their assignment
  on it done (``Assignment.status == "done"``). Its coders are exactly those done coders.
- A coding counts when its source counts, its coder is one of that source's done coders, and it
  passes the filters: codebook version (the codebook of its area) and date range (the date of
  its last save, ``Coding.updated_at``, in UTC, both ends included). A done coder whose codings
  are all filtered out counts as having coded nothing in that source.

The three views (see docs/statistics.md, "The three views"):

1. **Presence** (source x category): for each category of a variable (area, activity, dyad),
   did the coder code it anywhere in the source? 1 or 0, nominal; missing where the coder is not
   one of the source's done coders. Per category the units are the sources; the per-variable
   view pools all (source, category) pairs of the variable. Categories no coder used in the
   counted codings are left out: agreeing never to use them says nothing.
2. **Sentences** (text units): the source text is split into sentences (``split_sentences``);
   a coder's value for a sentence is the dyad, area, activity (nominal) and confidence (ordinal)
   of their coding that covers it, missing when none does. A coding covers a sentence when they
   overlap by at least half of the shorter of the two (so a highlighted clause covers its
   sentence, but a highlight spilling a few characters into the next sentence does not). When
   several of a coder's codings cover one sentence, the one with the largest overlap counts
   (ties: the earlier start, then the older coding).
3. **Unitizing** (spans): each coder's highlights are units ``(coder, start, end, category)`` on
   the source's continuum [0, len(text)), per area and per activity; a coder's overlapping or
   touching spans of one category are merged first (alpha_U needs them disjoint). Each source
   is its own continuum; see ``coding.reliability.report`` for how they are pooled.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, QuerySet

from coding.models import Assignment, Coding, Event, EventEvidence, Project, ReviewDecision
from coding.models.assignments import AssignmentStatus
from coding.reliability.training import training_q
from config.snapshot import one_snapshot

NOMINAL_VARIABLES = ("dyad", "area", "activity")
SENTENCE_VARIABLES = (("dyad", "nominal"), ("area", "nominal"), ("activity", "nominal"),
                      ("confidence", "ordinal"))  # fmt: skip
UNITIZING_VARIABLES = ("area", "activity")


@dataclass(frozen=True)
class Filters:
    """What the PI chose on the page or the command line; empty means everything."""

    coders: tuple[int, ...] = ()
    codebook: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[int, ...] = ()

    def as_params(self) -> dict[str, Any]:
        """JSON-safe, canonical (sorted) form: for the cache key and the Celery task."""
        return {
            "coders": sorted(self.coders),
            "codebook": self.codebook,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "sources": sorted(self.sources),
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Filters:
        return cls(
            coders=tuple(int(x) for x in params.get("coders") or ()),
            codebook=params.get("codebook"),
            date_from=date.fromisoformat(params["date_from"]) if params.get("date_from") else None,
            date_to=date.fromisoformat(params["date_to"]) if params.get("date_to") else None,
            sources=tuple(int(x) for x in params.get("sources") or ()),
        )


@dataclass(frozen=True)
class CodingRecord:
    id: int
    source_id: int
    coder: str
    start: int
    end: int
    dyad: str
    area: str
    activity: str
    confidence: int

    def value(self, variable: str) -> Any:
        return getattr(self, variable)


@dataclass(frozen=True)
class SourceRecord:
    id: int
    title: str
    text: str
    coders: tuple[str, ...]
    """the coders who marked this source done (sorted usernames)"""


@dataclass
class CodingSet:
    """The codings that count, with their sources and coders, as plain data."""

    sources: list[SourceRecord]
    codings: list[CodingRecord]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """variable -> category key -> label"""
    reference: dict[int, dict[str, set[str]]] = field(default_factory=dict)
    """adjudicated source id -> variable -> the categories of the approved events of its
    decided groups (``load_adjudication``)"""
    undecided: frozenset[int] = frozenset()
    """ids of codings on adjudicated sources whose group the review has not decided yet: left
    out of the comparison with the reference"""

    @property
    def coders(self) -> list[str]:
        return sorted({c for s in self.sources for c in s.coders})

    def codings_by_source(self) -> dict[int, list[CodingRecord]]:
        grouped: dict[int, list[CodingRecord]] = defaultdict(list)
        for coding in self.codings:
            grouped[coding.source_id].append(coding)
        return grouped


def dyad_key(dyad_type: str, side_a: str | None, side_b: str | None, others: Iterable[str]) -> str:
    """A dyad as one nominal value: "CHN-RUS" (undirected, sorted), "IRN->RUS" (directed,
    supplier first) or "CHN+IRN+RUS" (multilateral: every participant, sorted)."""
    if dyad_type == "multilateral":
        members = {x for x in (side_a, side_b, *others) if x}
        return "+".join(sorted(members)) or "multilateral"
    a, b = side_a or "?", side_b or "?"
    if dyad_type == "directed":
        return f"{a}->{b}"
    return "-".join(sorted((a, b)))


def dyad_label(key: str) -> str:
    """A dyad value as pages write it: CHN, en dash, RUS; IRN, arrow, RUS; "CHN, IRN, RUS"."""
    if "->" in key:
        return key.replace("->", " \u2192 ")
    if "+" in key:
        return key.replace("+", ", ")
    return key.replace("-", " \u2013 ")


@one_snapshot()
def load_codings(project: Project, filters: Filters) -> CodingSet:
    """The counted sources and codings of a project (see the module docstring), read in one
    snapshot: a coder who finishes, reopens or saves meanwhile is in all of it or in none."""
    done = Assignment.objects.filter(source__project=project, status=AssignmentStatus.DONE).exclude(
        training_q()
    )
    if filters.coders:
        done = done.filter(coder_id__in=filters.coders)
    if filters.sources:
        done = done.filter(source_id__in=filters.sources)
    eligible = (
        done.values("source_id").annotate(n=Count("coder_id", distinct=True)).filter(n__gte=2)
    )
    source_ids = [row["source_id"] for row in eligible]
    done_coders: dict[int, set[str]] = defaultdict(set)
    for source_id, username in done.filter(source_id__in=source_ids).values_list(
        "source_id", "coder__username"
    ):
        done_coders[source_id].add(username)
    sources = [
        SourceRecord(id=s.id, title=s.title, text=s.text, coders=tuple(sorted(done_coders[s.id])))
        for s in project.sources.filter(id__in=source_ids).order_by("id")
    ]

    codings = counted_codings(project, filters).filter(source_id__in=source_ids)
    # plain tuples, not model instances: a report may read tens of thousands of codings
    rows = codings.order_by("source_id", "start", "end", "id").values_list(
        "id", "source_id", "coder__username", "start", "end", "dyad_type", "side_a__iso3",
        "side_b__iso3", "area__slug", "area__label", "activity__slug", "activity__label",
        "confidence",
    )  # fmt: skip
    participants: dict[int, list[str]] = defaultdict(list)
    through = Coding.participants.through
    for coding_id, iso3 in through.objects.filter(
        coding__in=codings.filter(dyad_type="multilateral")
    ).values_list("coding_id", "actor__iso3"):
        participants[coding_id].append(iso3)
    records = []
    labels: dict[str, dict[str, str]] = {v: {} for v in ("dyad", "area", "activity")}
    for (pk, source_id, coder, start, end, dyad_type, side_a, side_b, area, area_label,
         activity, activity_label, confidence) in rows:  # fmt: skip
        if coder not in done_coders[source_id]:
            continue
        dyad = dyad_key(dyad_type, side_a, side_b, participants.get(pk, ()))
        records.append(
            CodingRecord(
                id=pk,
                source_id=source_id,
                coder=coder,
                start=start,
                end=end,
                dyad=dyad,
                area=area,
                activity=activity,
                confidence=confidence,
            )
        )
        labels["dyad"][dyad] = dyad_label(dyad)
        labels["area"][area] = area_label
        labels["activity"][activity] = activity_label
    reference, undecided = load_adjudication(project, source_ids)
    return CodingSet(
        sources=sources, codings=records, labels=labels, reference=reference, undecided=undecided
    )


def load_reference(project: Project, source_ids: list[int]) -> dict[int, dict[str, set[str]]]:
    """The reference of calibration's training sources: for every source the PI has decided on
    (a review decision not undone, or evidence of an approved event), the dyads, areas and
    activities of the approved events resting on codings in it (empty sets when the PI rejected
    everything). Every event counts: a source enters the training set only once its review is
    finished (``calibration.adjudicated_source_ids``) and leaves the review then, while the
    trainees' codings on it would form undecided groups for ``load_adjudication``."""
    decided = set(
        ReviewDecision.objects.filter(
            project=project, source_id__in=source_ids, undone_at__isnull=True
        ).values_list("source_id", flat=True)
    )
    rows = _evidence(project, source_ids)
    reference: dict[int, dict[str, set[str]]] = {
        s: {v: set() for v in NOMINAL_VARIABLES} for s in decided | {r[1] for r in rows}
    }
    _add_events(reference, rows)
    return reference


def _evidence(project: Project, source_ids: list[int]) -> list[tuple]:
    """(coding id, source id, event id, dyad type, side A, side B, area, activity) for every
    coding on the sources that is evidence of an approved event."""
    evidence = EventEvidence.objects.filter(
        event__project=project, coding__source_id__in=source_ids
    ).values_list("coding_id", "coding__source_id", "event_id", "event__dyad_type",
                  "event__side_a__iso3", "event__side_b__iso3", "event__area__slug",
                  "event__activity__slug")  # fmt: skip
    return list(evidence)


def _add_events(reference: dict[int, dict[str, set[str]]], rows: list[tuple]) -> None:
    """Each `_evidence` row's event's dyad, area and activity into its source's reference."""
    members: dict[int, list[str]] = defaultdict(list)
    for event_id, iso3 in Event.participants.through.objects.filter(
        event_id__in={r[2] for r in rows if r[3] == "multilateral"}
    ).values_list("event_id", "actor__iso3"):
        members[event_id].append(iso3)
    for _, source_id, event_id, dyad_type, side_a, side_b, area, activity in rows:
        values = reference[source_id]
        values["dyad"].add(dyad_key(dyad_type, side_a, side_b, members.get(event_id, ())))
        values["area"].add(area)
        values["activity"].add(activity)


def load_adjudication(
    project: Project, source_ids: list[int]
) -> tuple[dict[int, dict[str, set[str]]], frozenset[int]]:
    """The adjudicated result as far as the review has decided it, the reference of the coder
    clinic: ``(reference, undecided)``.

    The review groups a source's codings (``coding.review.grouping``: codings of the coders
    who marked it done, and codings a PI decided on, whose spans overlap form a group) and
    counts a group as decided when every coding in it has a review decision that was not
    undone; a coding that is evidence of an approved event counts as decided too (every
    approval in the review makes its codings evidence). Only decided groups form the
    reference: a source is adjudicated when at least one of its groups is decided, and its
    reference values are the dyads, areas and activities of the approved events resting on
    codings of its decided groups (none when the PI rejected them all). ``undecided`` holds the
    ids of the codings in its other groups: the PI has not ruled on them yet, so they are left
    out of the comparison rather than counted as "coded, not in the reference"."""
    from coding.review.grouping import overlapping_clusters, reviewable_codings

    decisions = list(
        ReviewDecision.codings.through.objects.filter(
            reviewdecision__project=project,
            reviewdecision__undone_at__isnull=True,
            coding__source_id__in=source_ids,
        ).values_list("coding_id", "coding__source_id")
    )
    rows = _evidence(project, source_ids)
    decided = {pk for pk, _ in decisions} | {r[0] for r in rows}
    touched = {source_id for _, source_id in decisions} | {r[1] for r in rows}
    if not touched:
        return {}, frozenset()
    spans = (
        reviewable_codings(touched)
        .select_related(None)
        .prefetch_related(None)
        .values_list("id", "source_id", "start", "end")
    )
    by_source: dict[int, list[_Span]] = defaultdict(list)
    for pk, source_id, start, end in spans:
        by_source[source_id].append(_Span(pk, start, end))
    in_decided_group: set[int] = set()
    left_out: set[int] = set()
    adjudicated: set[int] = set()
    for source_id, codings in by_source.items():
        open_ids: set[int] = set()
        for group in overlapping_clusters(codings):
            ids = {c.pk for c in group}
            if ids <= decided:
                in_decided_group |= ids
                adjudicated.add(source_id)
            else:
                open_ids |= ids
        if source_id in adjudicated:
            left_out |= open_ids
    reference: dict[int, dict[str, set[str]]] = {
        s: {v: set() for v in NOMINAL_VARIABLES} for s in adjudicated
    }
    _add_events(reference, [r for r in rows if r[0] in in_decided_group])
    return reference, frozenset(left_out)


@dataclass(frozen=True)
class _Span:  # what the review's grouping needs of a coding
    pk: int
    start: int
    end: int


def counted_codings(project: Project, filters: Filters) -> QuerySet[Coding]:
    """Codings of the project passing the coder, source, codebook and date filters (before the
    done-assignment rule, which ``load_codings`` applies); also the base of the cache key."""
    qs = Coding.objects.filter(source__project=project).exclude(training_q())
    if filters.coders:
        qs = qs.filter(coder_id__in=filters.coders)
    if filters.sources:
        qs = qs.filter(source_id__in=filters.sources)
    if filters.codebook:
        qs = qs.filter(area__codebook_id=filters.codebook)
    if filters.date_from:
        qs = qs.filter(updated_at__gte=_day_start(filters.date_from))
    if filters.date_to and filters.date_to < date.max:  # up to date.max: no bound at all
        qs = qs.filter(updated_at__lt=_day_start(filters.date_to, plus_one=True))
    return qs


def _day_start(day: date, plus_one: bool = False) -> datetime:
    """Midnight UTC at the start of ``day`` (or of the next day)."""
    return datetime.combine(day, time.min, tzinfo=UTC) + timedelta(days=int(plus_one))


# ---------------------------------------------------------------------------------------------
# View 1: presence of a category in a source


def presence_categories(cs: CodingSet, variable: str) -> list[str]:
    return sorted({c.value(variable) for c in cs.codings})


def presence_data(cs: CodingSet, variable: str) -> dict[str, list[list[int | None]]]:
    """category -> coders x sources table of 1/0 (None where the coder is not done there).

    Rows follow ``cs.coders``, columns ``cs.sources``.
    """
    coders = cs.coders
    used: set[tuple[int, str, str]] = {
        (c.source_id, c.coder, c.value(variable)) for c in cs.codings
    }
    tables = {}
    for category in presence_categories(cs, variable):
        tables[category] = [
            [
                (1 if (s.id, coder, category) in used else 0) if coder in s.coders else None
                for s in cs.sources
            ]
            for coder in coders
        ]
    return tables


def pooled_presence(tables: dict[str, list[list[int | None]]]) -> list[list[int | None]]:
    """The per-variable view: units are all (source, category) pairs, side by side."""
    if not tables:
        return []
    n_coders = len(next(iter(tables.values())))
    return [[x for category in tables for x in tables[category][i]] for i in range(n_coders)]


# ---------------------------------------------------------------------------------------------
# View 2: sentences

_CLOSERS = "\"'\u201d\u2019\u00bb)\\]\u300d\u300f"  # quotes and brackets closing a sentence
_WESTERN_END = re.compile(f"[.!?\u2026]+[{_CLOSERS}]*(?=\\s|$)")
_CJK_END = re.compile(f"[\u3002\uff01\uff1f\u061f]+[{_CLOSERS}]*")  # ideographic . ! ? and Arabic ?


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (code-point offsets, end exclusive) of a text, trimmed of whitespace.

    A deliberately simple splitter: a sentence ends after a run of . ! ? … followed by
    whitespace or the end of the text (closing quotes and brackets stay with the sentence),
    after a run of U+3002, U+FF01, U+FF1F (Chinese/Japanese . ! ?) or U+061F (Persian/Arabic ?)
    even without a following space, and at every newline. Abbreviations such as "Mr."
    therefore end a sentence too.
    """
    cuts = {0, len(text)}
    for pattern in (_WESTERN_END, _CJK_END):
        cuts.update(m.end() for m in pattern.finditer(text))
    cuts.update(m.start() for m in re.finditer("\n", text))
    spans = []
    ordered = sorted(cuts)
    for begin, end in itertools.pairwise(ordered):
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end > begin:
            spans.append((begin, end))
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def covering_coding(
    sentence: tuple[int, int], codings: Iterable[CodingRecord]
) -> CodingRecord | None:
    """The coding (of one coder) that covers a sentence, by the rule in the module docstring."""
    best: tuple[int, int, int] | None = None
    chosen = None
    for c in codings:
        overlap = _overlap(sentence, (c.start, c.end))
        needed = min(sentence[1] - sentence[0], c.end - c.start) / 2
        if overlap == 0 or overlap < needed:
            continue
        rank = (-overlap, c.start, c.id)
        if best is None or rank < best:
            best, chosen = rank, c
    return chosen


@dataclass
class SentenceData:
    units: list[tuple[int, int, int]]
    """(source id, start, end) of every sentence of the counted sources"""
    coders: list[str]
    values: dict[str, list[list[Any]]]
    """variable -> coders x units table (None = missing)"""


def sentence_data(cs: CodingSet) -> SentenceData:
    coders = cs.coders
    by_source = cs.codings_by_source()
    units: list[tuple[int, int, int]] = []
    columns: list[dict[str, CodingRecord | None]] = []
    for source in cs.sources:
        mine: dict[str, list[CodingRecord]] = defaultdict(list)
        for c in by_source.get(source.id, []):
            mine[c.coder].append(c)
        for start, end in split_sentences(source.text):
            units.append((source.id, start, end))
            columns.append({coder: covering_coding((start, end), mine[coder]) for coder in coders})
    values = {
        variable: [
            [col[coder].value(variable) if col[coder] else None for col in columns]
            for coder in coders
        ]
        for variable, _ in SENTENCE_VARIABLES
    }
    return SentenceData(units=units, coders=coders, values=values)


# ---------------------------------------------------------------------------------------------
# View 3: unitizing


@dataclass
class Continuum:
    """One source's text as a continuum [0, length), with its done coders' units."""

    coders: tuple[str, ...]
    length: int
    units: list[tuple[str, int, int, str]]
    source_ids: list[int]


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of spans: overlapping or touching spans become one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def unitizing_data(cs: CodingSet, variable: str) -> list[Continuum]:
    """One continuum per source with text (see ``coding.reliability.report`` for the pooling)."""
    by_source = cs.codings_by_source()
    continua = []
    for source in cs.sources:
        if not source.text:
            continue
        spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for c in by_source.get(source.id, []):
            end = min(c.end, len(source.text))
            if c.start < end:
                spans[(c.coder, c.value(variable))].append((c.start, end))
        units = [
            (coder, start, end, category)
            for (coder, category), own in sorted(spans.items())
            for start, end in merge_spans(own)
        ]
        continua.append(Continuum(source.coders, len(source.text), units, [source.id]))
    return continua
