"""The PI opens the reliability page and sees the alpha table and both heatmaps."""

import re
import threading

import pytest
from playwright.sync_api import expect

from coding.models import Role
from tests.coding.reliability.study import build_study
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pi_sees_alpha_table_and_heatmaps(page, live_server, login, screenshot):
    project = ProjectFactory(name="Reliability pilot")
    pi = PIUserFactory(username="pi-rel")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    build_study(project)

    login("pi-rel")
    page.goto(f"{live_server.url}/projects/{project.slug}/reliability/")
    table = page.locator("#alpha-table")
    table.wait_for()
    assert table.locator("tbody tr").count() > 10
    assert "heads of state" in table.inner_text().lower()
    assert page.locator("#pair-heatmap img").is_visible()
    assert page.locator("#confusion-heatmap img").is_visible()
    assert page.locator("#rel-counts").inner_text().startswith("2 sources · 3 coders · 6 codings")
    assert page.locator("#rel-warnings").is_visible()
    screenshot("reliability-page")

    page.get_by_label("bob").check()
    page.get_by_label("alice").check()
    page.get_by_role("button", name="Compute").click()
    page.wait_for_url(re.compile(r"coders="))
    assert page.locator("#rel-counts").inner_text().startswith("2 sources · 2 coders · 5 codings")
    with page.expect_download() as download:
        page.get_by_role("link", name="pdf", exact=True).click()
    assert download.value.suggested_filename == f"reliability-{project.slug}.pdf"


def test_pi_sees_the_coder_clinic_with_the_drift_chart(page, live_server, login, screenshot):
    from coding.models import Activity
    from coding.models.assignments import AssignmentStatus
    from coding.review import decisions
    from tests.factories import AssignmentFactory, CodingFactory, SourceFactory, UserFactory

    project = ProjectFactory(name="Clinic study")
    pi = PIUserFactory(username="pi-clinic")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    coders = [UserFactory(username=name) for name in ("ann", "ben", "cal")]
    for coder in coders:
        MembershipFactory(project=project, user=coder, role=Role.CODER)
    activities = list(Activity.objects.filter(area__codebook=project.codebook)[:3])
    for i in range(24):
        source = SourceFactory(project=project, title=f"S{i}", text=f"Story {i} about drills.")
        group = []
        for j, coder in enumerate(coders):
            AssignmentFactory(source=source, coder=coder, status=AssignmentStatus.DONE)
            # cal drifts away in the later sources
            act = activities[(i + (j == 2 and i >= 12)) % 3]
            group.append(
                CodingFactory(
                    source=source, coder=coder, start=0, end=5, activity=act, area=act.area
                )
            )
        decisions.accept(pi, project, group, group[0])  # the PI approved ann's: the reference

    login("pi-clinic")
    page.goto(f"{live_server.url}/projects/{project.slug}/reliability/")
    clinic = page.locator("#coder-clinic")
    clinic.wait_for()
    rows = clinic.locator("#leave-one-out tbody tr")
    assert rows.count() == 3 and "cal" in rows.nth(2).inner_text()
    assert "batch of 10 sources" in clinic.inner_text()
    chart = page.locator("#drift-chart")
    chart.locator("canvas").wait_for()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = chart.locator(".dash-tip")  # built as DOM text by static/js/chart-tooltips.js
    expect(tip).to_contain_text("activity: ")
    expect(tip).to_contain_text("sources ")
    agreement = clinic.locator("#reference-agreement").inner_text()
    assert "cal" in agreement and "ann" in agreement
    cal = clinic.locator("#reference-disagreements").inner_text()
    assert "coded, not in the reference (4" in cal and "No difference" in cal
    assert (
        clinic.locator("#reference-disagreements a")
        .first.get_attribute("href")
        .startswith(f"/projects/{project.slug}/review/sources/")
    )
    clinic.scroll_into_view_if_needed()
    screenshot("reliability-coder-clinic")


def test_large_project_shows_progress_and_reloads_when_ready(
    page, live_server, login, screenshot, monkeypatch
):
    from coding.reliability import jobs as reliability_jobs
    from coding.reliability import tasks

    project = ProjectFactory(name="Large study")
    pi = PIUserFactory(username="pi-large")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    build_study(project)
    monkeypatch.setattr(reliability_jobs, "INLINE_MAX_CODINGS", 0)
    # a "worker" that starts a few seconds later, in another thread
    monkeypatch.setattr(
        tasks.compute_reliability,
        "apply_async",
        lambda args, kwargs=None, **_: threading.Timer(
            3.0, tasks.compute_reliability.run, args
        ).start(),
    )

    login("pi-large")
    page.goto(f"{live_server.url}/projects/{project.slug}/reliability/")
    assert page.locator("#reliability-progress progress").is_visible()
    assert page.locator("#alpha-table").count() == 0
    screenshot("reliability-progress")
    page.locator("#alpha-table").wait_for(timeout=30_000)  # the page polled and reloaded
    assert page.locator("#rel-counts").inner_text().startswith("2 sources · 3 coders")


def test_intervals_filters_and_reference_say_what_was_computed(
    page, live_server, login, screenshot
):
    """The report on S2 alone (no interval anywhere, an undefined alpha), a bad filter value,
    the κ header, and a reference with an undecided group, as the PI reads them."""
    from coding.review import decisions

    project = ProjectFactory(name="Wording study")
    pi = PIUserFactory(username="pi-words")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    study = build_study(project)
    a1, b1 = study.codings["a1"], study.codings["b1"]
    decisions.accept(pi, project, [a1, b1], a1)  # S1's second group (bob's drills) stays open

    login("pi-words")
    base = f"{live_server.url}/projects/{project.slug}/reliability/"
    page.goto(f"{base}?sources={study.s2.pk}")
    table = page.locator("#alpha-table")
    table.wait_for()
    expect(page.locator("#rel-counts")).to_contain_text("no confidence interval could be computed")
    expect(page.locator("#rel-counts")).not_to_contain_text("95% CIs from")
    row = table.locator("tr", has_text="Preparations for war").first
    expect(row).to_contain_text("n/a")
    expect(row).to_contain_text("alpha is undefined (no variation: every coder coded this")
    page.locator("summary", has_text="Methods paragraph").click()
    methods = page.locator(".rel-methods")
    expect(methods).to_contain_text("No confidence interval could be computed")
    expect(methods).not_to_contain_text("bootstrap")
    # the κ header as shown (the CSS upper-cases headers: without .greek, capital kappa)
    headers = page.locator("#pair-heatmap thead th")
    assert headers.nth(3).inner_text() == "\u03ba" and headers.nth(4).inner_text() == "\u03b1"

    page.goto(base)
    expect(page.locator("#reference-left-out")).to_have_text(
        "1 coding in groups the review has not decided yet was left out of this comparison "
        "(bob: 1); it counts once the PI decides its group."
    )
    expect(page.locator("#reference-disagreements")).not_to_contain_text("coded, not in")
    page.locator("#coder-clinic").scroll_into_view_if_needed()
    screenshot("reliability-reference-left-out")

    response = page.goto(f"{base}?coders=999&heatmap=foo")
    assert response.status == 400
    filters = page.locator("#reliability-filters")
    expect(filters).to_contain_text("999 is not one of the available choices")
    expect(filters).to_contain_text("foo is not one of the available choices")
    screenshot("reliability-filter-errors")
