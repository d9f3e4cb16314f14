"""A long paragraph of single lines (a plain-text source) is drawn as blocks of whole lines
(static/js/workspace/highlights.js): it must look like one paragraph, and selections and
highlights must cross the blocks with exact offsets."""

import itertools

import pytest
from playwright.sync_api import expect

from coding.models import Coding, Role
from coding.workspace.codings import create_coding
from tests.browser.test_workspace import fill_form, open_workspace
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = [
    "On 15 July 2024 the navies of 中国 and Россия began a joint patrol 🚢 in the Sea of Japan.",
    "تحلیلگران در تهران می‌گویند که این گشت‌زنی عادی بود.",
    "Officials said more exercises would follow next year (x\u0301, q\u0308: no composed forms).",
]
# 60 lines, ~4,700 characters: one paragraph of single line breaks, then a second paragraph
PARAGRAPH = "\n".join(LINES[i % 3] + f" [{i}]" for i in range(60))
TEXT = PARAGRAPH + "\n\nThe patrol ended on 20 July."


@pytest.fixture
def plain_text_source(db):
    project = ProjectFactory(slug="ties", name="Security ties")
    source = SourceFactory(project=project, title="Plain text", text=TEXT, language="en")
    assert source.text == TEXT  # canonical already (NFC), so offsets into TEXT are the source's
    coder = UserFactory(username="coder1")
    MembershipFactory(project=project, user=coder, role=Role.CODER)
    AssignmentFactory(source=source, coder=coder)
    return project, source, coder


def blocks(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('#reader p')].map((p) => ({
            s: +p.dataset.s, e: +p.dataset.e, joined: p.classList.contains('joined'),
            text: p.textContent }))"""
    )


def test_a_paragraph_of_lines_is_drawn_as_blocks_that_hold_all_of_its_text(
    page, live_server, login, plain_text_source
):
    project, source, _ = plain_text_source
    login("coder1")
    open_workspace(page, live_server, project, source)
    drawn = blocks(page)
    assert len(drawn) >= 4  # ~4,700 characters in blocks of at most 2,000, then the last one
    assert [b["joined"] for b in drawn] == [True] * (len(drawn) - 2) + [False, False]
    for block, after in itertools.pairwise(drawn):
        assert block["e"] - block["s"] <= 2000
        gap = after["s"] - block["e"]
        assert gap == (1 if block["joined"] else 2)  # one line break, or a blank line
    # nothing lost or added: the blocks and the breaks between them are the text (UTF-16 units)
    units = page.evaluate("() => window.workspace.offsets.text")
    assert units == TEXT
    rebuilt = (
        "".join(b["text"] + ("\n" if b["joined"] else "\n\n") for b in drawn[:-1])
        + drawn[-1]["text"]
    )
    assert rebuilt == TEXT


def test_a_break_between_blocks_looks_like_a_break_inside_one(
    page, live_server, login, plain_text_source, screenshot
):
    project, source, _ = plain_text_source
    login("coder1")
    open_workspace(page, live_server, project, source)
    # The distance from one line to the next, inside a block and across two blocks.
    steps = page.evaluate(
        """() => {
            const ps = [...document.querySelectorAll('#reader p')];
            ps[1].scrollIntoView();
            const top = (node, i) => { const r = document.createRange();
                r.setStart(node, i); r.setEnd(node, i + 1); return r.getClientRects()[0].top; };
            const firstText = (p) => p.querySelector('.seg').firstChild;
            const lastText = (p) => [...p.querySelectorAll('.seg')].pop().firstChild;
            const a = lastText(ps[0]), b = firstText(ps[1]);
            let i = 1;  // the first character on the block's second visual line
            while (top(b, i) <= top(b, 0) + 1) i++;
            return { across: top(b, 0) - top(a, a.data.length - 1),
                     inside: top(b, i) - top(b, 0) };
        }"""
    )
    assert steps["inside"] > 0
    assert abs(steps["across"] - steps["inside"]) < 1  # no margin between the blocks
    screenshot("reader-blocks")


def test_a_mouse_selection_across_two_blocks_codes_the_exact_span(
    page, live_server, login, plain_text_source
):
    project, source, coder = plain_text_source
    login("coder1")
    open_workspace(page, live_server, project, source)
    boundary = page.evaluate(
        "() => window.workspace.offsets.toPoints(+document.querySelector('#reader p').dataset.e)"
    )  # the line break between the first two blocks, in code points as the server counts
    start = TEXT.rindex("Sea of Japan", 0, boundary)  # on the first block's last lines
    end = TEXT.index("joint patrol", boundary) + len("joint patrol")  # on the second block's
    points = page.evaluate(
        """([s, e]) => {
            const box = (points) => { const unit = window.workspace.offsets.toUnits(points);
                for (const seg of document.querySelectorAll('#reader .seg')) {
                    if (+seg.dataset.s <= unit && unit < +seg.dataset.e) {
                        const r = document.createRange(), i = unit - +seg.dataset.s;
                        r.setStart(seg.firstChild, i); r.setEnd(seg.firstChild, i + 1);
                        return r.getClientRects()[0]; } } };
            window.scrollBy(0, box(s).top - 200);  // the span's first line near the top
            const a = box(s), b = box(e - 1);
            return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
        }""",
        [start, end],
    )
    page.mouse.move(points[0], points[1])
    page.mouse.down()
    page.mouse.move(points[2], points[3], steps=8)
    page.mouse.up()
    expect(page.locator("#coding-form")).to_be_visible()
    assert page.locator("#cf-quote").text_content() == TEXT[start:end]
    fill_form(page)
    page.locator("#cf-save").click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    coding = Coding.objects.get(coder=coder)
    assert (coding.start, coding.end, coding.quote) == (start, end, TEXT[start:end])


def test_a_highlight_across_blocks_is_drawn_in_both(page, live_server, login, plain_text_source):
    project, source, coder = plain_text_source
    login("coder1")
    open_workspace(page, live_server, project, source)
    boundary = page.evaluate(
        "() => window.workspace.offsets.toPoints(+document.querySelector('#reader p').dataset.e)"
    )
    start, end = boundary - 20, boundary + 25
    actors = {a.iso3: a.pk for a in project.codebook.actors.all()}
    activity = project.codebook.areas.first().activities.first()
    coding = create_coding(
        source, coder,
        {"start": start, "end": end, "quote": TEXT[start:end], "dyad_type": "undirected",
         "side_a": actors["CHN"], "side_b": actors["RUS"], "area": activity.area_id,
         "activity": activity.pk, "confidence": 2},
    )  # fmt: skip
    page.reload()
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    parts = page.evaluate(
        """(key) => [...document.querySelectorAll('#reader .seg.hl')]
            .filter((s) => s.dataset.ids.split(' ').includes(key))
            .map((s) => [s.closest('p').dataset.s, s.textContent])""",
        f"c{coding.pk}",
    )
    assert len({block for block, _ in parts}) == 2
    assert "".join(text for _, text in parts) == TEXT[start:boundary] + TEXT[boundary + 1 : end]


def test_paragraphs_are_cut_only_at_line_breaks(page, live_server, login, plain_text_source):
    project, source, _ = plain_text_source
    login("coder1")
    open_workspace(page, live_server, project, source)
    long_line, short = "a" * 5000, "b" * 30
    cases = {
        "one long line": long_line,  # no line break: one block, however long
        "a long line, then lines": long_line + "\n" + "\n".join([short] * 3),
        "short": short + "\n" + short + "\n\n" + short,
    }
    got = page.evaluate(
        """async (cases) => {
            const { paragraphs } = await import('/static/js/workspace/highlights.js');
            return Object.fromEntries(Object.entries(cases).map(([k, t]) => [k, paragraphs(t)]));
        }""",
        cases,
    )
    assert got["one long line"] == [[0, 5000, False]]
    assert got["a long line, then lines"] == [[0, 5000, True], [5001, 5000 + 3 * 31, False]]
    assert got["short"] == [[0, 61, False], [63, 93, False]]
