"""Keyboard order and the quote of the coding panel (docs/coding.md, Keyboard): Tab from the
find box reaches the dyad first, the pair's Tab order follows its layout (actor A, actor B,
then the direction below them), and on a phone the panel's quote shows that it goes on."""

# ruff: noqa: RUF001 (a Persian quote is the point here)

import pytest
from playwright.sync_api import expect

from coding.models import Role
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_workspace import open_workspace, select_points
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}

ENGLISH = (
    "Joint patrol in the Sea of Japan\n\n"
    "On 15 July 2024 the navies of China and Russia began a joint patrol in the Sea of Japan, "
    "the ministry said, adding that the ships would call at Vladivostok, exchange liaison "
    "officers, rehearse search and rescue at sea and sail on together towards the Pacific "
    "before returning to their home ports late in the month.\n\n"
    "Officials said more exercises would follow next year."
)
LONG_PASSAGE = ENGLISH.split("\n\n")[1]

PERSIAN = (
    "گشت دریایی مشترک\n\n"
    "نیروی دریایی چین و روسیه روز دوشنبه یک گشت مشترک را در دریای ژاپن آغاز کردند و "
    "وزارت دفاع اعلام کرد که کشتی‌ها در ولادی‌وستوک پهلو می‌گیرند، افسران رابط مبادله "
    "می‌کنند، جست‌وجو و نجات در دریا را تمرین می‌کنند و سپس با هم به سوی اقیانوس آرام "
    "می‌روند و در پایان ماه به بندرهای خود بازمی‌گردند.\n\n"
    "تحلیلگران در تهران آن را عادی خواندند."
)
PERSIAN_PASSAGE = PERSIAN.split("\n\n")[1]


@pytest.fixture
def coder_on(db):
    def make(text: str, language: str = "en"):
        project = ProjectFactory(slug="ties", name="Security ties")
        source = SourceFactory(project=project, title="Joint patrol", text=text, language=language)
        user = UserFactory(username="coder1")
        MembershipFactory(project=project, user=user, role=Role.CODER)
        AssignmentFactory(source=source, coder=user)
        return project, source

    return make


def shot(page, name: str) -> None:
    """What the window shows (the phone's sheet is fixed: a full-page shot would stretch it)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def focused(page) -> str:
    """The focused element, as #id or name=value for a radio."""
    return page.evaluate(
        """() => { const a = document.activeElement;
                   if (!a) return '';
                   return a.type === 'radio' ? `${a.name}=${a.value}` : '#' + a.id; }"""
    )


def find(page, words: str) -> None:
    keys = page.keyboard
    keys.press("/")
    keys.type(words)
    keys.press("Enter")
    expect(page.locator("#coding-form")).to_be_visible()
    assert focused(page) == "#find"  # Enter leaves the focus in the find box


def test_tab_from_the_find_box_lands_on_the_dyad(page, live_server, login, coder_on):
    """Before, Tab went to Area: the dyad, first in the panel and required, was skipped."""
    project, source = coder_on(ENGLISH)
    login("coder1")
    open_workspace(page, live_server, project, source)
    find(page, "began a joint patrol")
    keys = page.keyboard

    keys.press("Tab")
    assert focused(page) == "mode=pair"  # the panel's first control: Pair / Multilateral
    shot(page, "workspace-keyboard-tab-1280")
    # it is the first field of the panel in its visual order (only the close button is above)
    first = page.evaluate(
        """() => [...document.querySelectorAll('#coding-form :is(input, select, textarea)')]
                 .find((el) => el.offsetParent && !el.disabled && el.tabIndex >= 0) ===
                 document.querySelector('#coding-form input[name=mode]:checked')"""
    )
    assert first
    keys.press("Tab")  # out of the radio group: actor A
    assert focused(page) == "#cf-side-a"
    # the area's shortcut keys still work from the dyad
    keys.press("Shift+Tab")
    assert focused(page) == "mode=pair"
    area = page.locator("#cf-area")
    first_area = area.input_value()
    keys.press("3")
    expect(area).not_to_have_value(first_area)
    assert focused(page) == "#cf-activity"

    # Multilateral chosen: Tab from the find box reaches that choice, the checked radio.
    page.locator("#coding-form").get_by_label("Multilateral").check()
    page.locator("#find").focus()
    keys.press("Tab")
    assert focused(page) == "mode=multi"


def test_pair_tab_order_follows_the_layout(page, live_server, login, coder_on):
    """Actor A and actor B side by side, the direction below them: Tab goes A, B, direction
    (before: A, direction, B)."""
    project, source = coder_on(ENGLISH)
    page.set_viewport_size(DESKTOP)
    login("coder1")
    open_workspace(page, live_server, project, source)
    find(page, "began a joint patrol")
    shot(page, "workspace-keyboard-pair-1280")
    page.locator("#coding-form").screenshot(
        path=str(ARTIFACTS / "workspace-keyboard-panel-1280.png")
    )
    boxes = page.evaluate(
        """() => Object.fromEntries(['cf-side-a', 'cf-side-b', 'cf-direction'].map((id) => {
            const r = document.getElementById(id).closest('label').getBoundingClientRect();
            return [id, { top: r.top, bottom: r.bottom, left: r.left, right: r.right }];
        }))"""
    )
    a, b, direction = boxes["cf-side-a"], boxes["cf-side-b"], boxes["cf-direction"]
    # the look: A and B side by side, the direction below them across the width
    assert a["top"] == b["top"] and a["right"] < b["left"], boxes
    assert direction["top"] >= a["bottom"], boxes
    assert direction["left"] == a["left"] and direction["right"] == b["right"], boxes

    keys = page.keyboard
    page.locator("#cf-side-a").focus()
    keys.press("Tab")
    assert focused(page) == "#cf-side-b"
    keys.press("Tab")
    assert focused(page) == "#cf-direction"
    keys.press("Tab")
    assert focused(page) == "#cf-area"
    for expected in ("#cf-direction", "#cf-side-b", "#cf-side-a", "mode=pair"):
        keys.press("Shift+Tab")
        assert focused(page) == expected


QUOTE = """() => {
    const q = document.getElementById('cf-quote');
    const s = getComputedStyle(q);
    const text = q.firstChild;
    const r = document.createRange();
    r.setStart(text, 0);
    r.setEnd(text, 1);
    const first = r.getBoundingClientRect(), box = q.getBoundingClientRect();
    r.setEnd(text, text.length);
    // overflow hides what is below the padding's edge, or the content's
    const clip = box.top + q.clientTop + q.clientHeight -
        (s.overflowClipMargin.startsWith('content-box') ? parseFloat(s.paddingBottom) : 0);
    const cutLines = [...r.getClientRects()]
        .filter((line) => line.top < clip - 0.5 && line.bottom > clip + 0.5).length;
    return { scrollHeight: q.scrollHeight, clientHeight: q.clientHeight, cutLines,
             paddingTop: parseFloat(s.paddingTop), paddingBottom: parseFloat(s.paddingBottom),
             clamp: s.webkitLineClamp, display: s.display, overflowY: s.overflowY,
             direction: s.direction, lineHeight: parseFloat(s.lineHeight),
             paddingLeft: parseFloat(s.paddingLeft), paddingRight: parseFloat(s.paddingRight),
             firstLeft: first.left, firstRight: first.right,
             boxLeft: box.left, boxRight: box.right };
}"""


@pytest.mark.parametrize("text, passage, language", [
    (ENGLISH, LONG_PASSAGE, "en"),
    (PERSIAN, PERSIAN_PASSAGE, "fa"),
])  # fmt: skip
def test_on_a_phone_a_long_quote_shows_that_it_goes_on(
    page, live_server, login, coder_on, text, passage, language
):
    """Before, the sheet's quote was cut after three lines with nothing to say it went on."""
    project, source = coder_on(text, language)
    page.set_viewport_size(PHONE)
    login("coder1")
    open_workspace(page, live_server, project, source)
    start = text.index(passage)
    select_points(page, start, start + len(passage))
    quote = page.locator("#cf-quote")
    expect(quote).to_contain_text(passage[:40])
    shot(page, f"workspace-keyboard-quote-390-{language}")

    seen = page.evaluate(QUOTE)
    assert seen["scrollHeight"] > seen["clientHeight"], seen  # it goes on beyond the box
    # clamped to three lines, with an ellipsis (Chromium computes -webkit-box as flow-root)
    assert seen["clamp"] == "3" and seen["display"] in ("-webkit-box", "flow-root"), seen
    assert seen["overflowY"] in ("hidden", "clip"), seen  # not a scroll box cut mid-line
    # three whole lines show: the box holds them and no part of a fourth (a line cut across)
    padding = seen["paddingTop"] + seen["paddingBottom"]
    assert 2.9 < (seen["clientHeight"] - padding) / seen["lineHeight"] < 3.1, seen
    assert seen["cutLines"] == 0, seen
    if language == "fa":  # right to left: the quote starts at the box's right edge
        assert abs(seen["boxRight"] - seen["paddingRight"] - seen["firstRight"]) < 4, seen
    else:
        assert abs(seen["boxLeft"] + seen["paddingLeft"] - seen["firstLeft"]) < 8, seen


def test_a_short_quote_is_whole_on_a_phone(page, live_server, login, coder_on):
    project, source = coder_on(ENGLISH)
    page.set_viewport_size(PHONE)
    login("coder1")
    open_workspace(page, live_server, project, source)
    find(page, "began a joint patrol")
    seen = page.evaluate(QUOTE)
    assert seen["scrollHeight"] <= seen["clientHeight"], seen
    shot(page, "workspace-keyboard-pair-390")
