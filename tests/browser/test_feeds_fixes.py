"""The feeds page in Chromium after the walkthrough's fixes: a loopback URL is a form error when
added, the row's buttons sit in their row (the cell's border runs under them), and on a phone
the table scrolls in a box that shows it scrolls, not the page. Screenshots go to
artifacts/screenshots/feeds-fixes-*.png."""

import pytest
from playwright.sync_api import expect

from coding.models import Role
from sources.models import Feed
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}

# each row's cells: their top and bottom, and the bottom border's width
ROWS = """() => [...document.querySelectorAll('#feeds tbody tr')].map((tr) => {
  const row = tr.getBoundingClientRect();
  return {
    row: [row.top, row.bottom],
    cells: [...tr.cells].map((td) => {
      const r = td.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, display: getComputedStyle(td).display,
               border: getComputedStyle(td).borderBottomWidth };
    }),
    buttons: [...tr.querySelectorAll('button')].map((b) => {
      const r = b.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: r.height };
    }),
  };
})"""


@pytest.fixture
def project():
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    MembershipFactory(project=project, user=UserFactory(username="coder1"), role=Role.CODER)
    Feed.objects.create(
        project=project,
        url="https://news.example/world/rss.xml",
        title="Meridian notes: world desk",
        added_by=pi,
        items_added=12,
    )
    Feed.objects.create(
        project=project,
        url="https://analysis.example/feeds/security-and-defence/atom.xml",
        added_by=pi,
        paused=True,
        failures=5,
        last_error="HTTP 503",
    )
    return project


def test_a_loopback_feed_is_refused_when_added(page, live_server, login, project):
    login("pi")
    page.goto(f"{live_server.url}/projects/ties/feeds/")
    page.get_by_label("Feed URL (RSS or Atom)").fill("http://127.0.0.1:8092/feed.xml")
    page.get_by_role("button", name="Follow").click()
    expect(page.locator("#add-feed")).to_contain_text("refused: loopback address")
    expect(page.get_by_text("Feed added")).to_have_count(0)
    assert project.feeds.count() == 2


def test_the_feeds_table_keeps_its_rows_and_scrolls_in_a_marked_box(
    page, live_server, login, screenshot, project
):
    login("pi")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/projects/ties/feeds/")
        expect(page.locator("#feeds tbody tr")).to_have_count(2)
        for row in page.evaluate(ROWS):
            for cell in row["cells"]:
                # every cell is a table cell spanning its row, with the row's border under it
                assert cell["display"] == "table-cell", row
                assert abs(cell["top"] - row["row"][0]) < 1, row
                assert abs(cell["bottom"] - row["row"][1]) < 1, row
                assert cell["border"] == "1px", row
            for button in row["buttons"]:  # the buttons inside their row, on one line
                assert button["top"] >= row["row"][0] and button["bottom"] <= row["row"][1], row
                assert button["height"] < 50, row  # one line: ~40 px
            assert len({round(b["top"]) for b in row["buttons"]}) == 1, row
        seen = page.evaluate(
            """() => {
              const box = document.getElementById('feeds').parentElement;
              return { page: document.documentElement.scrollWidth,
                       cue: box.matches('.table-scroll.scroll-cue'),
                       overflow: getComputedStyle(box).overflowX,
                       client: box.clientWidth, scroll: box.scrollWidth,
                       shadow: getComputedStyle(box).backgroundImage,
                       card: box.closest('.card').scrollWidth <= box.closest('.card').clientWidth,
                       white: getComputedStyle(box.closest('.card')).backgroundColor };
            }"""
        )
        assert seen["page"] <= viewport["width"], seen  # the page never scrolls sideways
        assert seen["cue"] and seen["overflow"] == "auto", seen
        # the box scrolls, not the card around it, which stays white under the edge cues
        assert seen["card"] and seen["white"] == "rgb(255, 255, 255)", seen
        if viewport is PHONE:
            # the table is wider than the phone: its box scrolls, and shows it at its edge
            assert seen["scroll"] > seen["client"], seen
            assert "gradient" in seen["shadow"], seen
        screenshot(f"feeds-fixes-{viewport['width']}")
        if viewport is PHONE:
            page.evaluate("document.getElementById('feeds').parentElement.scrollLeft = 1e6")
            remove = page.locator("#feeds tbody tr").first.get_by_role("button", name="Remove")
            box = remove.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
            screenshot("feeds-fixes-390-scrolled")


def test_pi_edits_and_pauses_a_feed(page, live_server, login, screenshot, project):
    login("pi")
    page.goto(f"{live_server.url}/projects/ties/feeds/")
    row = page.locator("#feeds tbody tr", has_text="Meridian notes")
    row.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("paused: it is not polled until you resume it")).to_be_visible()
    expect(row).to_contain_text("Paused")
    row.get_by_role("link", name="Meridian notes").click()
    page.get_by_role("link", name="Change").click()
    page.get_by_label("Title").fill("Meridian world desk")
    page.get_by_label("Poll every (minutes)").fill("15")
    page.get_by_label("coder1").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Meridian world desk saved.")).to_be_visible()
    expect(page.get_by_text("15 minutes")).to_be_visible()
    screenshot("feeds-fixes-detail-1280")
    page.get_by_role("link", name="Change").click()
    expect(page.get_by_label("coder1")).to_be_checked()
    screenshot("feeds-fixes-edit-1280")
    feed = project.feeds.get(title="Meridian world desk")
    assert feed.interval_minutes == 15 and feed.paused
    assert [c.username for c in feed.coders.all()] == ["coder1"]
