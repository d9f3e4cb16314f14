"""Pages keep their shape on a phone and beside the text: nothing runs off the page sideways,
no table hides its buttons, the coding panel's Save bar ends the panel."""

import pytest

from coding.demo import seed_demo
from tests.browser.test_workspace import open_workspace, select_points

PHONE = {"width": 390, "height": 844}
PI_PAGES = [
    "", "codebook/", "sources/", "sources/add/", "feeds/", "review/", "events/", "export/",
    "reliability/", "dashboard/", "screening/", "suggestions/", "calibration/",
]  # fmt: skip
CODER_PAGES = ["", "feedback/", "calibration/"]


@pytest.fixture
def demo(db):
    return seed_demo()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_page_runs_off_a_phone_sideways(page, live_server, login, demo):
    page.set_viewport_size(PHONE)
    login("pi", "pi-demo-2024")
    base = f"{live_server.url}/projects/{demo.slug}/"
    source = demo.sources.order_by("pk").first()
    for path in [*PI_PAGES, f"sources/{source.pk}/", f"review/sources/{source.pk}/"]:
        page.goto(base + path)
        assert page_width(page) <= PHONE["width"], path
    page.context.clear_cookies()
    login("coder1", "coder1-demo-2024")
    for path in [*CODER_PAGES, f"sources/{source.pk}/code/"]:
        page.goto(base + path)
        assert page_width(page) <= PHONE["width"], path


def test_review_tables_fit_beside_the_text(page, live_server, login, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    login("pi", "pi-demo-2024")
    checked = 0
    for source in demo.sources.all():
        page.goto(f"{live_server.url}/projects/{demo.slug}/review/sources/{source.pk}/")
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('.table-scroll')]
                 .filter((e) => e.scrollWidth > e.clientWidth)
                 .map((e) => e.clientWidth + ' < ' + e.scrollWidth)"""
        )
        assert overflowing == [], source.title
        checked += page.locator(".table-scroll").count()
    assert checked > 0


def test_on_a_phone_the_side_column_is_whole_and_the_save_bar_ends_the_panel(
    page, live_server, login, demo
):
    page.set_viewport_size(PHONE)
    login("coder1", "coder1-demo-2024")
    source = demo.sources.order_by("pk").first()
    open_workspace(page, live_server, demo, source)
    side = page.evaluate(
        "() => { const s = document.querySelector('.ws-side');"
        " return [s.scrollHeight, s.clientHeight, s.style.maxHeight]; }"
    )
    assert side[0] == side[1] and side[2] == "", side  # no inner scrolling box
    select_points(page, 0, 12)
    sheet, bar = page.evaluate(
        """() => { const f = document.getElementById('coding-form');
             const a = f.querySelector('.cf-actions');
             return [f.getBoundingClientRect().bottom - f.clientTop,
                     a.getBoundingClientRect().bottom]; }"""
    )
    assert abs(sheet - bar) <= 1, (sheet, bar)  # nothing scrolls by under the bar


def test_a_name_without_spaces_wraps_instead_of_widening_the_page(page, live_server, login, demo):
    """A 200-letter project name (or source title, or URL) wraps in headings, lists and
    messages; before, one such name made the project's page 4,000 px wide."""
    demo.name = "X" * 200
    demo.save()
    source = demo.sources.order_by("pk").first()
    source.title = "Y" * 300
    source.save()
    page.set_viewport_size({"width": 1280, "height": 900})
    login("pi", "pi-demo-2024")
    base = f"{live_server.url}/projects/{demo.slug}/"
    for url in [
        f"{live_server.url}/projects/", base, base + "sources/", base + f"sources/{source.pk}/",
        base + "review/", base + f"review/sources/{source.pk}/", base + "export/",
    ]:  # fmt: skip
        page.goto(url)
        assert page_width(page) <= 1280, url
