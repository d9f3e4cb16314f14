"""Narrow windows (a phone, 390 px wide): the coding sheet leaves the passage in view, a list of
sources keeps its titles readable, and a long review comment wraps inside its box. Screenshots
go to /tmp/narrow-shots/."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coding.models import Activity, Coding, Role
from coding.review import decisions
from coding.review.decisions import COMMENT_MAX_LENGTH
from tests.browser.review_study import two_coders_done
from tests.browser.test_workspace import open_workspace
from tests.browser.test_workspace_panel import LONG
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
SHOTS = Path("/tmp/narrow-shots")


def shot(page, name: str, *, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def next_frame(page) -> None:
    """Paragraphs are laid out as they come near the screen, at the next frame: measure then."""
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# What the coder sees: the passage, its handles, the sheet (the panel) and the find bar.
SEEN = """() => {
    const box = (el) => { const r = el.getBoundingClientRect();
                          return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
    const segs = [...document.querySelectorAll('#reader .seg.hl[data-ids~="draft"]')].map(box);
    return {
        passage: { top: Math.min(...segs.map((r) => r.top)),
                   bottom: Math.max(...segs.map((r) => r.bottom)) },
        handles: [...document.querySelectorAll('.span-handle')]
            .filter((h) => !h.hidden).map(box),
        sheet: box(document.getElementById('coding-form')),
        sheetPosition: getComputedStyle(document.getElementById('coding-form')).position,
        save: box(document.getElementById('cf-save')),
        toolbar: box(document.querySelector('.ws-toolbar')),
        height: innerHeight,
    };
}"""


def assert_passage_in_view(seen: dict, what: str) -> None:
    passage, sheet, height = seen["passage"], seen["sheet"], seen["height"]
    assert seen["toolbar"]["bottom"] <= passage["top"], (what, seen)  # not under the find bar
    assert passage["bottom"] <= sheet["top"], (what, seen)  # not under the sheet
    assert len(seen["handles"]) == 2, (what, seen)
    for handle in seen["handles"]:
        assert seen["toolbar"]["bottom"] <= handle["top"], (what, seen)
        assert handle["bottom"] <= sheet["top"], (what, seen)
    assert sheet["bottom"] - sheet["top"] <= 0.6 * height, (what, seen)  # room left for the text
    assert sheet["top"] <= seen["save"]["top"] and seen["save"]["bottom"] <= height, (what, seen)


@pytest.fixture
def long_source(db):
    project = ProjectFactory(slug="ties", name="Security ties")
    source = SourceFactory(project=project, title="Sixty rounds of talks", text=LONG, language="en")
    user = UserFactory(username="coder1")
    MembershipFactory(project=project, user=user, role=Role.CODER)
    AssignmentFactory(source=source, coder=user)
    return project, source


def test_on_a_phone_the_sheet_leaves_the_passage_in_view(page, live_server, login, long_source):
    """Before, the page jumped back up to the find box at the key's release and the sheet
    covered all the text left below it: neither the passage nor its handles could be seen."""
    project, source = long_source
    page.set_viewport_size(PHONE)
    login("coder1")
    open_workspace(page, live_server, project, source)
    shot(page, "workspace-390-opened")
    keys = page.keyboard
    quote = page.locator("#cf-quote")

    keys.press("/")
    keys.type("officials called round 30 constructive")
    keys.press("Enter")
    expect(quote).to_have_text("officials called round 30 constructive")
    next_frame(page)
    seen = page.evaluate(SEEN)
    assert seen["sheetPosition"] == "fixed", seen  # the sheet along the bottom
    assert_passage_in_view(seen, "found")
    shot(page, "workspace-390-found")

    keys.press("Shift+ArrowRight")  # widen the end: the passage stays in view
    expect(quote).to_have_text("officials called round 30 constructive and")
    next_frame(page)
    assert_passage_in_view(page.evaluate(SEEN), "widened")

    keys.press("Tab")  # into the sheet, as on a desktop
    keys.press("2")
    next_frame(page)
    assert_passage_in_view(page.evaluate(SEEN), "in the sheet")
    shot(page, "workspace-390-in-the-sheet")

    # A passage near the end of the text too.
    keys.press("Escape")
    keys.press("/")
    keys.type("officials called round 60 constructive")
    keys.press("Enter")
    expect(quote).to_have_text("officials called round 60 constructive")
    next_frame(page)
    assert_passage_in_view(page.evaluate(SEEN), "last paragraph")
    shot(page, "workspace-390-last")
    assert page_width(page) <= PHONE["width"]


def test_on_a_desktop_the_panel_stays_docked_beside_the_text(page, live_server, login, long_source):
    project, source = long_source
    page.set_viewport_size(DESKTOP)
    login("coder1")
    open_workspace(page, live_server, project, source)
    page.evaluate("document.querySelectorAll('#reader p')[3].scrollIntoView({block: 'center'})")
    start = LONG.index("officials called round 4 constructive")
    assert page.evaluate("([s, e]) => window.workspace.selectPoints(s, e)", [start, start + 38])
    expect(page.locator("#coding-form")).to_be_visible()
    next_frame(page)
    seen = page.evaluate(SEEN)
    assert seen["sheetPosition"] != "fixed", seen
    assert seen["passage"]["top"] >= 0 and seen["passage"]["bottom"] <= seen["height"], seen
    shot(page, "workspace-1280-selected")

    # Found with the keyboard far below: shown, and not scrolled away again when the key is
    # released (the page used to jump back up to the find box).
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    page.keyboard.type("officials called round 50 constructive")
    page.keyboard.press("Enter")
    expect(page.locator("#cf-quote")).to_have_text("officials called round 50 constructive")
    next_frame(page)
    seen = page.evaluate(SEEN)
    assert seen["toolbar"]["bottom"] <= seen["passage"]["top"], seen
    assert seen["passage"]["bottom"] <= seen["height"], seen
    shot(page, "workspace-1280-found")


def test_on_a_phone_source_titles_break_between_words(page, live_server, login):
    """Before, the Title column shrank to ~40 px and its words broke anywhere ("servi/ces")."""
    project = ProjectFactory(slug="ties", name="Security ties")
    MembershipFactory(project=project, user=PIUserFactory(username="pi"), role=Role.PI)
    coder = UserFactory(username="coder1")
    MembershipFactory(project=project, user=coder, role=Role.CODER)
    titles = [
        "Security services stage counterterrorism drill as Belarus takes part",
        "Russian defence minister in Pyongyang as allies sign education protocol",
        "Делегация Госдумы обсудила в Тегеране сотрудничество в сфере безопасности",
    ]
    for title in titles:
        AssignmentFactory(source=SourceFactory(project=project, title=title), coder=coder)
    page.set_viewport_size(PHONE)
    login("pi")
    page.goto(f"{live_server.url}/projects/ties/sources/")
    expect(page.locator("#sources tbody tr")).to_have_count(3)
    shot(page, "sources-390", full_page=True)
    assert page_width(page) <= PHONE["width"]
    cells = page.evaluate(
        """() => [...document.querySelectorAll('#sources tbody td:has(> a)')].map((td) => {
            const node = td.querySelector('a').firstChild, range = document.createRange();
            // the words drawn on more than one line (broken inside)
            const broken = [...node.data.matchAll(/\\S+/g)].filter((m) => {
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
            }).map((m) => m[0]);
            return { width: td.getBoundingClientRect().width, broken };
        })"""
    )
    assert len(cells) == 3
    for cell in cells:
        assert cell["width"] >= 120 and cell["broken"] == [], cell


@pytest.fixture
def long_comment(db):
    text = "Xi Jinping and Vladimir Putin met in Moscow and signed a joint statement."
    project, source, coders = two_coders_done(title="Xi in Moscow", text=text)
    heads = Activity.objects.get(area__codebook=project.codebook, slug="heads_of_state")
    for coder in coders:
        CodingFactory(
            source=source,
            coder=coder,
            start=0,
            end=29,
            activity=heads,
            area=heads.area,
            event_date=dt.date(2023, 3, 21),
            date_precision="day",
        )
    pi = project.memberships.get(role=Role.PI).user
    codings = list(Coding.objects.filter(source=source))
    # a comment as long as allowed, without a space
    decision = decisions.accept(pi, project, codings, codings[0], comment="x" * COMMENT_MAX_LENGTH)
    return project, source, decision.event


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_long_comment_wraps_inside_its_box(page, live_server, login, long_comment, size):
    """Before, a comment without spaces ran out of the decision box to the right (and made the
    event's page and the coder's feedback page as wide as the comment)."""
    project, source, event = long_comment
    page.set_viewport_size(size)
    login("pi")
    page.goto(f"{live_server.url}/projects/{project.slug}/review/sources/{source.pk}/")
    decision = page.locator("#group-1 .decision")
    expect(decision).to_be_visible()
    shot(page, f"review-comment-{size['width']}")
    fits = decision.evaluate(
        """(box) => { const q = box.querySelector('q').getBoundingClientRect();
             const b = box.getBoundingClientRect();
             return { inside: q.left >= b.left && q.right <= b.right,
                      scroll: box.scrollWidth - box.clientWidth,
                      group: box.parentElement.scrollWidth - box.parentElement.clientWidth }; }"""
    )
    assert fits == {"inside": True, "scroll": 0, "group": 0}, fits
    assert page_width(page) <= size["width"]

    # the review queue's filter tabs: each on one line (they wrapped inside their pills)
    page.goto(f"{live_server.url}/projects/{project.slug}/review/")
    tabs = page.locator(".tabs a")
    expect(tabs).to_have_count(3)
    lines = tabs.evaluate_all(
        """(tabs) => tabs.map((a) => { const range = document.createRange();
             range.selectNodeContents(a);
             return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; })"""
    )
    assert lines == [1, 1, 1], lines
    assert page_width(page) <= size["width"]

    page.goto(f"{live_server.url}/projects/{project.slug}/events/{event.event_id}/")
    expect(page.locator(".history q")).to_have_count(1)
    assert page_width(page) <= size["width"]
    page.context.clear_cookies()
    login("coder1")
    page.goto(f"{live_server.url}/projects/{project.slug}/feedback/")
    expect(page.locator("#feedback q")).to_have_count(1)
    assert page_width(page) <= size["width"]
