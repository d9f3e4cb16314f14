"""Three pages on a phone (390 px wide): the calibration overview's table scrolls inside a box
that shows it scrolls (the page itself does not), the dashboard's legend names a former member
whole, and the ingestion job's "Cancel the job" keeps its label on one line. Screenshots go to
artifacts/screenshots/narrow-*.png."""

import pytest
from playwright.sync_api import expect

from coding.demo import seed_demo
from coding.models import Activity, Assignment, Membership, Role
from coding.projects import remove_member
from sources.inputs import paste_spec
from sources.jobs.ingest import create_job
from tests.browser.test_calibration import study  # noqa: F401 (a fixture)
from tests.browser.test_workspace import PASSAGE, TEXT
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# --- 1. the calibration overview ---------------------------------------------------------------


def test_the_calibration_overview_scrolls_its_table_not_the_page(
    page,
    live_server,
    login,
    screenshot,
    study,  # noqa: F811
):
    project, source, trainee = study
    start = TEXT.index(PASSAGE)
    activity = Activity.objects.get(slug="military_exercises", area__codebook=project.codebook)
    CodingFactory(
        source=source, coder=trainee, start=start, end=start + len(PASSAGE), activity=activity
    )
    Assignment.objects.filter(source=source, coder=trainee).update(status="done")
    login("pi")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/projects/{project.slug}/calibration/")
    row = page.locator('tr[data-coder="newcoder"]')
    expect(row).to_contain_text("1 / 1 done")
    screenshot("narrow-calibration-390")
    seen = page.evaluate(
        """() => {
          const table = document.querySelector('#calibration-coders table');
          const box = table.closest('.table-scroll');
          return {
            page: document.documentElement.scrollWidth,
            box: box && { client: box.clientWidth, scroll: box.scrollWidth,
                          overflow: getComputedStyle(box).overflowX,
                          shadow: getComputedStyle(box).backgroundImage },
            card: (() => { const c = document.getElementById('calibration-coders');
                           return { client: c.clientWidth, scroll: c.scrollWidth }; })(),
          };
        }"""
    )
    assert seen["page"] <= PHONE["width"], seen  # the page does not scroll sideways
    # the table scrolls inside its own box, which shows that there is more to the right
    assert seen["box"], seen
    assert seen["box"]["overflow"] == "auto", seen
    assert seen["box"]["scroll"] > seen["box"]["client"], seen  # it is wider: it scrolls
    assert "gradient" in seen["box"]["shadow"], seen  # the cue at the edge
    assert seen["card"]["scroll"] <= seen["card"]["client"], seen  # not the card around it
    # scrolled to the end, the Admit button is reachable
    page.evaluate("document.querySelector('#calibration-coders .table-scroll').scrollLeft = 1e6")
    button = row.get_by_role("button", name="Admit to the main sample")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["height"] < 40, box  # its label on one line
    screenshot("narrow-calibration-390-scrolled")
    page.set_viewport_size(DESKTOP)
    page.reload()
    screenshot("narrow-calibration-1280")
    assert page_width(page) <= DESKTOP["width"]


# --- 2. the dashboard's legend -----------------------------------------------------------------

# The progress chart's texts as drawn on its canvas, each with its box and whether it is clipped
# (a paged legend clips what does not fit); ECharts' own option says whether the legend pages.
LEGEND = """() => {
  const chart = window.dashboard.charts.progress;
  const texts = chart.getZr().storage.getDisplayList(true)
    .filter((el) => el.type === 'tspan' && typeof el.style.text === 'string')
    .map((el) => {
      const r = el.getBoundingRect().clone();
      r.applyTransform(el.getComputedTransform());
      return { text: el.style.text, left: r.x, right: r.x + r.width, top: r.y,
               bottom: r.y + r.height, clipped: (el.__clipPaths || []).length > 0 };
    });
  return { texts, type: chart.getOption().legend[0].type, width: chart.getWidth(),
           height: chart.getHeight(), days: chart.getOption().xAxis[0].data };
}"""


@pytest.fixture
def former_member(db):
    project = seed_demo()
    dan = UserFactory(username="dan")
    MembershipFactory(project=project, user=dan, role=Role.CODER)
    for source in project.sources.order_by("pk")[:2]:
        AssignmentFactory(source=source, coder=dan, status="done")
        CodingFactory(source=source, coder=dan)
    remove_member(project, Membership.objects.get(project=project, user=dan))
    return project


def test_the_dashboard_legend_names_a_former_member_whole(
    page, live_server, login, screenshot, settings, former_member
):
    """Before, the legend was one paged line: at 390 px "dan (former member)" was cut at the
    chart's edge, the rest on a second page."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nf"}
    }
    project = former_member
    login("pi", "pi-demo-2024")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/projects/{project.slug}/dashboard/")
        page.wait_for_function("window.dashboard && window.dashboard.ready")
        expect(page.locator("#progress-table")).to_contain_text("dan (former member)")
        table = page.evaluate(
            """() => {
              const t = document.getElementById("progress-table"), box = t.parentElement;
              return { boxed: box.matches(".table-scroll.scroll-cue"), table: t.scrollWidth,
                       box: box.clientWidth, card: box.closest(".card").scrollWidth
                         <= box.closest(".card").clientWidth };
            }"""
        )
        # the progress table scrolls in its own box, which shows it, not cut off by the card
        assert table["boxed"] and table["card"], table
        figure = page.locator("[data-figure=progress]")
        figure.scroll_into_view_if_needed()
        page.wait_for_timeout(600)  # the chart's animation
        path = screenshot(f"narrow-dashboard-{viewport['width']}")
        name = f"narrow-dashboard-progress-{viewport['width']}.png"
        figure.screenshot(path=str(path.parent / name))
        seen = page.evaluate(LEGEND)
        drawn = {t["text"]: t for t in seen["texts"]}
        axis = max(t["bottom"] for t in seen["texts"] if t["text"] in seen["days"])
        for name in ("coder1", "coder2", "dan (former member)"):  # each name whole, in view
            text = drawn.get(name)
            assert text and not text["clipped"], (name, seen)
            assert text["left"] >= 0 and text["right"] <= seen["width"], (name, seen)
            assert text["bottom"] <= seen["height"], (name, seen)
            assert text["top"] >= axis, (name, seen)  # below the axis's labels, not over the bars
        assert not any("…" in t["text"] for t in seen["texts"]), seen
        assert "1/2" not in drawn, seen  # no name paged away
        assert page_width(page) <= viewport["width"]


# --- 3. the ingestion job's Cancel button ------------------------------------------------------


def test_cancel_the_job_keeps_its_label_on_one_line(page, live_server, login, screenshot):
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    job = create_job(project, pi, [paste_spec("A pasted piece", "Some text.")], enqueue=False)
    login("pi")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}{job.get_absolute_url()}")
        button = page.get_by_role("button", name="Cancel the job")
        expect(button).to_be_visible()
        screenshot(f"narrow-job-{viewport['width']}")
        seen = button.evaluate(
            """(b) => {
              const line = parseFloat(getComputedStyle(b).lineHeight);
              const pad = parseFloat(getComputedStyle(b).paddingTop)
                + parseFloat(getComputedStyle(b).paddingBottom)
                + parseFloat(getComputedStyle(b).borderTopWidth)
                + parseFloat(getComputedStyle(b).borderBottomWidth);
              const r = b.getBoundingClientRect(), form = b.closest('form').getBoundingClientRect();
              return { height: r.height, line, pad, left: r.left, right: r.right,
                       formRight: form.right };
            }"""
        )
        assert seen["height"] - seen["pad"] < 1.5 * seen["line"], seen  # one line of text
        assert seen["left"] >= 0 and seen["right"] <= viewport["width"], seen
        assert seen["formRight"] <= viewport["width"], seen
        assert page_width(page) <= viewport["width"]


# --- 4. the sources list and the dashboard's progress table on a phone ------------------------


def test_the_sources_list_scrolls_in_a_box_that_shows_it(page, live_server, login, screenshot):
    """At 390 px only Title and Outlet showed; the date, language and coders were behind a
    sideways scroll nothing pointed to."""
    project = seed_demo()
    login("pi", "pi-demo-2024")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/projects/{project.slug}/sources/")
        expect(page.locator("#sources tbody tr").first).to_be_visible()
        seen = page.evaluate(
            """() => {
              const box = document.getElementById("sources-box");
              return { cue: box.matches(".table-scroll.scroll-cue"),
                       scrolls: box.scrollWidth > box.clientWidth,
                       card: box.parentElement.matches(".card") };
            }"""
        )
        assert seen["cue"] and seen["card"], seen
        assert seen["scrolls"] == (viewport is PHONE), seen
        assert page_width(page) <= viewport["width"]
        screenshot(f"narrow-sources-{viewport['width']}")


def test_a_coders_swatch_stays_beside_their_name(page, live_server, login, former_member):
    project = former_member
    login("pi", "pi-demo-2024")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/projects/{project.slug}/dashboard/")
    cells = page.locator("#progress-table tbody td:first-child")
    for index in range(cells.count()):
        tops = cells.nth(index).evaluate(
            "td => [td.querySelector('.swatch').getBoundingClientRect().top,"
            " td.getBoundingClientRect().height]"
        )
        line = cells.nth(index).evaluate("td => parseFloat(getComputedStyle(td).lineHeight)")
        assert tops[1] < 2 * line, cells.nth(index).inner_text()  # one line: swatch and name
