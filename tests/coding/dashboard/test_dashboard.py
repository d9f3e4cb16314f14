"""The PI dashboard: aggregates against hand-built events, filters, query count, access."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from coding.dashboard import figures as dashboard
from coding.dashboard.figures import EventFilters
from coding.models import Activity, Actor, Event, Role
from coding.reliability import jobs as reliability_jobs
from coding.reliability.data import Filters as ReliabilityFilters
from tests.coding.reliability.study import build_study
from tests.factories import (
    ActorFactory,
    AreaFactory,
    AssignmentFactory,
    CodingFactory,
    EventEvidenceFactory,
    EventFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def pair(a: str, b: str) -> str:
    """An undirected dyad as the pages write it (with an en dash)."""
    return f"{a} \u2013 {b}"


def _actor(project, iso3):
    return Actor.objects.get(codebook=project.codebook, iso3=iso3)


def _activity(project, slug):
    return Activity.objects.get(area__codebook=project.codebook, slug=slug)


def _event(project, pi, activity, a=None, b=None, *, dyad="undirected", on=None, conf=2, **kw):
    act = _activity(project, activity)
    participants = kw.pop("participants", [])
    event = EventFactory(
        project=project, activity=act, area=act.area, dyad_type=dyad, confidence=conf,
        side_a=_actor(project, a) if a else None, side_b=_actor(project, b) if b else None,
        event_date=dt.date.fromisoformat(on) if on else None, approved_by=pi, **kw,
    )  # fmt: skip
    event.participants.set([_actor(project, p) for p in participants])
    return event


@pytest.fixture
def world(project, pi):
    """Five events: two CHN-RUS (one with the sides reversed), a RUS>PRK transfer, a multilateral
    SCO exercise of CHN, RUS and IRN, an undated CHN-IND contact; plus an area with no events."""
    ActorFactory(codebook=project.codebook, name="India", iso3="IND", cow_code=750)
    AreaFactory(codebook=project.codebook, slug="cyber", label="Cyber", order=5)
    e = {
        "contact": _event(project, pi, "heads_of_state", "CHN", "RUS", on="2024-01-10", conf=3),
        "exercise": _event(project, pi, "military_exercises", "RUS", "CHN", on="2024-01-20",
                           conf=1),
        "arms": _event(project, pi, "arms_sales", "RUS", "PRK", dyad="directed", on="2024-02-05"),
        "sco": _event(project, pi, "military_exercises", dyad="multilateral", on="2024-02-15",
                      participants=["CHN", "RUS", "IRN"], forum="SCO", setting="multilateral"),
        "india": _event(project, pi, "heads_of_state", "CHN", "IND"),
    }  # fmt: skip
    EventEvidenceFactory(event=e["contact"], coding__quote="Xi and Putin met in Moscow.")
    return e


def _edge(figures, kind, source, target):
    found = [
        x
        for x in figures["network"]["edges"]
        if (x["kind"], x["source"], x["target"]) == (kind, source, target)
    ]
    assert len(found) == 1, figures["network"]["edges"]
    return found[0]


def test_network_edges_keep_directed_and_multilateral_apart(project, world):
    figures = dashboard.event_figures(project, EventFilters())
    assert figures["totals"] == {"n": 5, "undated": 1, "multilateral": 1}
    # undirected pairs in alphabetical order, as events.csv and the matrix write them
    chn_rus = _edge(figures, "undirected", "CHN", "RUS")
    assert chn_rus["areas"] == {"contacts": 1, "preparations_for_war": 1} and chn_rus["n"] == 2
    assert _edge(figures, "directed", "RUS", "PRK")["areas"] == {"preparations_for_war": 1}
    assert _edge(figures, "undirected", "CHN", "IND")["n"] == 1
    for iso3 in ("CHN", "RUS", "IRN"):
        edge = _edge(figures, "multilateral", "forum:SCO", iso3)
        assert edge["forum"] == "SCO" and edge["n"] == 1
    assert len(figures["network"]["edges"]) == 6  # no pairs made from the SCO event
    nodes = {n["id"]: n for n in figures["network"]["nodes"]}
    assert {k for k, n in nodes.items() if n.get("core")} == {"CHN", "RUS", "IRN", "PRK"}
    assert nodes["IND"]["core"] is False
    assert nodes["forum:SCO"]["kind"] == "forum" and nodes["forum:SCO"]["events"] == 1
    assert nodes["CHN"]["events"] == 4 and nodes["PRK"]["events"] == 1


def test_matrix_expands_multilateral_into_pairs_and_keeps_empty_cells(project, world):
    m = dashboard.event_figures(project, EventFilters())["matrix"]
    assert m["areas"] == ["contacts", "preparations_for_war", "cyber"]
    rows = dict(zip(m["dyads"], m["counts"], strict=True))
    assert rows[pair("CHN", "RUS")] == [1, 2, 0]  # the SCO exercise counts for the pair too
    assert rows[pair("IRN", "RUS")] == [0, 1, 0]
    assert rows[pair("CHN", "IRN")] == [0, 1, 0]
    assert rows["RUS → PRK"] == [0, 1, 0]
    assert rows[pair("CHN", "IND")] == [1, 0, 0]
    for empty in (
        pair("PRK", "RUS"),
        pair("IRN", "PRK"),
        pair("CHN", "PRK"),
    ):  # core pairs without events are rows
        assert rows[empty] == [0, 0, 0]
    assert len(rows) == 8
    assert m["dyads"][-1] == pair("CHN", "IND")  # core-core pairs first


def test_timeline_settings_and_contacts(project, world):
    f = dashboard.event_figures(project, EventFilters())
    assert f["timeline"]["months"] == ["2024-01", "2024-02"]
    assert f["timeline"]["series"] == {
        "contacts": [1, 0], "preparations_for_war": [1, 2], "cyber": [0, 0],
    }  # fmt: skip
    assert f["settings"] == {
        "contacts": {"bilateral": 2, "multilateral": 0},
        "preparations_for_war": {"bilateral": 2, "multilateral": 1},
        "cyber": {"bilateral": 0, "multilateral": 0},
    }
    contacts = {c["level"]: c["n"] for c in f["contacts"]}
    assert contacts["heads_of_state"] == 2 and contacts["ministers"] == 0
    assert len(contacts) == 6


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (EventFilters(min_confidence=2), 4),
        (EventFilters(min_confidence=3), 1),
        (EventFilters(area="contacts"), 2),
        (EventFilters(activity="arms_sales"), 1),
        (EventFilters(date_from=dt.date(2024, 2, 1)), 2),
        (EventFilters(date_from=dt.date(2024, 1, 15), date_to=dt.date(2024, 2, 10)), 2),
    ],
)
def test_filters(project, world, filters, expected):
    assert dashboard.event_figures(project, filters)["totals"]["n"] == expected


def test_timeline_fills_quiet_months(project, pi):
    _event(project, pi, "heads_of_state", "CHN", "RUS", on="2023-11-30")
    _event(project, pi, "heads_of_state", "CHN", "RUS", on="2024-02-01")
    t = dashboard.event_figures(project, EventFilters())["timeline"]
    assert t["months"] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert t["series"]["contacts"] == [1, 0, 0, 1]


def test_filter_narrows_every_figure(project, world):
    f = dashboard.event_figures(project, EventFilters(min_confidence=2))
    rows = dict(zip(f["matrix"]["dyads"], f["matrix"]["counts"], strict=True))
    assert rows[pair("CHN", "RUS")] == [1, 1, 0]  # the confidence-1 exercise is gone
    assert f["timeline"]["series"]["preparations_for_war"] == [0, 2]


def test_edge_events_lists_quotes_and_sources(project, world):
    undirected = dashboard.edge_events(project, EventFilters(), "undirected", "CHN", "RUS")
    assert [e["event_id"] for e in undirected] == [
        world["contact"].event_id,
        world["exercise"].event_id,
    ]
    assert undirected[0]["evidence"][0]["quote"] == "Xi and Putin met in Moscow."
    assert undirected[0]["evidence"][0]["source"]
    one_area = dashboard.edge_events(
        project, EventFilters(), "undirected", "RUS", "CHN", area="contacts"
    )
    assert [e["event_id"] for e in one_area] == [world["contact"].event_id]
    directed = dashboard.edge_events(project, EventFilters(), "directed", "PRK", "RUS")
    assert directed == []  # a transfer runs one way only
    multi = dashboard.edge_events(project, EventFilters(), "multilateral", "SCO", "IRN")
    assert [e["event_id"] for e in multi] == [world["sco"].event_id]
    assert multi[0]["participants"] == ["CHN", "IRN", "RUS"]


def test_coding_progress(project):
    a, b = UserFactory(username="ann"), UserFactory(username="bob")
    for user in (a, b):
        MembershipFactory(project=project, user=user, role=Role.CODER)
    s1, s2, s3 = (SourceFactory(project=project) for _ in range(3))
    AssignmentFactory(source=s1, coder=a, status="done")
    AssignmentFactory(source=s2, coder=a, status="done")
    AssignmentFactory(source=s3, coder=a, status="in_progress")
    AssignmentFactory(source=s1, coder=b, status="done")
    AssignmentFactory(source=s2, coder=b)
    CodingFactory(source=s1, coder=a)
    CodingFactory(source=s2, coder=a)
    CodingFactory(source=s1, coder=b)
    p = dashboard.coding_progress(project)
    assert p["coders"] == [
        {"coder": "ann", "not_started": 0, "in_progress": 1, "done": 2, "member": True,
         "label": "ann", "colour": 0},
        {"coder": "bob", "not_started": 1, "in_progress": 0, "done": 1, "member": True,
         "label": "bob", "colour": 1},
    ]  # fmt: skip
    assert len(p["days"]) == 1
    assert p["per_day"] == {"ann": [2], "bob": [1]}
    assert {s["id"]: s["done"] for s in p["sources"]} == {s1.pk: 2, s2.pk: 1, s3.pk: 0}
    assert p["finished_by"] == {"0": 1, "1": 1, "2": 1}


def test_reliability_not_computed_then_cached(project, pi, client_for, settings):
    # a private cache: the default one is a shared file cache that outlives test databases
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dash"}
    }
    info = dashboard.latest_reliability(project)
    assert info == {"computed": False, "url": f"/projects/{project.slug}/reliability/", "rows": []}
    response = client_for(pi).get(f"/projects/{project.slug}/dashboard/")
    assert b"Not computed yet." in response.content
    reliability_jobs.compute(project, ReliabilityFilters(), n_resamples=50)
    # a report cached with other bootstrap settings is not the one the page shows
    assert dashboard.latest_reliability(project)["computed"] is False
    reliability_jobs.compute(project, ReliabilityFilters())
    info = dashboard.latest_reliability(project)
    assert info["computed"] is True and info["rows"]
    response = client_for(pi).get(f"/projects/{project.slug}/dashboard/")
    assert b"Not computed yet." not in response.content
    assert b"Reliability report" in response.content

    # a variable without an interval says why, as the reliability page does, not a blank cell
    build_study(project)  # two sources: alphas, but too few units for an interval
    reliability_jobs.compute(project, ReliabilityFilters())
    info = dashboard.latest_reliability(project)
    response = client_for(pi).get(f"/projects/{project.slug}/dashboard/")
    unbounded = [r for r in info["rows"] if r["alpha"] is not None and r["low"] is None]
    assert unbounded
    for row in unbounded:
        assert row["interval_note"].startswith("no interval: ")
        assert escape(row["interval_note"]).encode() in response.content


def _bulk_events(project, pi, n):
    cb = project.codebook
    actors = {a.iso3: a for a in cb.actors.all()}
    acts = list(Activity.objects.filter(area__codebook=cb).select_related("area"))
    made = Event.objects.bulk_create(
        [
            Event(
                project=project, event_id=f"BULK-{project.pk}-{i:06d}", codebook=cb,
                dyad_type=["undirected", "directed", "multilateral"][i % 3],
                side_a=actors["CHN"] if i % 3 != 2 else None,
                side_b=actors[["RUS", "PRK", "IRN"][i % 3]] if i % 3 != 2 else None,
                forum=f"Forum {i % 4}" if i % 3 == 2 else "", setting="bilateral",
                activity=acts[i % len(acts)], area=acts[i % len(acts)].area, confidence=1 + i % 3,
                event_date=dt.date(2020 + i % 5, 1 + i % 12, 1), approved_by=pi,
                approved_at=timezone.now(),
            )
            for i in range(n)
        ]
    )  # fmt: skip
    through = Event.participants.through
    through.objects.bulk_create(
        [
            through(event_id=e.pk, actor_id=actors[iso].pk)
            for e in made
            if e.dyad_type == "multilateral"
            for iso in ("CHN", "RUS", "IRN")
        ]
    )


def _page_queries(client, project, query=""):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/projects/{project.slug}/dashboard/{query}")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_constant_as_events_grow(project, pi, client_for):
    client = client_for(pi)
    s = SourceFactory(project=project)
    AssignmentFactory(source=s, coder=UserFactory(), status="done")
    _bulk_events(project, pi, 10)
    small = _page_queries(client, project)
    small_filtered = _page_queries(client, project, "?min_confidence=2&area=contacts")
    Event.objects.filter(project=project).delete()
    _bulk_events(project, pi, 500)
    assert _page_queries(client, project) == small
    assert _page_queries(client, project, "?min_confidence=2&area=contacts") == small_filtered
    figures = dashboard.event_figures(project, EventFilters())
    assert figures["totals"]["n"] == 500


# --- access and bad input -------------------------------------------------------------------

URLS = [
    "/projects/{slug}/dashboard/",
    "/projects/{slug}/dashboard/csv/matrix/",
    "/projects/{slug}/dashboard/edge/?kind=undirected&a=CHN&b=RUS",
]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(client, project, url):
    response = client.get(url.format(slug=project.slug))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", URLS)
def test_coder_gets_403(project, coder, client_for, url):
    assert client_for(coder).get(url.format(slug=project.slug)).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_coder_of_another_project_gets_404(project, outsider, client_for, url):
    assert client_for(outsider).get(url.format(slug=project.slug)).status_code == 404


def test_pi_of_another_project_gets_404(project, client_for):
    other = UserFactory()
    MembershipFactory(user=other, role=Role.PI)
    response = client_for(other).get(f"/projects/{project.slug}/dashboard/")
    assert response.status_code == 404


def test_pi_page_embeds_the_figures(project, pi, world, client_for):
    response = client_for(pi).get(f"/projects/{project.slug}/dashboard/")
    assert response.status_code == 200
    assert response.context["events"]["totals"]["n"] == 5
    html = response.content.decode()
    assert 'id="dashboard-events" type="application/json"' in html
    assert "vendor/echarts-6.1.0/echarts.min.js" in html
    assert f'href="/projects/{project.slug}/dashboard/"' in html  # nav link
    # the multilateral event is drawn in the timeline; only undated ones are left out
    totals = response.context["events"]["totals"]
    assert (
        f"5 match the filters, 1 of them multilateral; {totals['undated']} without a date "
        f"{'is' if totals['undated'] == 1 else 'are'} left out of the timeline."
    ) in html


def test_page_escapes_data(project, pi, client_for):
    _event(project, pi, "military_exercises", dyad="multilateral", participants=["CHN", "RUS"],
           forum="</script><script>alert(1)</script>")  # fmt: skip
    html = client_for(pi).get(f"/projects/{project.slug}/dashboard/").content.decode()
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    "query",
    ["?min_confidence=9", "?date_from=yesterday", "?date_from=2024-05-01&date_to=2024-01-01",
     "?area=nope", "?activity=nope"],
)  # fmt: skip
def test_bad_filters_are_form_errors(project, pi, client_for, query):
    response = client_for(pi).get(f"/projects/{project.slug}/dashboard/{query}")
    assert response.status_code == 400
    assert b'class="errors"' in response.content
    csv = client_for(pi).get(f"/projects/{project.slug}/dashboard/csv/matrix/{query}")
    assert csv.status_code == 400
    edge = client_for(pi).get(
        f"/projects/{project.slug}/dashboard/edge/{query}&kind=undirected&a=CHN&b=RUS"
    )
    assert edge.status_code == 400 and "errors" in edge.json()


@pytest.mark.parametrize(
    "query",
    ["", "?kind=sideways&a=CHN&b=RUS", "?kind=undirected&a=CHINA&b=RUS", "?kind=directed&a=CHN"],
)
def test_bad_edge_is_400(project, pi, client_for, query):
    response = client_for(pi).get(f"/projects/{project.slug}/dashboard/edge/{query}")
    assert response.status_code == 400 and response.json()["errors"]


def test_unknown_csv_figure_is_400(project, pi, client_for):
    response = client_for(pi).get(f"/projects/{project.slug}/dashboard/csv/pie/")
    assert response.status_code == 400


def test_edge_endpoint_returns_events(project, pi, world, client_for):
    response = client_for(pi).get(
        f"/projects/{project.slug}/dashboard/edge/",
        {"kind": "multilateral", "a": "SCO", "b": "rus", "min_confidence": "2"},
    )
    assert response.status_code == 200
    assert [e["event_id"] for e in response.json()["events"]] == [world["sco"].event_id]


def test_csv_numbers_match_the_figures(project, pi, world, client_for):
    client = client_for(pi)
    matrix = client.get(f"/projects/{project.slug}/dashboard/csv/matrix/").content.decode()
    lines = matrix.strip().splitlines()
    assert lines[0] == "dyad,contacts,preparations_for_war,cyber"
    assert f"{pair('CHN', 'RUS')},1,2,0" in lines and f"{pair('CHN', 'PRK')},0,0,0" in lines
    filtered = client.get(
        f"/projects/{project.slug}/dashboard/csv/timeline/?min_confidence=2"
    ).content.decode()
    assert filtered.strip().splitlines() == [
        "month,contacts,preparations_for_war,cyber", "2024-01,1,0,0", "2024-02,0,2,0",
    ]  # fmt: skip
    network = client.get(f"/projects/{project.slug}/dashboard/csv/network/").content.decode()
    assert "multilateral,SCO,IRN,SCO,0,1,0,1" in network
    for figure in ("settings", "contacts", "progress", "sources"):
        response = client.get(f"/projects/{project.slug}/dashboard/csv/{figure}/")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_csv_cells_are_not_formulas(project, pi, client_for):
    coder = UserFactory(username="ann")
    AssignmentFactory(source=SourceFactory(project=project, title="=HYPERLINK(1)"), coder=coder)
    body = client_for(pi).get(f"/projects/{project.slug}/dashboard/csv/sources/").content
    assert b",'=HYPERLINK(1)," in body


def test_the_network_and_the_matrix_name_an_undirected_pair_the_same_way(project, world):
    """network.csv and matrix.csv can be joined: CHN before RUS in both, as in events.csv."""
    figures = dashboard.event_figures(project, EventFilters())
    undirected = [e for e in figures["network"]["edges"] if e["kind"] == "undirected"]
    assert undirected
    for edge in undirected:
        assert f"{edge['source']} \u2013 {edge['target']}" in figures["matrix"]["dyads"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "date_from=2024-01-15",
        "date_from=2024-01-01&date_to=2024-01-31&min_confidence=1",
        "area=preparations_for_war&activity=military_exercises",
        "activity=heads_of_state&min_confidence=3",
    ],
)
def test_the_export_link_counts_the_events_the_dashboard_shows(
    client_for, project, pi, world, query
):
    """The dashboard's From/To are the export's since/until: its link carries every filter, so
    the export page counts and downloads the same events the dashboard drew."""
    client = client_for(pi)
    page = client.get(f"/projects/{project.slug}/dashboard/?{query}")
    shown = page.context["events"]["totals"]["n"]
    link = page.context["export_link"]
    assert f'<a href="{escape(link)}" id="dashboard-export">' in page.content.decode()
    export = client.get(link)
    assert export.status_code == 200, export.content.decode()
    assert export.context["count"] == shown


def test_no_export_link_when_no_event_matches(client_for, project, pi, world):
    page = client_for(pi).get(f"/projects/{project.slug}/dashboard/?date_from=2030-01-01")
    assert page.context["events"]["totals"]["n"] == 0
    assert 'id="dashboard-export"' not in page.content.decode()
