"""A span's edges stand between grapheme clusters, what a reader takes for one character: a flag
(two regional indicators), an emoji with its skin tone, a family of emoji joined by zero-width
joiners, a letter with a combining mark (q̃ has no single code point, NFC keeps it two), a keycap,
a Persian letter with its zero-width non-joiner. Found in Chromium: the end handle of a coding
that starts with 🇰🇵, dragged to the left of its start, stored "🇰", half of the flag, which the
review page then showed as a letter. Every way of setting an edge is checked: the handles, a
mouse selection, the keys that move an edge (Shift+arrows) and find (/).

WORKSPACE_JS_DIR=<dir> serves the workspace's scripts (static/js/workspace/*.js) from <dir>
instead, to run these tests against another version of them (an older one should fail them)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coding.models import Activity, Coding, Role
from coding.workspace.codings import create_coding
from tests.browser.test_workspace import fill_form, open_workspace, select_points
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAMILY = "👨\u200d👩\u200d👧"  # man, ZWJ, woman, ZWJ, girl: five code points
THUMB = "👍🏽"  # thumbs up and a medium skin tone: two
Q_TILDE = "q\u0303"  # q and a combining tilde: two
KEYCAP = "1\ufe0f\u20e3"  # digit one, emoji presentation, combining enclosing keycap: three
TEXT = (
    "Summit notes:\n\n"
    f"🇰🇵: 中俄朝 talks went well. The envoy gave a {THUMB} to the plan, {Q_TILDE} marks the "
    f"nasal, the {FAMILY} family photo and item {KEYCAP} followed.\n\n"
    "تهران، می\u200cگوید که گشت ادامه دارد."
)
FLAG = TEXT.index("🇰🇵")
SHOTS = Path("/tmp/grapheme-shots")


@pytest.fixture(autouse=True)
def workspace_js(page):
    """The workspace's scripts from WORKSPACE_JS_DIR, when it is set."""
    folder = os.environ.get("WORKSPACE_JS_DIR")
    if not folder:
        return

    def serve(route):
        name = route.request.url.rsplit("/", 1)[1].split(".")[0]  # main.js, or main.<hash>.js
        route.fulfill(path=str(Path(folder) / f"{name}.js"), content_type="text/javascript")

    page.route(re.compile(r".*/static/js/workspace/[a-z]+(\.[0-9a-f]+)?\.js$"), serve)


@pytest.fixture
def study(db):
    project = ProjectFactory(slug="ties", name="Security ties")
    source = SourceFactory(project=project, title="Summit", text=TEXT, language="en")
    coder = UserFactory(username="coder1")
    MembershipFactory(project=project, user=coder, role=Role.CODER)
    AssignmentFactory(source=source, coder=coder)
    return project, source, coder


def code(source, coder, quote: str) -> Coding:
    """A coding of `quote` (its first occurrence), stored as the workspace stores
    one. The server checks the quote against the text, not where the span's edges stand: a
    coding that cuts a cluster in two is what the old code stored."""
    start = TEXT.index(quote)
    activity = Activity.objects.get(
        slug="military_exercises", area__codebook__projects=source.project
    )
    actors = {a.iso3: a.pk for a in source.project.codebook.actors.all()}
    return create_coding(
        source, coder,
        {"start": start, "end": start + len(quote), "quote": quote, "dyad_type": "undirected",
         "side_a": actors["CHN"], "side_b": actors["RUS"], "area": activity.area_id,
         "activity": activity.pk, "confidence": 2},
    )  # fmt: skip


def open_coding(page, coding):
    page.locator(f"#coding-list li[data-key=c{coding.pk}]").click()
    expect(page.locator("#cf-title")).to_have_text("Edit coding")
    expect(page.locator(".span-handle.span-end")).to_be_visible()
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def box(page, start: int, end: int) -> dict:
    """Where the text's code points [start, end) are drawn (their first line)."""
    return page.evaluate(
        """([s, e]) => {
            const m = window.workspace.offsets;
            const [u, v] = [m.toUnits(s), m.toUnits(e)];
            const segs = [...document.querySelectorAll('#reader .seg')];
            const a = segs.find((x) => +x.dataset.s <= u && u < +x.dataset.e);
            const b = segs.find((x) => +x.dataset.s < v && v <= +x.dataset.e);
            const r = document.createRange();
            r.setStart(a.firstChild, u - +a.dataset.s);
            r.setEnd(b.firstChild, v - +b.dataset.s);
            return r.getClientRects()[0].toJSON();
        }""",
        [start, end],
    )


def drag(page, handle: str, to: dict) -> None:
    """Drag a span handle ("start" or "end") to the middle of the box `to`."""
    h = page.locator(f".span-handle.span-{handle}").bounding_box()
    page.mouse.move(h["x"] + h["width"] / 2, h["y"] + h["height"] / 2)
    page.mouse.down()
    page.mouse.move(to["x"] + to["width"] / 2, to["y"] + to["height"] / 2, steps=12)
    page.mouse.up()


def save(page) -> None:
    page.locator("#cf-save").click()
    expect(page.locator("#coding-form")).to_be_hidden()
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))


def stored(page, live_server, project, source) -> list[tuple[int, int, str]]:
    """The coder's codings as the API lists them; each quote is the text sliced by code points."""
    answer = page.request.get(
        f"{live_server.url}/api/projects/{project.slug}/sources/{source.pk}/codings/"
    )
    assert answer.ok, answer.status
    spans = sorted((c["start"], c["end"], c["quote"]) for c in answer.json())
    for start, end, quote in spans:
        assert quote == TEXT[start:end]
    db = sorted(Coding.objects.filter(source=source).values_list("start", "end", "quote"))
    assert db == spans
    return spans


# --- the handles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edge", "quote", "past", "kept"),
    [("end", "🇰🇵: 中俄朝", "Summit", "🇰🇵"), ("start", f"the {FAMILY}", "photo", FAMILY)],
    ids=["end-before-a-flag", "start-after-a-family"],
)
def test_a_handle_dragged_past_the_other_end_keeps_one_whole_character(
    page, live_server, login, study, edge, quote, past, kept
):
    project, source, coder = study
    coding = code(source, coder, quote)
    login("coder1")
    open_workspace(page, live_server, project, source)
    open_coding(page, coding)
    where = TEXT.index(past)
    drag(page, edge, box(page, where, where + len(past)))
    expect(page.locator("#cf-quote")).to_have_text(kept)
    start = coding.start if edge == "end" else coding.end - len(kept)
    # the handles stand at the character's two sides, not inside it
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    drawn = box(page, start, start + len(kept))
    handles = {
        e: page.locator(f".span-handle.span-{e}").bounding_box()["x"] for e in ("start", "end")
    }
    assert abs(handles["start"] - drawn["left"]) < 1.5, (handles, drawn)
    assert abs(handles["end"] - drawn["right"]) < 1.5, (handles, drawn)
    if edge == "end":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)
        page.screenshot(
            path=str(SHOTS / "flag-with-handles.png"),
            clip={"x": drawn["left"] - 40, "y": drawn["top"] - 40, "width": 360, "height": 110},
        )
    save(page)
    assert stored(page, live_server, project, source) == [(start, start + len(kept), kept)]
    if edge == "end":
        assert (start, start + len(kept)) == (FLAG, FLAG + 2) == (15, 17)


# --- a mouse selection ------------------------------------------------------------------------


def at(part: str, into: int = 0) -> int:
    return TEXT.index(part) + into


@pytest.mark.parametrize(
    ("start", "end", "quote"),
    [
        (at("the 👨"), at(FAMILY, 2), f"the {FAMILY}"),  # ends after the man and a joiner
        (at(FAMILY, 3), at("family", 6), f"{FAMILY} family"),  # starts at the second joiner
        (FLAG + 1, at("talks", 5), "🇰🇵: 中俄朝 talks"),  # starts at the flag's second half
        (at("plan"), at(Q_TILDE, 1), f"plan, {Q_TILDE}"),  # ends before the tilde
        (at("item"), at(KEYCAP, 1), f"item {KEYCAP}"),  # ends after the digit
        (at("تهران"), at("می\u200c", 2), "تهران، می\u200c"),  # ends before the non-joiner
    ],
    ids=["end-in-family", "start-in-family", "start-in-flag", "end-in-q-tilde", "end-in-keycap",
         "end-before-zwnj"],
)  # fmt: skip
def test_a_selection_with_an_edge_inside_a_cluster_takes_the_whole_cluster(
    page, live_server, login, study, start, end, quote
):
    project, source, _ = study
    login("coder1")
    open_workspace(page, live_server, project, source)
    select_points(page, start, end)
    expect(page.locator("#cf-quote")).to_have_text(quote)
    fill_form(page)
    save(page)
    (span,) = stored(page, live_server, project, source)
    assert span[2] == quote


# --- the keys that move an edge -----------------------------------------------------------------


def test_the_keys_that_move_an_edge_step_over_whole_clusters(page, live_server, login, study):
    """From codings stored with half a cluster (as the old code stored them): moving either edge
    by a word leaves both edges between clusters, over 👍🏽 and q̃ alike."""
    project, source, coder = study
    thumb = code(source, coder, "a 👍")  # the skin tone left out
    tilde = code(source, coder, "plan, q")  # the tilde left out
    login("coder1")
    open_workspace(page, live_server, project, source)
    quote = page.locator("#cf-quote")
    keys = page.keyboard

    open_coding(page, thumb)
    page.locator("#cf-area").focus()
    keys.press("Control+Shift+ArrowLeft")
    expect(quote).to_have_text(f"gave a {THUMB}")
    keys.press("Shift+ArrowRight")
    expect(quote).to_have_text(f"gave a {THUMB} to")
    keys.press("Shift+ArrowLeft")
    expect(quote).to_have_text(f"gave a {THUMB}")
    keys.press("Shift+ArrowLeft")
    expect(quote).to_have_text("gave a")
    keys.press("Shift+ArrowRight")
    expect(quote).to_have_text(f"gave a {THUMB}")
    save(page)

    open_coding(page, tilde)
    page.locator("#cf-area").focus()
    keys.press("Control+Shift+ArrowRight")
    expect(quote).to_have_text(Q_TILDE)
    keys.press("Shift+ArrowRight")
    expect(quote).to_have_text(f"{Q_TILDE} marks")
    keys.press("Shift+ArrowLeft")
    expect(quote).to_have_text(Q_TILDE)
    keys.press("Shift+ArrowLeft")  # one whole character is the least a span holds
    expect(quote).to_have_text(Q_TILDE)
    keys.press("Control+Shift+ArrowLeft")
    expect(quote).to_have_text(f"plan, {Q_TILDE}")
    save(page)

    thumb_at = TEXT.index(f"gave a {THUMB}")
    tilde_at = TEXT.index(f"plan, {Q_TILDE}")
    assert stored(page, live_server, project, source) == [
        (thumb_at, thumb_at + len(f"gave a {THUMB}"), f"gave a {THUMB}"),
        (tilde_at, tilde_at + len(f"plan, {Q_TILDE}"), f"plan, {Q_TILDE}"),
    ]


# --- find -------------------------------------------------------------------------------------


def test_find_selects_whole_clusters(page, live_server, login, study):
    project, source, _ = study
    login("coder1")
    open_workspace(page, live_server, project, source)
    quote = page.locator("#cf-quote")
    keys = page.keyboard
    keys.press("/")
    keys.type("envoy gave a 👍")  # the emoji without its skin tone
    keys.press("Enter")
    expect(quote).to_have_text(f"envoy gave a {THUMB}")
    page.locator("#find").fill("🇰")  # half a flag
    keys.press("Enter")
    expect(quote).to_have_text("🇰🇵")
    page.locator("#find").fill("the 👨")  # the first of a family
    keys.press("Enter")
    expect(quote).to_have_text(f"the {FAMILY}")
    fill_form(page)
    save(page)
    where = TEXT.index(f"the {FAMILY}")
    assert stored(page, live_server, project, source) == [(where, where + 9, f"the {FAMILY}")]
