"""Stored script: every user-writable text holds a script payload; the PI and a coder open every
page and hover every chart. No dialog opens, no payload element reaches the DOM, and the
Content-Security-Policy is never broken (the autouse csp_violations fixture)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from coding.demo import seed_demo
from coding.models import Actor, Area, Coding, Event, EventEvidence
from sources.models import Source
from tests.factories import AssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def payload(field: str) -> str:
    """Markup that would open a dialog (and leave an element of class xss) if rendered."""
    return f"\"'><img src=x class=xss onerror=alert('{field}')><script>alert('{field}')</script>"


def _store_payloads():
    project = seed_demo()
    project.name = payload("project")
    project.description = payload("description")
    project.save()
    codebook = project.codebook
    for iso3 in ("CHN", "RUS"):
        actor = codebook.actors.get(iso3=iso3)
        actor.name = payload(f"actor-{iso3}")[:100]
        actor.save()
    for area in Area.objects.filter(codebook=codebook):
        area.label = payload(f"area-{area.slug}")
        area.save()
    coder2 = get_user_model().objects.get(username="coder2")
    coder2.username = payload("member")[:150]
    coder2.first_name = payload("first")[:150]
    coder2.save()

    source = Source.objects.create(
        project=project, title=payload("title"), outlet=payload("outlet")[:200],
        author=payload("author")[:300], text=f"Opening line. {payload('text')} Closing line.",
        url="https://example.org/a?x=<script>", language="en",
    )  # fmt: skip
    coder1 = get_user_model().objects.get(username="coder1")
    AssignmentFactory(source=source, coder=coder1)
    template = Coding.objects.filter(source__project=project, coder=coder1).first()
    coding = Coding.objects.create(
        source=source, coder=coder1, start=0, end=12, quote=source.text[:12],
        dyad_type="multilateral", side_a=template.side_a, side_b=template.side_b,
        setting="multilateral", forum=payload("forum")[:100], area=template.area,
        activity=template.activity, confidence=2, note=payload("note"),
        event_date=dt.date(2024, 3, 1),
    )  # fmt: skip
    coding.participants.set(codebook.actors.filter(iso3__in=["CHN", "RUS"]))
    pi = project.memberships.get(role="pi").user
    others = Coding.objects.filter(source__project=project, evidence__isnull=True)
    for i, c in enumerate(others.exclude(pk=coding.pk).order_by("id")[:12]):
        event = Event.objects.create(
            project=project, event_id=f"XSS-{i:03d}", codebook=codebook,
            dyad_type=c.dyad_type, side_a=c.side_a, side_b=c.side_b, setting=c.setting,
            forum=c.forum, area=c.area, activity=c.activity, confidence=c.confidence,
            event_date=c.event_date or dt.date(2024, 1 + i % 12, 1), approved_by=pi,
            approved_at=timezone.now(), note=payload(f"event-note-{i}"),
        )  # fmt: skip
        event.participants.set(c.participants.all())
        EventEvidence.objects.create(event=event, coding=c, primary=True)
    event = Event.objects.create(
        project=project, event_id="XSS-FORUM", codebook=codebook, dyad_type="multilateral",
        side_a=coding.side_a, side_b=coding.side_b, setting="multilateral", forum=coding.forum,
        area=coding.area, activity=coding.activity, confidence=2, event_date=dt.date(2024, 3, 1),
        approved_by=pi, approved_at=timezone.now(), note=payload("event-note"),
    )  # fmt: skip
    event.participants.set(coding.participants.all())
    EventEvidence.objects.create(event=event, coding=coding, primary=True)
    assert Actor.objects.filter(name__contains="<img").count() == 2
    return project, source, event


HOVER_ALL = """async () => {
  const d = window.dashboard;
  let shown = 0;
  for (const chart of Object.values(d.charts)) {
    const option = chart.getOption();
    const box = chart.getDom().getBoundingClientRect();
    option.series.forEach((series, s) => {
      const n = (series.data || []).length;
      for (let i = 0; i < n; i++) {
        chart.dispatchAction({ type: "showTip", seriesIndex: s, dataIndex: i });
        shown++;
      }
      // graph edges: through their tooltip formatter, as a hover on the edge would
      (series.links || []).forEach((link) => {
        const node = option.tooltip[0].formatter({ dataType: "edge", data: link, name: "" });
        document.body.append(node);
        shown++;
      });
    });
    chart.dispatchAction({ type: "hideTip" });
  }
  return shown;
}"""


def _assert_clean(page, dialogs, where):
    assert not dialogs, f"{where}: a dialog opened: {dialogs}"
    assert page.locator("img.xss, script:not([src]):not([type='application/json'])").count() == 0, (
        where
    )


def test_script_payloads_stay_text_on_every_page(page, live_server, login, screenshot):
    project, source, event = _store_payloads()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    slug = project.slug
    pi_pages = [
        "/projects/",
        f"/projects/{slug}/",
        f"/projects/{slug}/codebook/",
        f"/projects/{slug}/sources/",
        f"/projects/{slug}/sources/{source.pk}/",
        f"/projects/{slug}/review/",
        f"/projects/{slug}/review/sources/{source.pk}/",
        f"/projects/{slug}/events/",
        f"/projects/{slug}/events/{event.event_id}/",
        f"/projects/{slug}/export/",
        f"/projects/{slug}/reliability/",
        f"/projects/{slug}/ingest/",
        "/queue/",
    ]
    login("pi", "pi-demo-2024")
    for path in pi_pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        _assert_clean(page, dialogs, path)

    page.goto(f"{live_server.url}/projects/{slug}/events/{event.event_id}/")
    assert "onerror=alert('event-note')" in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/projects/{slug}/dashboard/")
    page.wait_for_function("window.dashboard && window.dashboard.ready")
    assert page.evaluate(HOVER_ALL) > 20
    for chart in page.locator(".dash-chart").all():  # and real pointer moves over each chart
        box = chart.bounding_box()
        for fx in (0.2, 0.35, 0.5, 0.65, 0.8):
            for fy in (0.3, 0.5, 0.7):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    _assert_clean(page, dialogs, "dashboard")
    tooltips = page.evaluate(
        "() => [...document.querySelectorAll('.dash-tip')].map((n) => n.textContent).join(' ')"
    )
    assert "onerror=alert('forum')" in tooltips  # the forum's name, shown as text
    assert "onerror=alert('area-" in tooltips
    result = page.evaluate(
        """async () => {
          const links = window.dashboard.charts.network.getOption().series[0].links;
          const link = links.find((l) => l.edge.kind === "multilateral");
          const body = await window.dashboard.onNetworkClick({ dataType: "edge", data: link });
          return body.events.length;
        }"""
    )
    assert result >= 1
    _assert_clean(page, dialogs, "dashboard edge list")
    screenshot("xss-dashboard")

    page.context.clear_cookies()
    login("coder1", "coder1-demo-2024")
    for path in ["/queue/", f"/projects/{slug}/feedback/", f"/projects/{slug}/sources/"]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        _assert_clean(page, dialogs, path)
    page.goto(f"{live_server.url}/projects/{slug}/sources/{source.pk}/code/")
    page.wait_for_selector(".coding-item")
    for item in page.locator(".coding-item, mark, .hl").all()[:20]:
        item.hover()
    page.locator(".coding-item").first.click()
    _assert_clean(page, dialogs, "workspace")
    assert "onerror=alert('text')" in page.locator("main").inner_text()
    screenshot("xss-workspace")
