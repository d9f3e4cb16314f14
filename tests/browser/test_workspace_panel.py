"""The coding panel in Chromium (issue 18): a whole article coded by keyboard only, the panel
docked beside the text at two window sizes, span edits, undo, and a hung server."""

import re

import pytest
from playwright.sync_api import expect

from coding.models import Assignment, Coding, CodingChange, Role
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_workspace import open_workspace
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    MembershipFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "Joint patrol 🚢 in the Sea of Japan\n\n"
    "On 15 July 2024 the navies of 中国 and Россия began a joint patrol 🚢 in the Sea of Japan, "
    "the ministry said. Analysts in Tehran (تهران، می‌گوید) called it routine.\n\n"
    "Officials said more exercises would follow next year, and the patrol ended on 20 July."
)


def _paragraph(i: int) -> str:
    return (
        f"Paragraph {i}: delegations met again to discuss port calls, fuel supplies and a "
        f"hotline between the two navies; officials called round {i} constructive and said "
        f"the next round would follow within weeks."
    )


LONG = "\n\n".join(_paragraph(i) for i in range(1, 61))


@pytest.fixture
def coder_on(db):
    def make(text: str, title: str = "Joint patrol"):
        project = ProjectFactory(slug="ties", name="Security ties")
        for value, key in ((1, "q"), (2, "w"), (3, "e")):  # as in the default codebook
            project.codebook.confidence_levels.filter(value=value).update(shortcut=key)
        source = SourceFactory(project=project, title=title, text=text, language="en")
        user = UserFactory(username="coder1")
        MembershipFactory(project=project, user=user, role=Role.CODER)
        AssignmentFactory(source=source, coder=user)
        return project, source

    return make


def saved(page):
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_whole_article_by_keyboard_only(page, live_server, login, screenshot, coder_on):
    project, source = coder_on(ARTICLE)
    login("coder1")
    open_workspace(page, live_server, project, source)
    keys = page.keyboard
    quote = page.locator("#cf-quote")

    # Find: Enter selects the first occurrence, Enter again the next; the focus stays in the box.
    keys.press("/")
    keys.type("joint patrol")
    keys.press("Enter")
    expect(quote).to_have_text("Joint patrol")  # the title
    assert focused_id(page) == "find"
    keys.press("Enter")
    expect(quote).to_have_text("joint patrol")
    assert focused_id(page) == "find"
    # Adjust: Shift+→ widens the end by a word (the emoji counts as one), Shift+← narrows it,
    # Ctrl+Shift+← widens the start.
    keys.press("Shift+ArrowRight")
    expect(quote).to_have_text("joint patrol 🚢")
    keys.press("Shift+ArrowRight")
    expect(quote).to_have_text("joint patrol 🚢 in")
    keys.press("Shift+ArrowLeft")
    expect(quote).to_have_text("joint patrol 🚢")
    keys.press("Control+Shift+ArrowLeft")
    keys.press("Control+Shift+ArrowLeft")
    expect(quote).to_have_text("began a joint patrol 🚢")
    screenshot("workspace-keyboard-adjusted")
    # Code: Tab into the panel (its dyad: Pair), the actors by type-ahead, area and confidence
    # by their keys.
    keys.press("Tab")
    assert page.evaluate("document.activeElement.name + '=' + document.activeElement.value") == (
        "mode=pair"
    )
    keys.press("Tab")
    assert focused_id(page) == "cf-side-a"
    keys.type("C")
    keys.press("Tab")
    keys.type("R")
    keys.press("3")
    keys.press("e")
    keys.press("Enter")
    expect(page.locator("#coding-form")).to_be_hidden()
    saved(page)

    # A second passage: the dyad is remembered.
    keys.press("/")
    keys.type("officials said")
    keys.press("Enter")
    expect(quote).to_have_text("Officials said")
    keys.press("Tab")
    keys.press("2")  # another area
    keys.press("w")
    keys.press("Enter")
    saved(page)
    expect(page.locator("#coding-list li")).to_have_count(2)
    first, second = Coding.objects.order_by("start")
    assert first.quote == "began a joint patrol 🚢" and second.quote == "Officials said"

    # Move: j and k go through the codings in text order.
    keys.press("j")
    expect(page.locator(f"#coding-list li[data-key=c{first.pk}]")).to_have_class(
        re.compile("active")
    )
    keys.press("j")
    expect(page.locator(f"#coding-list li[data-key=c{second.pk}]")).to_have_class(
        re.compile("active")
    )
    keys.press("k")
    expect(page.locator(f"#coding-list li[data-key=c{first.pk}]")).to_have_class(
        re.compile("active")
    )
    # Edit: e opens it; Shift+→ widens the saved span; q sets confidence low; Enter saves.
    keys.press("e")
    expect(page.locator("#cf-title")).to_have_text("Edit coding")
    keys.press("Shift+ArrowRight")
    expect(quote).to_have_text("began a joint patrol 🚢 in")
    keys.press("q")
    keys.press("Enter")
    saved(page)
    first.refresh_from_db()
    start = ARTICLE.index("began a joint patrol")
    assert (first.quote, first.start, first.end) == (
        "began a joint patrol 🚢 in",
        start,
        start + len("began a joint patrol 🚢 in"),
    )
    assert (first.confidence, first.version) == (1, 2)

    # Delete with x (no dialog; an undo instead), then undo with u.
    keys.press("j")
    keys.press("x")
    expect(page.locator("#ws-toast")).to_contain_text("Coding deleted")
    saved(page)
    expect(page.locator("#coding-list li")).to_have_count(1)
    assert list(Coding.objects.values_list("quote", flat=True)) == [first.quote]
    screenshot("workspace-keyboard-deleted")
    keys.press("u")
    expect(page.locator("#coding-list li")).to_have_count(2)
    saved(page)
    restored = Coding.objects.get(quote="Officials said")
    assert restored.area_id == second.area_id and restored.confidence == 2
    assert restored.side_a_id == second.side_a_id and restored.side_b_id == second.side_b_id

    # Undo goes back further, last change first: u again takes back the edit of the first coding.
    keys.press("u")
    expect(page.locator("#ws-toast")).to_contain_text("Undone: change")
    saved(page)
    first.refresh_from_db()
    assert (first.quote, first.confidence) == ("began a joint patrol 🚢", 3)

    # Done: Shift+D.
    keys.press("Shift+D")
    expect(page.locator("#assignment-status")).to_have_text("Done")
    assert Assignment.objects.get().status == "done"
    actions = list(CodingChange.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "create", "update", "delete", "create", "update"]


def test_the_text_is_drawn_again_only_when_its_highlights_change(
    page, live_server, login, coder_on
):
    project, source = coder_on(ARTICLE)
    CodingFactory(source=source, coder=source.assignments.get().coder, start=0, end=12)
    login("coder1")
    open_workspace(page, live_server, project, source)
    highlight = page.locator("#reader .seg.hl")
    expect(highlight).to_have_text("Joint patrol")
    # Laying out a long text again costs more than building it: a redraw that changes no
    # highlight (here: the assignment marked done) keeps the reader's nodes...
    highlight.evaluate("(seg) => { seg.dataset.kept = 'yes'; }")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator("#assignment-status")).to_have_text("Done")
    expect(page.locator("#reader .seg.hl[data-kept]")).to_have_count(1)
    # ...and one that changes a highlight (the coding opened: outlined) draws them anew.
    highlight.click()
    expect(page.locator("#reader .seg.hl.active")).to_have_text("Joint patrol")
    expect(page.locator("#reader .seg[data-kept]")).to_have_count(0)


def _box(page, selector: str) -> dict:
    return page.evaluate(
        """(sel) => {
            const els = [...document.querySelectorAll(sel)];
            const rects = els.map((el) => el.getBoundingClientRect());
            return { top: Math.min(...rects.map((r) => r.top)),
                     bottom: Math.max(...rects.map((r) => r.bottom)),
                     left: Math.min(...rects.map((r) => r.left)),
                     right: Math.max(...rects.map((r) => r.right)),
                     width: innerWidth, height: innerHeight };
        }""",
        selector,
    )


@pytest.mark.parametrize("size", [(1400, 900), (1024, 700)], ids=["1400x900", "1024x700"])
def test_the_panel_is_whole_and_beside_the_selection(page, live_server, login, coder_on, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    project, source = coder_on(LONG, title="Sixty rounds of talks")
    login("coder1")
    open_workspace(page, live_server, project, source)
    for where, number in (("top", 1), ("middle", 30), ("bottom", 60)):
        passage = f"officials called round {number} constructive"
        start = LONG.index(passage)
        # as a coder does: scroll to the paragraph, then select in it with the mouse
        page.evaluate(
            "(n) => document.querySelectorAll('#reader p')[n].scrollIntoView({block: 'center'})",
            number - 1,
        )
        assert page.evaluate(
            "([s, e]) => window.workspace.selectPoints(s, e)", [start, start + len(passage)]
        )
        expect(page.locator("#coding-form")).to_be_visible()
        # Paragraphs are laid out as they come near the screen, at the browser's next frame:
        # measure what the coder sees then (the scroll and the selection above are one task).
        page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        panel = _box(page, "#coding-form")
        chosen = _box(page, '#reader .seg.hl[data-ids~="draft"]')
        save = _box(page, "#cf-save")
        assert panel["top"] >= 0 and panel["bottom"] <= height, (where, panel)
        assert panel["left"] >= 0 and panel["right"] <= width, (where, panel)
        assert chosen["top"] >= 0 and chosen["bottom"] <= height, (where, chosen)
        assert chosen["right"] <= panel["left"], (where, chosen, panel)  # beside, not over
        assert panel["top"] <= save["top"] and save["bottom"] <= panel["bottom"], (where, save)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"workspace-panel-{width}x{height}-{where}.png"))
        page.keyboard.press("Escape")


def test_a_hung_server_keeps_the_save_pending_then_retries(
    page, live_server, login, settings, coder_on
):
    settings.WORKSPACE_SAVE_TIMEOUT_MS = 1500
    project, source = coder_on(ARTICLE)
    login("coder1")
    open_workspace(page, live_server, project, source)
    hung, server = [], {"hangs": True}

    def hang(route):  # a hung server never answers; then it is back
        if server["hangs"]:
            hung.append(route)
        else:
            route.fallback()

    # routed for the whole test: after unroute, Playwright's handlers of the held requests fail
    # when they are collected, in whichever test runs then
    page.route(re.compile(r".*/api/projects/.*/codings/$"), hang)
    page.keyboard.press("/")
    page.keyboard.type("officials said")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.locator("#cf-side-a").select_option(label="CHN · China")
    page.locator("#cf-side-b").select_option(label="RUS · Russia")
    page.keyboard.press("3")
    page.keyboard.press("e")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("does not answer", timeout=6000)
    expect(page.locator("#coding-form")).to_be_hidden()
    expect(page.locator("#coding-list li")).to_contain_text("Pending")
    assert hung and not Coding.objects.exists()
    server["hangs"] = False
    page.get_by_role("button", name="Retry now").click()
    saved(page)
    assert Coding.objects.get().quote == "Officials said"
