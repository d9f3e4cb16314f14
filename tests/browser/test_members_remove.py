"""Removing a member in Chromium: the confirmation page and what follows (the dashboard names
the former member), and one colour per coder on the dashboard and the review page."""

import pytest
from playwright.sync_api import expect

from coding.demo import seed_demo
from coding.models import Membership
from coding.projects import removal_summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# a colour as the page computes it, whatever the notation it was given in
CSS_COLOUR = """(c) => { const el = document.createElement("i"); el.style.color = c;
  document.body.append(el); const rgb = getComputedStyle(el).color; el.remove(); return rgb; }"""


def test_pi_removes_a_coder_after_seeing_what_becomes_of_their_work(
    page, live_server, login, screenshot
):
    project = seed_demo()
    member = Membership.objects.get(project=project, user__username="coder2")
    summary = removal_summary(project, member)
    assert summary.codings > 0 and summary.approved_events > 0

    login("pi", "pi-demo-2024")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    page.locator("#members").screenshot(path=str(screenshot("project-page").parent / "members.png"))
    page.get_by_role("link", name="Remove coder2").click()
    expect(page.get_by_role("heading", name=f"Remove coder2 from {project.name}?")).to_be_visible()
    assert page.url.endswith(f"/members/{member.pk}/remove/")  # no stray "?" of a GET form
    items = page.locator("#removal-summary li")
    expect(items.nth(0)).to_have_text(f"{summary.codings} codings")
    expect(items.nth(1)).to_contain_text(
        f"{summary.not_started} not started · {summary.in_progress} in progress · "
        f"{summary.done} done"
    )
    expect(items.nth(2)).to_contain_text(f"{summary.approved_events} approved event")
    expect(page.locator("#member-remove")).to_contain_text("“coder2 (former member)”")
    assert Membership.objects.filter(pk=member.pk).exists()  # nothing happened yet
    screenshot("member-remove-confirm")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    screenshot("member-remove-confirm-narrow")
    assert width <= 390  # nothing wider than a phone
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#members")).to_contain_text("coder2")
    assert Membership.objects.filter(pk=member.pk).exists()

    page.get_by_role("link", name="Remove coder2").click()
    page.get_by_role("button", name="Remove coder2").click()  # the confirmation page's
    expect(page.get_by_text(f"Removed coder2 from {project.name}.")).to_be_visible()
    expect(page.locator("#members")).not_to_contain_text("coder2")
    assert not Membership.objects.filter(pk=member.pk).exists()

    page.goto(f"{live_server.url}/projects/{project.slug}/dashboard/")
    page.wait_for_function("window.dashboard && window.dashboard.ready")
    rows = page.locator("#progress-table tbody tr td:first-child")
    expect(rows).to_have_text(["coder1", "coder2 (former member)"])
    names = page.evaluate(
        "() => window.dashboard.charts.progress.getOption().series.map((s) => s.name)"
    )
    assert names == ["coder1", "coder2 (former member)"]
    page.locator("[data-figure=progress]").screenshot(
        path=str(screenshot("dashboard-page-after-removal").parent / "dashboard-progress.png")
    )


def test_a_coder_has_one_colour_on_the_dashboard_and_the_review_page(page, live_server, login):
    project = seed_demo()
    source = next(
        s
        for s in project.sources.order_by("pk")
        if s.assignments.filter(status="done").count() == 2
    )
    login("pi", "pi-demo-2024")
    page.goto(f"{live_server.url}/projects/{project.slug}/review/sources/{source.pk}/")
    legend = page.locator("#coder-legend li")
    expect(legend).to_have_text(["coder1", "coder2"])
    review = {
        name: legend.filter(has_text=name)
        .locator(".swatch")
        .evaluate("el => getComputedStyle(el).backgroundColor")
        for name in ("coder1", "coder2")
    }

    page.goto(f"{live_server.url}/projects/{project.slug}/dashboard/")
    page.wait_for_function("window.dashboard && window.dashboard.ready")
    drawn = page.evaluate(
        f"""() => {{
          const toRgb = {CSS_COLOUR}, chart = window.dashboard.charts.progress;
          return Object.fromEntries(chart.getOption().series.map((s, i) => [
            s.name, toRgb(chart.getVisual({{ seriesIndex: i }}, "color"))]));
        }}"""
    )
    assert review["coder1"] != review["coder2"]
    assert drawn == review  # the chart's bars and legend
    table = {
        name: page.locator("#progress-table tr", has_text=name)
        .locator(".swatch")
        .evaluate("el => getComputedStyle(el).backgroundColor")
        for name in ("coder1", "coder2")
    }
    assert table == review  # the progress table's swatches
