"""Defects of the coding workspace found in Chromium, each checked as the tester met it: a
double-click inside a highlight, undo after undoing a delete, two tabs on one coding (changed or
deleted in the other), and the span's handles in right-to-left text (docs/coding.md)."""

import re

import pytest
from playwright.sync_api import expect

from coding.models import Activity, Coding, CodingChange, Role
from coding.workspace.codings import create_coding
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_workspace import fill_form, open_workspace, select_points
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _round(i: int) -> str:
    return (
        f"Round {i}: officials from both ministries met in Qingdao to prepare a joint naval "
        "exercise planned for the autumn, according to a statement released by the fleet."
    )


ROUNDS = "Navies meet in the Yellow Sea\n\n" + "\n\n".join(_round(i) for i in range(1, 41))

PERSIAN = (
    "گشت دریایی مشترک\n\n"
    "نیروی دریایی چین و روسیه روز دوشنبه یک گشت مشترک را در دریای ژاپن آغاز کردند، "
    "وزارت دفاع اعلام کرد.\n\n"
    "Analysts in Tehran (تهران، می‌گوید) called it routine."
)


@pytest.fixture
def coder_on(db):
    def make(text: str, language: str = "en"):
        project = ProjectFactory(slug="ties", name="Security ties")
        source = SourceFactory(project=project, title="Navies", text=text, language=language)
        coder = UserFactory(username="coder1")
        MembershipFactory(project=project, user=coder, role=Role.CODER)
        AssignmentFactory(source=source, coder=coder)
        return project, source, coder

    return make


def code(source, coder, start: int, end: int, note: str = "") -> Coding:
    """A coding stored as the workspace stores one (its context too)."""
    activity = Activity.objects.get(
        slug="military_exercises", area__codebook__projects=source.project
    )
    actors = {a.iso3: a.pk for a in source.project.codebook.actors.all()}
    return create_coding(
        source, coder,
        {"start": start, "end": end, "quote": source.text[start:end], "dyad_type": "undirected",
         "side_a": actors["CHN"], "side_b": actors["RUS"], "area": activity.area_id,
         "activity": activity.pk, "confidence": 2, "note": note},
    )  # fmt: skip


def saved(page):
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))


def word_box(page, start: int, end: int) -> dict:
    """Where the span [start, end) of an ASCII text (code points are UTF-16 units there) is
    drawn, within one segment and line."""
    return page.evaluate(
        """([s, e]) => {
            const seg = [...document.querySelectorAll('#reader .seg')]
                .find((x) => +x.dataset.s <= s && e <= +x.dataset.e);
            const r = document.createRange();
            r.setStart(seg.firstChild, s - +seg.dataset.s);
            r.setEnd(seg.firstChild, e - +seg.dataset.s);
            return r.getBoundingClientRect().toJSON();
        }""",
        [start, end],
    )


# --- 1. a double-click inside a highlight --------------------------------------------------------


def test_a_double_click_inside_a_highlight_codes_exactly_that_word(
    page, live_server, login, screenshot, coder_on
):
    project, source, coder = coder_on(ROUNDS)
    rounds = (2, 3, 4, 5, 6)
    for i in rounds:  # the first 80 characters of these paragraphs are coded
        start = ROUNDS.index(f"Round {i}:")
        code(source, coder, start, start + 80)
    login("coder1")
    open_workspace(page, live_server, project, source)
    # The first click opens the coding (its passage is outlined, drawn anew); the second selects
    # the word under the pointer, which becomes a new (nested) coding, never another passage.
    for i in rounds:
        word = ROUNDS.index("ministries", ROUNDS.index(f"Round {i}:"))
        box = word_box(page, word, word + len("ministries"))
        page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(page.locator("#cf-title")).to_have_text("New coding")
        expect(page.locator("#cf-quote")).to_have_text("ministries")
        if i != rounds[-1]:
            page.keyboard.press("Escape")
            expect(page.locator("#coding-form")).to_be_hidden()
    fill_form(page)
    page.locator("#cf-save").click()
    saved(page)
    nested = Coding.objects.get(quote="ministries")
    assert nested.start == word and nested.end == word + len("ministries")
    assert Coding.objects.count() == len(rounds) + 1
    page.locator("#reader .seg.hl", has_text="ministries").last.hover()
    screenshot("workspace-fix-double-click-nested")


def test_a_double_click_inside_a_passage_taller_than_the_window_codes_that_word(
    page, live_server, login, coder_on
):
    """Clicking a passage opens it without scrolling the text under the pointer (the list, j and
    k scroll to a coding; the click is on what the coder sees)."""
    project, source, coder = coder_on(ROUNDS)
    start = ROUNDS.index("Round 3:")
    code(source, coder, start, ROUNDS.index("Round 30:") - 2)
    login("coder1")
    open_workspace(page, live_server, project, source)
    page.evaluate("window.scrollTo(0, 1200)")
    word = ROUNDS.index("Qingdao", ROUNDS.index("Round 20:"))
    box = word_box(page, word, word + len("Qingdao"))
    assert 0 < box["y"] < page.viewport_size["height"] - 40, box
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#cf-title")).to_have_text("New coding")
    expect(page.locator("#cf-quote")).to_have_text("Qingdao")
    assert page.evaluate("window.scrollY") == 1200


def test_a_suggestion_stays_drawn_when_a_coding_in_its_paragraph_is_opened(
    page, live_server, login, coder_on
):
    """Only the changed paragraph's segments are drawn anew now: the suggestions, drawn on the
    reader's nodes, follow them."""
    project, source, coder = coder_on(ROUNDS)
    start = ROUNDS.index("Round 2:")
    code(source, coder, start, start + 40)
    passage = "a joint naval exercise"
    at = ROUNDS.index(passage, start)
    suggestion = {
        "id": 1, "start": at, "end": at + len(passage), "quote": passage, "score": 0.9,
        "area_label": "Preparations for war", "activity_label": "Military exercises",
        "dyad_type": "undirected", "side_a": "CHN", "side_b": "RUS", "participants": [],
    }  # fmt: skip
    page.route(
        re.compile(r".*/sources/\d+/suggestions/$"),
        lambda route: route.fulfill(json={"suggestions": [suggestion]}),
    )
    login("coder1")
    open_workspace(page, live_server, project, source)
    expect(page.locator("#ws-suggestions[data-ready] li.suggestion")).to_have_count(1)
    drawn = """() => [...CSS.highlights.get('ws-suggestion-current')]
        .map((r) => r.startContainer.isConnected && r.toString())"""
    assert page.evaluate(drawn) == [passage]
    page.locator("#reader .seg.hl").first.click()
    expect(page.locator("#reader .seg.hl.active")).to_have_count(1)
    assert page.evaluate(drawn) == [passage]


# --- 2. undo after undoing a delete ---------------------------------------------------------------


def test_undo_goes_on_through_a_coding_restored_by_undo(
    page, live_server, login, screenshot, coder_on
):
    project, source, _ = coder_on(ROUNDS)
    login("coder1")
    open_workspace(page, live_server, project, source)
    passage = "officials from both ministries met in Qingdao"
    start = ROUNDS.index(passage)
    select_points(page, start, start + len(passage))
    fill_form(page, conf="1")
    page.get_by_label("Note").fill("original")
    page.locator("#cf-save").click()
    saved(page)
    first = Coding.objects.get()
    # edit it...
    page.locator("#reader .seg.hl").first.click()
    expect(page.locator("#cf-title")).to_have_text("Edit coding")
    page.locator('#coding-form input[name=confidence][value="3"]').check()
    page.get_by_label("Note").fill("EDITED")
    page.locator("#cf-save").click()
    saved(page)
    # ...and delete it
    page.locator("#reader .seg.hl").first.click()
    page.locator("#cf-delete").click()
    saved(page)
    assert not Coding.objects.exists()

    # Undo the delete: stored again, under a new id.
    page.keyboard.press("u")
    expect(page.locator("#ws-toast")).to_contain_text("Undone: deletion")
    saved(page)
    restored = Coding.objects.get()
    assert restored.pk != first.pk
    assert (restored.confidence, restored.note) == (3, "EDITED")
    # The older undos act on the restored coding: the change is taken back, then the coding
    # (u twice at once: the second waits for the first).
    page.keyboard.press("u")
    page.keyboard.press("u")
    expect(page.locator("#ws-toast")).to_have_text("Undone: new coding.")
    saved(page)
    expect(page.locator("#coding-list li")).to_have_count(0)
    assert not Coding.objects.exists()
    changes = CodingChange.objects.order_by("pk")
    assert [c.action for c in changes] == [
        "create", "update", "delete", "create", "update", "delete",
    ]  # fmt: skip
    undone = changes[4]
    assert undone.coding_pk == changes[5].coding_pk == restored.pk
    assert (undone.after["confidence"], undone.after["note"]) == (1, "original")
    page.keyboard.press("u")
    expect(page.locator("#ws-toast")).to_have_text("Nothing to undo.")
    screenshot("workspace-fix-undo-through-a-restored-coding")


# --- 3. two tabs on one coding --------------------------------------------------------------------


def _two_tabs(page, live_server, login, coder_on):
    project, source, coder = coder_on(ROUNDS)
    start = ROUNDS.index("Round 1:")
    coding = code(source, coder, start, start + 80, note="first")
    login("coder1")
    tab_a, tab_b = page, page.context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for tab in (tab_a, tab_b):
        open_workspace(tab, live_server, project, source)
    return coding, tab_a, tab_b


def test_a_coding_changed_in_another_tab_is_shown_as_it_now_is_and_saves_again(
    page, live_server, login, coder_on
):
    coding, tab_a, tab_b = _two_tabs(page, live_server, login, coder_on)
    tab_a.locator("#reader .seg.hl").first.click()
    tab_a.get_by_label("Note").fill("from tab A")
    tab_a.locator("#cf-save").click()
    saved(tab_a)

    tab_b.locator("#reader .seg.hl").first.click()
    expect(tab_b.locator("#cf-note")).to_have_value("first")
    tab_b.get_by_label("Note").fill("from tab B")
    tab_b.locator("#cf-save").click()
    banner = tab_b.locator("#ws-banner")
    expect(banner).to_contain_text("changed elsewhere")
    expect(banner).to_contain_text("The current version is shown")
    # The panel shows the current version (tab A's), still open, with the reason.
    expect(tab_b.locator("#coding-form")).to_be_visible()
    expect(tab_b.locator("#cf-note")).to_have_value("from tab A")
    expect(tab_b.locator("#cf-errors")).to_contain_text("changed elsewhere")
    expect(tab_b.locator("#coding-list li")).to_have_count(1)
    coding.refresh_from_db()
    assert (coding.note, coding.version) == ("from tab A", 2)
    tab_b.screenshot(path=str(ARTIFACTS / "workspace-fix-conflict.png"), full_page=True)
    # A change of the current version saves.
    tab_b.get_by_label("Note").fill("from tab B, again")
    tab_b.locator("#cf-save").click()
    expect(tab_b.locator("#coding-form")).to_be_hidden()
    saved(tab_b)
    coding.refresh_from_db()
    assert (coding.note, coding.version) == ("from tab B, again", 3)


def test_a_coding_deleted_in_another_tab_leaves_the_list_and_the_panel(
    page, live_server, login, coder_on
):
    _, tab_a, tab_b = _two_tabs(page, live_server, login, coder_on)
    tab_a.locator("#reader .seg.hl").first.click()
    tab_a.locator("#cf-delete").click()
    saved(tab_a)
    assert not Coding.objects.exists()

    tab_b.locator("#reader .seg.hl").first.click()
    tab_b.get_by_label("Note").fill("from tab B")
    tab_b.locator("#cf-save").click()
    expect(tab_b.locator("#ws-banner")).to_contain_text("deleted elsewhere")
    expect(tab_b.locator("#coding-form")).to_be_hidden()
    expect(tab_b.locator("#coding-list li")).to_have_count(0)
    expect(tab_b.locator("#reader .seg.hl")).to_have_count(0)
    saved(tab_b)
    assert not Coding.objects.exists()
    tab_b.screenshot(path=str(ARTIFACTS / "workspace-fix-deleted-elsewhere.png"), full_page=True)


# --- 4. the span's handles in right-to-left text ------------------------------------------------


def handles_and_passage(page) -> dict:
    return page.evaluate(
        """() => {
            const segs = [...document.querySelectorAll('#reader .seg.hl.active')];
            const r = document.createRange();
            r.setStart(segs[0].firstChild, 0);
            const last = segs[segs.length - 1].firstChild;
            r.setEnd(last, last.length);
            const box = r.getBoundingClientRect();
            const at = (sel) => document.querySelector(sel).getBoundingClientRect().left;
            return { left: box.left, right: box.right,
                     start: at('.span-handle.span-start'), end: at('.span-handle.span-end') };
        }"""
    )


@pytest.mark.parametrize(
    ("quote", "rtl"),
    [("یک گشت مشترک", True), ("تهران، می‌گوید", True), ("Analysts in Tehran", False)],
    ids=["persian", "persian-in-english", "english"],
)
def test_the_span_handles_stand_at_the_passages_ends_in_either_direction(
    page, live_server, login, screenshot, coder_on, quote, rtl
):
    project, source, coder = coder_on(PERSIAN, language="fa")
    start = PERSIAN.index(quote)
    coding = code(source, coder, start, start + len(quote))
    login("coder1")
    open_workspace(page, live_server, project, source)
    page.locator("#reader .seg.hl").first.click()
    expect(page.locator("#cf-title")).to_have_text("Edit coding")
    expect(page.locator(".span-handle.span-end")).to_be_visible()
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    got = handles_and_passage(page)
    # Right to left, the passage starts at its right and ends at its left (not one letter in).
    start_x, end_x = (got["right"], got["left"]) if rtl else (got["left"], got["right"])
    assert abs(got["start"] - start_x) < 1.5, got
    assert abs(got["end"] - end_x) < 1.5, got
    assert Coding.objects.get(pk=coding.pk).quote == quote
    if rtl:
        page.mouse.move(0, 0)  # no tooltip over the handles
        screenshot(f"workspace-fix-rtl-handles-{start}")
