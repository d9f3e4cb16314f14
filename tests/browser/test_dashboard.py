"""The PI opens the dashboard on demo data: every figure's numbers match the database, and
clicking an edge of the network lists its events with their quotes."""

import datetime as dt
from pathlib import Path

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from coding.demo import seed_demo
from coding.models import Coding, Event, EventEvidence
from coding.models.assignments import AssignmentStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _events_from_codings(project) -> None:
    """One approved event per coding of coder1 the demo did not approve already (as the review
    would make them), plus a third state's contact so the network has an outer ring."""
    pi = project.memberships.get(role="pi").user
    for i, c in enumerate(
        Coding.objects.filter(
            source__project=project, coder__username="coder1", evidence__isnull=True
        ).order_by("id")
    ):
        event = Event.objects.create(
            project=project, event_id=f"DEMO-{i:04d}", codebook=project.codebook,
            dyad_type=c.dyad_type, side_a=c.side_a, side_b=c.side_b, setting=c.setting,
            forum=c.forum, area=c.area, activity=c.activity, confidence=c.confidence,
            event_date=c.event_date or dt.date(2024, 1 + i % 12, 1), approved_by=pi,
            approved_at=timezone.now(),
        )  # fmt: skip
        event.participants.set(c.participants.all())
        EventEvidence.objects.create(event=event, coding=c, primary=True)


def _expected(project) -> dict:
    events = Event.objects.filter(project=project)
    multi = events.filter(dyad_type="multilateral")
    return {
        "n": events.count(),
        "bilateral": events.exclude(dyad_type="multilateral").count(),
        "memberships": Event.participants.through.objects.filter(event__in=multi).count(),
        "contacts": events.exclude(activity__contact_level="").count(),
        "dated": events.filter(event_date__isnull=False).count(),
        "by_area": dict(events.values_list("area__slug").annotate(n=Count("id"))),
        "done": project.sources.aggregate(
            n=Count("assignments", filter=Q(assignments__status=AssignmentStatus.DONE))
        )["n"],
    }


def test_pi_sees_every_figure_and_an_edges_events(page, live_server, login, screenshot, settings):
    settings.CACHES = {  # no reliability report cached by other runs
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dash"}
    }
    project = seed_demo()
    _events_from_codings(project)
    expected = _expected(project)
    assert expected["n"] >= 10 and expected["memberships"] > 0

    login("pi", "pi-demo-2024")
    page.goto(f"{live_server.url}/projects/{project.slug}/dashboard/")
    page.wait_for_function("window.dashboard && window.dashboard.ready")
    figures = page.evaluate(
        """() => {
          const d = window.dashboard, opt = (n) => d.charts[n].getOption();
          const sum = (xs) => xs.reduce((a, b) => a + b, 0);
          const links = opt("network").series[0].links, value = (l) => l.value;
          return {
            total: d.events.totals.n,
            bilateral: sum(links.filter((l) => l.edge.kind !== "multilateral").map(value)),
            memberships: sum(links.filter((l) => l.edge.kind === "multilateral").map(value)),
            arrows: links.filter((l) => l.edge.kind === "directed").length,
            matrixCells: opt("matrix").series[0].data.length,
            matrixAreas: opt("matrix").xAxis[0].data.length,
            matrixDyads: opt("matrix").yAxis[0].data.length,
            zeroCells: opt("matrix").series[0].data.filter((c) => c.value[2] === 0).length,
            timeline: Object.fromEntries(opt("timeline").series.map((s) => [s.name, sum(s.data)])),
            settings: sum(opt("settings").series.flatMap((s) => s.data)),
            contacts: sum(opt("contacts").series[0].data),
            sources: opt("sources").series[0].data,
            finishedBy: Object.keys(d.progress.finished_by).map(Number),
            drawn: [...document.querySelectorAll(".dash-chart")].filter(
              (e) => e.querySelector("canvas")).length,
          };
        }"""
    )
    assert figures["total"] == expected["n"]
    assert figures["bilateral"] == expected["bilateral"]
    assert figures["memberships"] == expected["memberships"]
    assert figures["arrows"] >= 1
    assert figures["matrixCells"] == figures["matrixAreas"] * figures["matrixDyads"]
    assert figures["zeroCells"] > 0  # empty cells are drawn, not dropped
    labels = {a.slug: a.label for a in project.codebook.areas.all()}
    assert figures["timeline"] == {
        labels[s]: expected["by_area"].get(s, 0) for s in labels
    }  # every event of the demo has a date
    assert figures["settings"] == expected["n"]
    assert figures["contacts"] == expected["contacts"]
    finished = dict(zip(figures["finishedBy"], figures["sources"], strict=True))
    assert sum(k * v for k, v in finished.items()) == expected["done"]
    assert figures["drawn"] == 7
    assert page.locator("#progress-table tbody tr").count() == 2
    assert "Not computed yet." in page.locator("#reliability-summary").inner_text()
    screenshot("dashboard-page")

    with page.expect_download() as download:
        page.locator("[data-svg=matrix]").click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == f"{project.slug}-matrix.svg"
    assert svg.startswith("<svg") and ">0<" in svg  # the empty cells' zeros are drawn
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").nth(1).click()
    assert download.value.suggested_filename == f"{project.slug}-matrix.csv"

    # click the middle of an undirected edge drawn straight (one area), like a user would
    target = page.evaluate(
        """() => {
          const chart = window.dashboard.charts.network, series = chart.getOption().series[0];
          const link = series.links.find(
            (l) => l.edge.kind === "undirected" && !l.lineStyle.curveness);
          const node = (id) => series.data.find((n) => n.id === id);
          const [a, b] = [node(link.source), node(link.target)].map(
            (n) => chart.convertToPixel({ seriesIndex: 0 }, [n.x, n.y]));
          return { edge: link.edge, x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2 };
        }"""
    )
    box = page.locator("#chart-network").bounding_box()
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    listing = page.locator("#edge-events li")
    listing.first.wait_for()
    edge = target["edge"]
    pair = {edge["a"], edge["b"]}
    shown = Event.objects.filter(
        project=project, dyad_type="undirected", area__slug=edge["area"],
        side_a__iso3__in=pair, side_b__iso3__in=pair,
    )  # fmt: skip
    assert listing.count() == shown.count()
    first = shown.order_by("event_date", "event_id").first()
    quote = first.evidence.get().coding.quote
    assert quote[:40] in page.locator("#edge-events blockquote").first.inner_text()
    page.locator("#edge-events").scroll_into_view_if_needed()
    screenshot("dashboard-edge-events")

    # a multilateral edge through the handler the page exposes
    result = page.evaluate(
        """async () => {
          const links = window.dashboard.charts.network.getOption().series[0].links;
          const link = links.find((l) => l.edge.kind === "multilateral");
          const body = await window.dashboard.onNetworkClick({ dataType: "edge", data: link });
          return { edge: link.edge, n: body.events.length };
        }"""
    )
    forum_events = Event.objects.filter(
        project=project, dyad_type="multilateral", forum=result["edge"]["a"],
        participants__iso3=result["edge"]["b"], area__slug=result["edge"]["area"],
    )  # fmt: skip
    assert result["n"] == forum_events.count() > 0

    # filters go through the URL; the figures follow
    page.goto(f"{live_server.url}/projects/{project.slug}/dashboard/?min_confidence=3")
    page.wait_for_function("window.dashboard && window.dashboard.ready")
    n = page.evaluate("() => window.dashboard.events.totals.n")
    assert n == Event.objects.filter(project=project, confidence__gte=3).count()
