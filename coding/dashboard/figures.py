"""The PI's overview: aggregates of the approved events and of the coding work.

Every figure is computed from a handful of grouped queries (values() + annotate()), so the number
of SQL queries does not grow with the number of events; Python only reshapes the grouped rows.

Pairs follow the export's dyad_year (coding.export.rows): undirected pairs are ordered by COW
code, directed pairs run from supplier (side A) to recipient (side B), and a multilateral event
counts once for every pair of its participants in the dyad x area matrix. In the network a
multilateral event is not split into pairs: it is drawn as a forum node linked to its
participants (a hyperedge), so it stays visibly distinct from bilateral ties.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast, Substr, TruncDate, TruncMonth
from django.urls import reverse

from coding.models import Activity, Actor, Area, Assignment, Coding, Event, Project, Role
from coding.models.assignments import AssignmentStatus
from coding.models.codebook import ContactLevel
from coding.models.codings import DyadType
from coding.projects import member_label
from coding.reliability import jobs as reliability_jobs
from coding.reliability.data import Filters as ReliabilityFilters
from coding.reliability.report import N_RESAMPLES, SEED
from coding.reliability.training import training_event_q, training_q
from coding.review.page import project_coder_slots

NO_FORUM = "(no forum named)"
EDGE_EVENTS_LIMIT = 200


@dataclass(frozen=True)
class EventFilters:
    """The dashboard's filters; None means not set."""

    date_from: date | None = None
    date_to: date | None = None
    area: str | None = None  # area slug
    activity: str | None = None  # activity slug
    min_confidence: int | None = None


def approved_events(project: Project, filters: EventFilters) -> QuerySet[Event]:
    """The project's events (every Event is approved) narrowed by the filters."""
    events = Event.objects.filter(project=project).exclude(training_event_q())
    if filters.date_from:
        events = events.filter(event_date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(event_date__lte=filters.date_to)
    if filters.area:
        events = events.filter(area__slug=filters.area)
    if filters.activity:
        events = events.filter(activity__slug=filters.activity)
    if filters.min_confidence:
        events = events.filter(confidence__gte=filters.min_confidence)
    return events


def event_figures(project: Project, filters: EventFilters) -> dict[str, Any]:
    """Network, dyad x area matrix, timeline, setting per area and contact levels."""
    events = approved_events(project, filters)

    # grouped by the area and activity ids (no joins over the events); labels are looked up once
    # one row per (multilateral event, participant): constant queries, rows grow only with the
    # multilateral events, which are a small share; needed to expand them into pairs
    through = Event.participants.through
    multi_rows = list(
        through.objects.filter(event__in=events.filter(dyad_type=DyadType.MULTILATERAL))
        .values_list("event_id", "actor_id", "event__forum", "event__area_id")
        .order_by("event_id")
    )
    by_month = list(
        events.filter(event_date__isnull=False)
        .annotate(month=_month_expression())
        .values("month", "area_id")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    # one scan groups by everything but the date: a few thousand rows at most (pairs x
    # activities x settings), from which come the totals, the bilateral edges, the setting per
    # area and the contact levels
    summary = list(
        events.values("dyad_type", "side_a_id", "side_b_id", "area_id", "activity_id", "setting")
        .annotate(n=Count("id"), undated=Count("id", filter=Q(event_date__isnull=True)))
        .order_by()
    )
    bilateral = [
        r
        for r in summary
        if r["dyad_type"] != DyadType.MULTILATERAL and r["side_a_id"] and r["side_b_id"]
    ]
    totals = {
        "n": sum(r["n"] for r in summary),
        "undated": sum(r["undated"] for r in summary),
        "multilateral": sum(r["n"] for r in summary if r["dyad_type"] == DyadType.MULTILATERAL),
    }
    levels = dict(
        Activity.objects.filter(id__in=[r["activity_id"] for r in summary])
        .exclude(contact_level="")
        .values_list("id", "contact_level")
    )
    by_level: Counter = Counter()
    for row in summary:
        if row["activity_id"] in levels:
            by_level[levels[row["activity_id"]]] += row["n"]

    # the codebook's areas in order, then areas of events on other codebook versions (by slug)
    area_ids = {r["area_id"] for r in bilateral} | {r[3] for r in multi_rows}
    area_ids |= {r["area_id"] for r in by_month} | {r["area_id"] for r in summary}
    area_rows = list(
        Area.objects.filter(Q(codebook=project.codebook_id) | Q(id__in=area_ids))
        .order_by("order", "label")
        .values("id", "slug", "label", "color", "codebook_id")
    )
    slug_of = {a["id"]: a["slug"] for a in area_rows}
    areas: list[dict[str, Any]] = []
    for own in (True, False):
        for a in area_rows:
            if (a["codebook_id"] == project.codebook_id) == own and a["slug"] not in {
                x["slug"] for x in areas
            }:
                areas.append({"slug": a["slug"], "label": a["label"], "color": a["color"]})
    for rows in (by_month, summary):
        for r in rows:
            r["area__slug"] = slug_of[r["area_id"]]
    multi_rows = [(e, actor, forum, slug_of[area]) for e, actor, forum, area in multi_rows]
    slugs = [a["slug"] for a in areas]

    actor_ids = {r["side_a_id"] for r in bilateral} | {r["side_b_id"] for r in bilateral}
    actor_ids |= {r[1] for r in multi_rows}
    actors = {
        a["id"]: a
        for a in Actor.objects.filter(
            Q(id__in=actor_ids) | Q(codebook=project.codebook_id, core=True)
        ).values("id", "iso3", "name", "cow_code", "core", "order")
    }
    # one node per ISO3 (several codebook versions may each have a row for a state)
    nodes: dict[str, dict[str, Any]] = {}
    for a in sorted(actors.values(), key=lambda a: (not a["core"], a["order"], a["iso3"])):
        node = nodes.setdefault(
            a["iso3"],
            {"id": a["iso3"], "name": a["name"], "core": a["core"], "kind": "actor",
             "cow_code": a["cow_code"], "events": 0},
        )  # fmt: skip
        node["core"] = node["core"] or a["core"]

    edges: dict[tuple, dict[str, Any]] = {}
    matrix: dict[str, Counter] = defaultdict(Counter)
    for row in bilateral:
        a, b = actors[row["side_a_id"]], actors[row["side_b_id"]]
        directed = row["dyad_type"] == DyadType.DIRECTED
        # an undirected pair in alphabetical order, as events.csv and the matrix write it
        ia, ib = (a["iso3"], b["iso3"]) if directed else sorted((a["iso3"], b["iso3"]))
        kind = "directed" if directed else "undirected"
        edge = edges.setdefault(
            (kind, ia, ib),
            {"kind": kind, "source": ia, "target": ib, "areas": Counter(), "n": 0},
        )
        edge["areas"][row["area__slug"]] += row["n"]
        edge["n"] += row["n"]
        nodes[ia]["events"] += row["n"]
        nodes[ib]["events"] += row["n"]
        matrix[_dyad_label(kind, ia, ib)][row["area__slug"]] += row["n"]

    forums: dict[str, dict[str, Any]] = {}
    for event_pk, group in itertools.groupby(multi_rows, key=lambda r: r[0]):
        group = list(group)
        forum = group[0][2] or NO_FORUM
        area = group[0][3]
        fnode = forums.setdefault(
            forum, {"id": f"forum:{forum}", "name": forum, "kind": "forum", "events": set()}
        )
        fnode["events"].add(event_pk)
        isos = sorted({actors[r[1]]["iso3"] for r in group})
        for iso in isos:
            edge = edges.setdefault(
                ("multilateral", forum, iso),
                {"kind": "multilateral", "source": f"forum:{forum}", "target": iso,
                 "forum": forum, "areas": Counter(), "n": 0},
            )  # fmt: skip
            edge["areas"][area] += 1
            edge["n"] += 1
            nodes[iso]["events"] += 1
        for x, y in itertools.combinations(isos, 2):
            matrix[_dyad_label("undirected", x, y)][area] += 1

    # every pair of the core states is a row, so empty rows are visible
    core = [n["id"] for n in nodes.values() if n["core"]]
    for x, y in itertools.combinations(core, 2):
        matrix.setdefault(_dyad_label("undirected", x, y), Counter())
    dyads = sorted(matrix, key=lambda d: (_dyad_rank(d, core), d))

    month_keys = _month_range({_month(r["month"]) for r in by_month})
    timeline = {slug: [0] * len(month_keys) for slug in slugs}
    index = {m: i for i, m in enumerate(month_keys)}
    for r in by_month:
        timeline[r["area__slug"]][index[_month(r["month"])]] += r["n"]

    settings = {slug: {"bilateral": 0, "multilateral": 0} for slug in slugs}
    for r in summary:
        settings[r["area__slug"]][r["setting"]] += r["n"]

    return {
        "totals": totals,
        "areas": areas,
        "network": {
            "nodes": list(nodes.values())
            + [{**f, "events": len(f["events"])} for f in forums.values()],
            "edges": [{**e, "areas": dict(e["areas"])} for e in edges.values()],
        },
        "matrix": {
            "dyads": dyads,
            "areas": slugs,
            "counts": [[matrix[d].get(s, 0) for s in slugs] for d in dyads],
        },
        "timeline": {"months": month_keys, "series": timeline},
        "settings": settings,
        "contacts": [
            {"level": value, "label": label, "n": by_level.get(value, 0)}
            for value, label in ContactLevel.choices
        ],
    }


def _dyad_label(kind: str, a: str, b: str) -> str:
    """A dyad as every page writes it: "RUS → PRK" (directed), "CHN, en dash, RUS"
    (undirected, in alphabetical order, as events store undirected sides)."""
    if kind == "directed":
        return f"{a} \u2192 {b}"
    a, b = sorted((a, b))
    return f"{a} \u2013 {b}"


def _dyad_rank(label: str, core: list[str]) -> int:
    """Core-core pairs first, then pairs with one core state, then the rest."""
    parts = label.split(" ")
    return 2 - sum(iso in core for iso in (parts[0], parts[-1]))


def _month_expression():
    """The event's month: SQLite's TruncMonth is a Python function called per row (slow at
    50,000 events), while its dates are ISO text, so the first seven characters will do."""
    if connection.vendor == "sqlite":
        return Substr(Cast("event_date", CharField()), 1, 7)
    return TruncMonth("event_date")


def _month(value) -> str:
    return value if isinstance(value, str) else value.strftime("%Y-%m")


def _month_range(months: set[str]) -> list[str]:
    """Every month from the first to the last, so quiet months show as zeros."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:])
    out = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        out.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def coding_progress(project: Project) -> dict[str, Any]:
    """Per coder: sources by assignment status and codings per day; per source: coders done.

    Coders are everyone with assignments or codings here, former members too (their work stays
    in the study), who are marked: `member` False and `label` "name (former member)"."""
    statuses = [s for s, _ in AssignmentStatus.choices]
    coders: dict[str, dict[str, Any]] = {}
    for row in (
        Assignment.objects.filter(source__project=project)
        .exclude(training_q())
        .values("coder__username", "status")
        .annotate(n=Count("id"))
        .order_by("coder__username")
    ):
        entry = coders.setdefault(row["coder__username"], {s: 0 for s in statuses})
        entry[row["status"]] = row["n"]
    per_day: dict[str, dict[str, int]] = defaultdict(dict)
    days: set[str] = set()
    for row in (
        Coding.objects.filter(source__project=project)
        .exclude(training_q())
        .annotate(day=TruncDate("created_at"))
        .values("coder__username", "day")
        .annotate(n=Count("id"))
        .order_by("day")
    ):
        day = row["day"].isoformat()
        days.add(day)
        per_day[row["coder__username"]][day] = row["n"]
        coders.setdefault(row["coder__username"], {s: 0 for s in statuses})
    day_list = sorted(days)
    sources = list(
        Assignment.objects.filter(source__project=project)
        .exclude(training_q())
        .values("source_id", "source__title")
        .annotate(assigned=Count("id"), done=Count("id", filter=Q(status=AssignmentStatus.DONE)))
        .order_by("source_id")
    )
    finished_by = Counter(s["done"] for s in sources)
    members = set(project.memberships.values_list("user__username", flat=True))
    ordered = sorted(coders)
    colours = project_coder_slots(project)  # the review pages' colours
    return {
        "statuses": statuses,
        "coders": [
            {
                "coder": name,
                **coders[name],
                "member": name in members,
                "label": member_label(name, Role.CODER if name in members else None),
                "colour": colours[name],
            }
            for name in ordered
        ],
        "days": day_list,
        "per_day": {name: [per_day[name].get(d, 0) for d in day_list] for name in sorted(coders)},
        "sources": [
            {
                "id": s["source_id"],
                "title": s["source__title"],
                "assigned": s["assigned"],
                "done": s["done"],
            }
            for s in sources
        ],
        "finished_by": {
            str(k): finished_by.get(k, 0) for k in range(0, max(finished_by, default=0) + 1)
        },
    }


def latest_reliability(project: Project) -> dict[str, Any]:
    """The unfiltered reliability report if one is cached (never computed here: that is the
    reliability page's job), with the link to the report."""
    url = reverse("reliability", args=[project.slug])
    key = reliability_jobs.fingerprint(project, ReliabilityFilters(), N_RESAMPLES, SEED)
    report = reliability_jobs.cached(key)
    if report is None:
        return {"computed": False, "url": url, "rows": []}
    rows = [
        {"variable": r["variable"], "view": r.get("view", ""), "alpha": r["alpha"],
         "low": r.get("low"), "high": r.get("high"), "interval_note": r.get("interval_note", "")}
        for r in report["rows"]
        if r.get("category") is None
    ]  # fmt: skip
    return {
        "computed": True,
        "url": url,
        "rows": rows,
        "generated_at": report.get("meta", {}).get("generated_at", ""),
        "counts": report.get("counts", {}),
    }


def edge_events(
    project: Project, filters: EventFilters, kind: str, a: str, b: str, area: str | None = None
) -> list[dict[str, Any]]:
    """The events behind one network edge, with their evidence quotes and sources.

    kind "undirected": a and b are ISO3 codes in either order; "directed": a supplies b;
    "multilateral": a is the forum name (NO_FORUM for none) and b a participant's ISO3.
    """
    events = approved_events(project, filters)
    if area:
        events = events.filter(area__slug=area)
    if kind == "undirected":
        events = events.filter(dyad_type=DyadType.UNDIRECTED).filter(
            Q(side_a__iso3=a, side_b__iso3=b) | Q(side_a__iso3=b, side_b__iso3=a)
        )
    elif kind == "directed":
        events = events.filter(dyad_type=DyadType.DIRECTED, side_a__iso3=a, side_b__iso3=b)
    else:
        events = events.filter(
            dyad_type=DyadType.MULTILATERAL,
            forum="" if a == NO_FORUM else a,
            pk__in=Event.participants.through.objects.filter(actor__iso3=b).values("event_id"),
        )
    events = (
        events.select_related("area", "activity", "side_a", "side_b")
        .prefetch_related("evidence__coding__source", "participants")
        .order_by("event_date", "event_id")[:EDGE_EVENTS_LIMIT]
    )
    return [
        {
            "event_id": e.event_id,
            "url": reverse("event-detail", args=[project.slug, e.event_id]),
            "date": e.event_date.isoformat() if e.event_date else None,
            "area": e.area.label,
            "activity": e.activity.label,
            "dyad_type": e.dyad_type,
            "side_a": e.side_a.iso3 if e.side_a else None,
            "side_b": e.side_b.iso3 if e.side_b else None,
            "participants": sorted(p.iso3 for p in e.participants.all()),
            "forum": e.forum,
            "confidence": e.confidence,
            "evidence": [
                {
                    "quote": ev.coding.quote,
                    "source": ev.coding.source.title,
                    "url": ev.coding.source.canonical_url or ev.coding.source.url,
                    "outlet": ev.coding.source.outlet,
                }
                for ev in e.evidence.all()
            ],
        }
        for e in events
    ]
