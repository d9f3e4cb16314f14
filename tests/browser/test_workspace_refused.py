"""What the coder entered in the panel is not lost, in Chromium, on the demo as a coder meets
it. A save the server refuses (400): the passage stays selected (its marker and handles), the
reason is in view in the panel, and the coder fixes the field and saves again (docs/coding.md,
"Saving and offline"). Another selection while a new coding is half filled in moves its passage
and keeps the codes."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from coding.demo import seed_demo
from coding.models import Coding
from coding.models.codings import NOTE_MAX_LENGTH
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_workspace import open_workspace
from tests.factories import AssignmentFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODINGS_URL = re.compile(r".*/api/projects/demo/sources/\d+/codings/$")
CODING_URL = re.compile(r".*/api/projects/demo/codings/\d+/$")


SHORT = (
    "Pyongyang hosts Chinese naval delegation\n\n"
    "A delegation of the Chinese navy arrived in Pyongyang on Monday for talks on port calls "
    "and joint training, the Korean Central News Agency reported.\n\n"
    "Both sides called the visit a step towards closer military ties."
)


@pytest.fixture
def demo_source(db):
    """The demo, with a short article (its text card far shorter than the window) that coder1
    has not started, as a PI adds one."""
    project = seed_demo()
    coder = get_user_model().objects.get(username="coder1")
    source = SourceFactory(
        project=project, title="Naval delegation", text=SHORT, language="en", outlet="KCNA"
    )
    AssignmentFactory(source=source, coder=coder)
    return project, source


@pytest.fixture
def page_errors(page):
    seen: list[str] = []
    page.on("pageerror", lambda err: seen.append(str(err)))
    return seen


def open_as_coder1(page, live_server, login, project, source):
    page.set_viewport_size({"width": 1366, "height": 900})
    login("coder1", "coder1-demo-2024")
    open_workspace(page, live_server, project, source)


def a_passage(text: str) -> tuple[int, int, str]:
    """The first eight words of the article's second paragraph (code points)."""
    paragraph = text.split("\n\n")[1]
    words = " ".join(paragraph.split(" ")[:8]).strip()
    start = text.index(words)
    return start, start + len(words), words


def select_and_code(page, start: int, end: int) -> None:
    """Select with the mouse, Actor A CHN, Actor B PRK, area 1, confidence e (high)."""
    assert page.evaluate("([s, e]) => window.workspace.selectPoints(s, e)", [start, end])
    form = page.locator("#coding-form")
    expect(form).to_be_visible()
    form.get_by_label("Actor A").select_option(label="CHN · China")
    form.get_by_label("Actor B").select_option(label="PRK · North Korea")
    page.locator("#cf-area").focus()
    page.keyboard.press("1")
    page.keyboard.press("e")


def paste_note(page, note: str) -> None:
    """Put `note` in the note box as a paste would, whatever its maxlength (what a browser
    without it, or a script, sends), and press Enter there."""
    page.locator("#cf-note").evaluate(
        "(box, note) => { box.value = note; box.dispatchEvent(new Event('input')); }", note
    )
    page.locator("#cf-note").press("End")
    page.locator("#cf-note").press("Enter")


def save_and_wait(page) -> None:
    """Enter in the note box, then the panel closes and the status says saved."""
    page.locator("#cf-note").press("Enter")
    expect(page.locator("#coding-form")).to_be_hidden()
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))


def expect_passage_kept(page, quote: str, key: str = "draft") -> None:
    marker = page.locator(f'#reader .seg.hl[data-ids~="{key}"]')
    expect(marker.first).to_be_visible()
    assert "".join(marker.all_inner_texts()) == quote
    expect(page.locator(".span-handle.span-start")).to_be_visible()
    expect(page.locator(".span-handle.span-end")).to_be_visible()
    # ...at the passage's edges: the start before its first character, the end after its last
    page.wait_for_function(
        """(key) => {
            const segs = [...document.querySelectorAll(`#reader .seg.hl[data-ids~="${key}"]`)];
            const first = segs[0].getClientRects()[0];
            const rects = segs[segs.length - 1].getClientRects();
            const last = rects[rects.length - 1];
            const start = document.querySelector(".span-handle.span-start").getBoundingClientRect();
            const end = document.querySelector(".span-handle.span-end").getBoundingClientRect();
            const near = (a, b) => Math.abs(a - b) < 4;
            return near(start.left, first.left) && near(start.top + start.height / 2,
                first.top + first.height / 2) && near(end.left, last.right)
                && near(end.top + end.height / 2, last.top + last.height / 2);
        }""",
        arg=key,
        timeout=3000,
    )


def settle(page, frames: int = 60) -> None:
    """Let the page lay out again for a second (the column is fitted on every resize)."""
    page.evaluate(
        """(n) => new Promise((done) => {
            const tick = () => (n-- > 0 ? requestAnimationFrame(tick) : done());
            tick();
        })""",
        frames,
    )


def visible_area(page, selector: str) -> dict:
    """Where `selector` is, and the part of the panel the coder sees: inside the window, the
    panel and the column, above the panel's sticky Save bar."""
    return page.evaluate(
        """(sel) => {
            const el = document.querySelector(sel).getBoundingClientRect();
            const form = document.getElementById("coding-form").getBoundingClientRect();
            const side = document.querySelector(".ws-side").getBoundingClientRect();
            const bar = document.querySelector("#coding-form .cf-actions").getBoundingClientRect();
            const reader = document.getElementById("reader").getBoundingClientRect();
            return { top: el.top, bottom: el.bottom, height: el.height,
                     seen_top: Math.max(0, form.top, side.top),
                     seen_bottom: Math.min(innerHeight, form.bottom, side.bottom, bar.top),
                     form_bottom: form.bottom, reader_bottom: reader.bottom,
                     form_scrolls: document.getElementById("coding-form").scrollHeight
                       > document.getElementById("coding-form").clientHeight };
        }""",
        selector,
    )


def test_a_new_coding_refused_once_keeps_its_passage_and_saves_when_fixed(
    page, live_server, login, demo_source, page_errors
):
    project, source = demo_source
    start, end, quote = a_passage(source.text)
    open_as_coder1(page, live_server, login, project, source)
    select_and_code(page, start, end)
    expect_passage_kept(page, quote)

    paste_note(page, "x" * (NOTE_MAX_LENGTH + 1))  # the server refuses it (400)
    errors = page.locator("#cf-errors li")
    expect(errors).to_have_count(1)
    expect(errors).to_have_text(["Note: At most 10,000 characters (10,001 given)."])
    expect(page.locator("#save-status")).to_have_text("Not saved — see the panel")
    expect(page.locator("#cf-title")).to_have_text("New coding")
    expect_passage_kept(page, quote)  # the marker and its handles stay
    assert not Coding.objects.filter(source=source).exists()

    page.locator("#cf-note").fill("Shortened note.")
    save_and_wait(page)
    coding = Coding.objects.get(source=source)
    assert (coding.start, coding.end, coding.quote) == (start, end, quote)
    assert (coding.side_a.iso3, coding.side_b.iso3) == ("CHN", "PRK")
    assert (coding.area.shortcut, coding.confidence, coding.note) == ("1", 3, "Shortened note.")
    assert coding.coder.username == "coder1" and coding.source_id == source.pk
    expect(page.locator("#coding-list li")).to_have_count(1)
    expect(page.locator("#coding-list li .ci-state")).to_have_count(0)  # not "not saved"
    assert not page_errors


def test_an_edit_refused_once_keeps_its_moved_span_and_saves_when_fixed(
    page, live_server, login, demo_source, page_errors
):
    project, source = demo_source
    start, end, quote = a_passage(source.text)
    open_as_coder1(page, live_server, login, project, source)
    select_and_code(page, start, end)
    page.locator("#cf-note").fill("First note.")
    save_and_wait(page)
    coding = Coding.objects.get(source=source)

    # Open it, widen its end by a word, and save: the server refuses once (a generic message).
    refused = []

    def refuse_once(route):
        if route.request.method == "PATCH" and not refused:
            refused.append(route.request.post_data_json)
            route.fulfill(
                status=400,
                json={"note": ["Ensure this field has no more than 10000 characters."]},
            )
        else:
            route.fallback()

    page.route(CODING_URL, refuse_once)
    page.locator(f"#coding-list li[data-key=c{coding.pk}]").click()
    expect(page.locator("#cf-title")).to_have_text("Edit coding")
    page.locator("#cf-area").focus()
    page.keyboard.press("Shift+ArrowRight")
    wider = page.locator("#cf-quote").inner_text()
    assert wider.startswith(quote) and len(wider) > len(quote)
    page.locator("#cf-note").fill("Second note.")
    page.locator("#cf-note").press("Enter")
    errors = page.locator("#cf-errors li")
    expect(errors).to_have_text(["Note: Ensure this field has no more than 10000 characters."])
    assert refused and refused[0]["end"] == start + len(wider)
    expect(page.locator("#cf-title")).to_have_text("Edit coding")
    expect_passage_kept(page, wider, key=f"c{coding.pk}")
    coding.refresh_from_db()
    assert (coding.end, coding.note, coding.version) == (end, "First note.", 1)

    save_and_wait(page)  # saved as it stands: the wider span too
    coding.refresh_from_db()
    assert (coding.start, coding.end, coding.quote) == (start, start + len(wider), wider)
    assert (coding.note, coding.version) == ("Second note.", 2)
    assert not page_errors


def test_the_reason_of_a_refused_save_is_in_view_in_the_panel(
    page, live_server, login, demo_source, page_errors
):
    project, source = demo_source
    start, end, _ = a_passage(source.text)
    open_as_coder1(page, live_server, login, project, source)
    select_and_code(page, start, end)
    settle(page)
    # The side column is not cut at the height of the (short) text card when the window has room.
    box = visible_area(page, "#coding-form")
    assert box["form_bottom"] > box["reader_bottom"] + 100 or not box["form_scrolls"], box

    paste_note(page, "x" * (NOTE_MAX_LENGTH + 1))
    expect(page.locator("#cf-errors li")).to_have_count(1)
    settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workspace-refused-save-1366x900.png"))
    error = visible_area(page, "#cf-errors")
    assert error["height"] > 0, error
    assert error["seen_top"] <= error["top"] and error["bottom"] <= error["seen_bottom"], error
    assert not page_errors


def select(page, text: str, words: str) -> int:
    start = text.index(words)
    assert page.evaluate(
        "([s, e]) => window.workspace.selectPoints(s, e)", [start, start + len(words)]
    )
    return start


def test_selecting_another_passage_keeps_what_was_entered(
    page, live_server, login, demo_source, page_errors
):
    project, source = demo_source
    start, end, _ = a_passage(source.text)
    open_as_coder1(page, live_server, login, project, source)
    select_and_code(page, start, end)
    page.locator("#cf-note").fill("port calls, joint training")
    words = "Both sides called the visit"
    other = select(page, source.text, words)
    expect_passage_kept(page, words)
    form = page.locator("#coding-form")
    for label, actor in (("Actor A", "CHN · China"), ("Actor B", "PRK · North Korea")):
        assert form.get_by_label(label).locator("option:checked").inner_text() == actor
    expect(page.locator("#cf-note")).to_have_value("port calls, joint training")
    save_and_wait(page)
    coding = Coding.objects.get(source=source)
    assert (coding.start, coding.end, coding.quote) == (other, other + len(words), words)
    assert (coding.side_a.iso3, coding.side_b.iso3, coding.confidence) == ("CHN", "PRK", 3)
    assert coding.note == "port calls, joint training"
    assert not page_errors


def test_a_panel_left_as_it_opened_or_cancelled_starts_fresh(
    page, live_server, login, demo_source, page_errors
):
    project, source = demo_source
    start, end, _ = a_passage(source.text)
    open_as_coder1(page, live_server, login, project, source)
    select(page, source.text, source.text[start:end])
    select(page, source.text, "Both sides called")  # nothing entered: a fresh panel
    expect(page.locator("#cf-note")).to_have_value("")
    page.locator("#cf-note").fill("a first thought")
    page.keyboard.press("Escape")  # Cancel: starting over
    expect(page.locator("#coding-form")).to_be_hidden()
    select(page, source.text, "the visit a step")
    expect(page.locator("#cf-note")).to_have_value("")
    assert not page_errors
