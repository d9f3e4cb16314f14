"""The review page in Chromium (issue 18): decisions applied in place, one colour per coder,
offsets beside a Persian quote in reading order, and "my own coding" from a text selection."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from coding.models import Activity, Coding, Event, ReviewDecision
from tests.browser.review_study import two_coders_done
from tests.factories import (
    CodingFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILLER = "\n\n".join(
    f"Paragraph {i}: delegations met again and called round {i} constructive." for i in range(40)
)
PERSIAN = "رزمایش کمربند امنیت دریایی در دریای عمان آغاز شد"
TEXT = (
    "Xi Jinping and Vladimir Putin met in Moscow and signed a joint statement.\n\n"
    + FILLER
    + f"\n\nTehran said: {PERSIAN}.\n\nNorth Korean shells may have reached Russia."
)


@pytest.fixture
def study(db):
    project, source, coders = two_coders_done(
        title="Summit and drills", text=TEXT, published_date=dt.date(2023, 3, 22)
    )
    heads = Activity.objects.get(area__codebook=project.codebook, slug="heads_of_state")
    arms = Activity.objects.get(area__codebook=project.codebook, slug="arms_sales")

    def code(coder, quote, activity, **kw):
        start = TEXT.index(quote)
        return CodingFactory(source=source, coder=coder, start=start, end=start + len(quote),
                             activity=activity, area=activity.area, **kw)  # fmt: skip

    summit = "Xi Jinping and Vladimir Putin met in Moscow"
    code(coders[0], summit, heads, confidence=3)
    code(coders[1], summit, heads, confidence=2)
    code(coders[0], PERSIAN, heads, confidence=2)
    prk, rus = (project.codebook.actors.get(iso3=x) for x in ("PRK", "RUS"))
    code(coders[1], "North Korean shells may have reached Russia", arms,
         dyad_type="directed", side_a=prk, side_b=rus, confidence=1)  # fmt: skip
    return project, source


# JavaScript: `range`, the DOM range of the text `passage` in the review's text
PASSAGE_RANGE = """
    const seg = [...document.querySelectorAll('#review-text .seg')]
        .find((s) => s.textContent.includes(passage));
    const node = seg.firstChild, at = node.data.indexOf(passage);
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + passage.length);"""


def open_review(page, live_server, source):
    page.goto(f"{live_server.url}/projects/pilot/review/sources/{source.pk}/")
    expect(page.locator("#review-text")).to_be_visible()


def test_decisions_apply_in_place(page, live_server, login, screenshot, study):
    _, source = study
    login("pi")
    open_review(page, live_server, source)
    page.evaluate("window.notReloaded = true")
    last = page.locator("#group-3")
    last.scroll_into_view_if_needed()
    last.get_by_role("button", name="Reject").click()
    expect(page.locator("#group-3 .decision")).to_contain_text("Rejected")
    expect(page.locator("#review-toast")).to_contain_text("Rejected")
    assert page.evaluate("window.notReloaded") is True  # no page load
    box = page.locator("#group-3").bounding_box()  # still on screen, not back at the top
    assert 0 <= box["y"] < page.viewport_size["height"] and page.evaluate("scrollY") > 0
    assert page.evaluate("document.activeElement.closest('.group').id") == "group-3"
    assert ReviewDecision.objects.get().kind == "reject"
    screenshot("review-in-place")
    # undo, in place too
    page.locator("#group-3 .decision").get_by_role("button", name="Undo").click()
    expect(page.locator("#group-3").get_by_role("button", name="Reject")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert ReviewDecision.objects.get().undone_at is not None
    # accept in group 1, in place
    page.locator("#group-1").get_by_role("button", name="Accept").first.click()
    expect(page.locator("#group-1 .decision")).to_contain_text("PILOT-000001")
    assert page.evaluate("window.notReloaded") is True and Event.objects.count() == 1


def test_without_javascript_a_decision_returns_to_the_groups_anchor(browser, live_server, study):
    _, source = study
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("pi")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    open_review(page, live_server, source)
    page.locator("#group-3").get_by_role("button", name="Reject").click()
    expect(page.locator("#group-3 .decision")).to_contain_text("Rejected")
    assert page.url.endswith(f"/review/sources/{source.pk}/#group-3")
    context.close()


def test_each_coder_has_a_colour_named_in_the_legend(page, live_server, login, screenshot, study):
    _, source = study
    login("pi")
    open_review(page, live_server, source)
    legend = page.locator("#coder-legend li")
    expect(legend).to_have_text(["coder1", "coder2"])
    colour = {
        name: page.locator("#coder-legend li", has_text=name)
        .locator(".swatch")
        .evaluate("el => getComputedStyle(el).backgroundColor")
        for name in ("coder1", "coder2")
    }
    assert colour["coder1"] != colour["coder2"]

    def underlines(quote: str) -> str:
        return page.locator("#review-text .seg.cov", has_text=quote).first.evaluate(
            "el => getComputedStyle(el).boxShadow"
        )

    both, only1, only2 = (underlines(q) for q in ("Vladimir Putin", "رزمایش", "North Korean"))
    assert colour["coder1"] in both and colour["coder2"] in both
    assert colour["coder1"] in only1 and colour["coder2"] not in only1
    assert colour["coder2"] in only2 and colour["coder1"] not in only2
    # the comparison table marks each row with its coder's colour
    row = page.locator("#group-3 td.coder .swatch")
    assert row.evaluate("el => getComputedStyle(el).backgroundColor") == colour["coder2"]
    page.locator("#review-text").screenshot(
        path=str(screenshot("review-colours").parent / "review-colours-text.png")
    )


def test_offsets_beside_a_persian_quote_read_in_order(page, live_server, login, study):
    _, source = study
    login("pi")
    open_review(page, live_server, source)
    start = TEXT.index(PERSIAN)
    cell = page.locator("td.quote", has_text="رزمایش")
    first, second = cell.locator(".off-start"), cell.locator(".off-end")
    expect(first).to_have_text(str(start))
    expect(second).to_have_text(str(start + len(PERSIAN)))
    assert first.bounding_box()["x"] < second.bounding_box()["x"]  # start on the left


def test_my_own_coding_from_a_text_selection(page, live_server, login, study):
    _, source = study
    login("pi")
    open_review(page, live_server, source)
    group = page.locator("#group-2")  # the Persian passage
    group.locator("summary").click()
    expect(group.locator(".own-numbers")).to_be_hidden()
    passage = "کمربند امنیت دریایی"
    page.evaluate(
        f"""(passage) => {{ {PASSAGE_RANGE}
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }}""",
        passage,
    )
    group.get_by_role("button", name="Use the passage selected in the text").click()
    expect(group.locator(".own-quote")).to_have_text(passage)
    group.get_by_role("button", name="Add as my own coding").click()
    expect(page.locator("#group-2 .decision")).to_be_visible()
    own = Coding.objects.get(coder__username="pi")
    assert (own.start, own.end, own.quote) == (
        TEXT.index(passage),
        TEXT.index(passage) + len(passage),
        passage,
    )


def test_a_passage_inside_a_group_is_selected_by_dragging_the_mouse(
    page, live_server, login, screenshot, study
):
    """A group's passage is text the PI can select by dragging the mouse (it was a link, whose
    text the browser drags instead); a plain click on it, or on its number, goes to its card."""
    _, source = study
    login("pi")
    open_review(page, live_server, source)
    passage = "Vladimir Putin"
    box = page.evaluate(
        f"""(passage) => {{ {PASSAGE_RANGE}
            const r = range.getBoundingClientRect();
            return {{left: r.left, right: r.right, y: r.top + r.height / 2}};
        }}""",
        passage,
    )
    page.mouse.move(box["left"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move(box["right"] - 1, box["y"], steps=8)
    page.mouse.up()
    assert page.evaluate("getSelection().toString()") == passage
    assert "#group" not in page.url
    screenshot("review-drag-selection")
    group = page.locator("#group-1")
    group.locator("summary").click()
    group.get_by_role("button", name="Use the passage selected in the text").click()
    expect(group.locator(".own-quote")).to_have_text(passage)
    page.mouse.click(box["left"] + 1, box["y"])  # a click that selects nothing: to the card
    expect(page).to_have_url(re.compile(r"#group-1$"))
    page.locator("#review-text a.grp-no").first.click()  # the group's number: the same
    expect(page).to_have_url(re.compile(r"#group-1$"))
