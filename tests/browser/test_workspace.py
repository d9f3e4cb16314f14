"""The coding workspace in Chromium: code, reload, edit, delete, blind coding, keyboard-only,
offline saves, version conflicts, and the offsets conversion in the browser."""

import re

import pytest
from playwright.sync_api import expect

from coding.models import Activity, Coding, Role
from coding.offsets import points_to_utf16
from coding.workspace.codings import create_coding, update_coding
from tests.coding.test_offsets import SAMPLES
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Joint patrol 🚢 in the Sea of Japan\n\n"
    "On 15 July 2024 the navies of 中国 and Россия began a joint patrol 🚢 in the Sea of Japan, "
    "the ministry said. Analysts in Tehran (تهران، می‌گوید) called it routine.\n\n"
    "Officials said more exercises would follow next year, and the patrol ended on 20 July."
)
PASSAGE = "中国 and Россия began a joint patrol 🚢"


@pytest.fixture
def study(db):
    project = ProjectFactory(slug="ties", name="Security ties")
    for value, key in ((1, "q"), (2, "w"), (3, "e")):  # as in the default codebook
        project.codebook.confidence_levels.filter(value=value).update(shortcut=key)
    source = SourceFactory(project=project, title="Joint patrol", text=TEXT, language="en")
    for name in ("coder1", "coder2"):
        user = UserFactory(username=name)
        MembershipFactory(project=project, user=user, role=Role.CODER)
        AssignmentFactory(source=source, coder=user)
    MembershipFactory(project=project, user=PIUserFactory(username="pi"), role=Role.PI)
    return project, source


def open_workspace(page, live_server, project, source):
    page.goto(f"{live_server.url}/projects/{project.slug}/sources/{source.pk}/code/")
    expect(page.locator("#reader[data-ready]")).to_have_count(1)


def select_points(page, start, end):
    assert page.evaluate("([s, e]) => window.workspace.selectPoints(s, e)", [start, end])
    expect(page.locator("#coding-form")).to_be_visible()


def fill_form(page, *, activity="military_exercises", conf="3"):
    act = Activity.objects.get(slug=activity, area__codebook__projects__slug="ties")
    form = page.locator("#coding-form")
    form.get_by_label("Actor A").select_option(label="CHN · China")
    form.get_by_label("Actor B").select_option(label="RUS · Russia")
    form.get_by_label("Area").select_option(str(act.area_id))
    form.get_by_label("Activity").select_option(str(act.pk))
    form.locator(f'input[name=confidence][value="{conf}"]').check()
    form.get_by_label("Precision").select_option("day")
    form.get_by_label("Event date").fill("2024-07-15")
    form.get_by_label("Note").fill("Joint naval patrol.")


def logout(page):
    page.context.clear_cookies()


def test_code_reload_edit_delete_and_blind_coding(page, live_server, login, screenshot, study):
    project, source = study
    start = TEXT.index(PASSAGE)
    end = start + len(PASSAGE)
    login("coder1")
    open_workspace(page, live_server, project, source)
    screenshot("workspace-document-empty")
    select_points(page, start, end)
    expect(page.locator("#cf-quote")).to_have_text(PASSAGE)
    fill_form(page)
    screenshot("workspace-form")
    page.locator("#cf-save").click()
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))
    expect(page.locator("#assignment-status")).to_have_text("In progress")  # no reload needed
    coding = Coding.objects.get()
    assert (coding.start, coding.end, coding.quote) == (start, end, PASSAGE)
    assert coding.coder.username == "coder1" and coding.confidence == 3

    page.reload()
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    highlighted = page.evaluate(
        "() => [...document.querySelectorAll('#reader .seg.hl')].map(s => s.textContent).join('')"
    )
    assert highlighted == PASSAGE
    expect(page.locator("#coding-list li")).to_have_count(1)
    expect(page.locator("#assignment-status")).to_have_text("In progress")
    page.locator("#reader .seg.hl").first.hover()
    expect(page.locator("#ws-tip")).to_contain_text("Military exercises")
    screenshot("workspace-document")

    # Edit: confidence by its shortcut.
    page.locator("#reader .seg.hl").first.click()
    expect(page.locator("#cf-title")).to_have_text("Edit coding")
    page.locator("#cf-area").press("w")
    page.locator("#cf-save").click()
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))
    coding.refresh_from_db()
    assert (coding.confidence, coding.version) == (2, 2)

    # Delete it, then code it again for the blind-coding checks.
    page.locator("#coding-list li").first.click()
    page.locator("#cf-delete").click()
    expect(page.locator("#coding-list li")).to_have_count(0)
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))
    assert not Coding.objects.exists()
    select_points(page, start, end)
    fill_form(page)
    page.keyboard.press("Enter")
    expect(page.locator("#coding-list li")).to_have_count(1)
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))
    assert Coding.objects.count() == 1

    logout(page)
    login("coder2")
    open_workspace(page, live_server, project, source)
    expect(page.locator("#reader .seg.hl")).to_have_count(0)
    expect(page.locator("#coding-count")).to_have_text("0")
    assert "Joint naval patrol" not in page.content()

    logout(page)
    login("pi")
    open_workspace(page, live_server, project, source)
    expect(page.locator("#coding-list li")).to_have_count(1)
    expect(page.locator("#coding-list li")).to_contain_text("coder1")
    page.locator("#coder-filter").select_option("coder2")
    expect(page.locator("#coding-list li")).to_have_count(0)
    screenshot("workspace-pi")


def test_keyboard_only_coding(page, live_server, login, study):
    project, source = study
    login("coder1")
    open_workspace(page, live_server, project, source)
    page.keyboard.press("/")
    page.keyboard.type("officials said")
    page.keyboard.press("Enter")
    expect(page.locator("#coding-form")).to_be_visible()
    expect(page.locator("#cf-quote")).to_have_text("Officials said")
    page.keyboard.press("Tab")  # the focus stayed in the find box (Enter finds the next); Tab: Pair
    page.keyboard.press("Tab")  # actor A, then actor B (the direction is below them)
    page.keyboard.type("C")  # China
    page.keyboard.press("Tab")
    page.keyboard.type("R")  # Russia
    page.keyboard.press("3")  # area shortcut: Preparations for war, focus moves to activity
    war = Activity.objects.get(slug="military_exercises", area__codebook=project.codebook).area
    expect(page.locator("#cf-area")).to_have_value(str(war.pk))
    page.keyboard.press("e")  # confidence: high
    page.keyboard.press("Enter")
    expect(page.locator("#coding-form")).to_be_hidden()
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))
    coding = Coding.objects.get()
    assert coding.quote == "Officials said" and coding.confidence == 3
    assert {coding.side_a.iso3, coding.side_b.iso3} == {"CHN", "RUS"}
    assert coding.activity.area.slug == "preparations_for_war"


def test_panel_shortcuts_work_after_a_click_on_the_panels_text(page, live_server, login, study):
    """A click on the panel's title or quote (no field) leaves the focus in the panel, so the
    area and confidence keys still act on it (before, the focus went to the page's body)."""
    project, source = study
    login("coder1")
    open_workspace(page, live_server, project, source)
    page.keyboard.press("/")
    page.keyboard.type("officials said")
    page.keyboard.press("Enter")
    war = Activity.objects.get(slug="military_exercises", area__codebook=project.codebook).area
    for place in ("#cf-title", "#cf-quote"):
        page.locator(place).click()
        page.keyboard.press("1")
        page.locator(place).click()
        page.keyboard.press("3")
        expect(page.locator("#cf-area")).to_have_value(str(war.pk))
        page.locator(place).click()
        page.keyboard.press("w")
        expect(page.locator("input[name=confidence][value='2']")).to_be_checked()
        page.locator(place).click()
        page.keyboard.press("q")
        expect(page.locator("input[name=confidence][value='1']")).to_be_checked()


def test_keyboard_selects_a_long_passage_by_its_first_and_last_words(
    page, live_server, login, study
):
    project, source = study
    login("coder1")
    open_workspace(page, live_server, project, source)
    page.keyboard.press("/")
    page.keyboard.type("THE NAVIES … joint patrol")  # any case; the middle is not typed
    page.keyboard.press("Enter")
    expect(page.locator("#cf-quote")).to_have_text(
        "the navies of 中国 and Россия began a joint patrol"
    )
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    page.keyboard.press("Control+a")
    page.keyboard.type("routine. officials said")  # across the paragraph break
    page.keyboard.press("Enter")
    expect(page.locator("#cf-quote")).to_have_text(re.compile(r"^routine\.\s+Officials said$"))


def test_offline_save_is_kept_pending_across_reload_then_saved(page, live_server, login, study):
    project, source = study
    start = TEXT.index("Analysts in Tehran")
    login("coder1")
    open_workspace(page, live_server, project, source)
    blocked = re.compile(r".*/api/projects/.*/codings/.*")
    page.route(blocked, lambda route: route.abort())
    select_points(page, start, start + len("Analysts in Tehran"))
    fill_form(page)
    page.locator("#cf-save").click()
    expect(page.locator("#save-status")).to_contain_text("pending")
    expect(page.locator("#coding-list li")).to_contain_text("Pending")
    page.reload()
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    expect(page.locator("#coding-list li")).to_contain_text("Pending")
    assert not Coding.objects.exists()
    page.unroute(blocked)
    expect(page.locator("#save-status")).to_have_text(
        re.compile("Saved|All changes saved"), timeout=20_000
    )
    expect(page.locator("#coding-list li .ci-state")).to_have_count(0)
    assert Coding.objects.get().quote == "Analysts in Tehran"


def test_two_tabs_keep_their_own_pending_saves_and_a_closed_tabs_are_adopted(
    page, live_server, login, study
):
    project, source = study
    blocked = re.compile(r".*/api/projects/.*/codings/.*")
    login("coder1")
    tabs = [page, page.context.new_page()]
    for tab, passage in zip(tabs, ("Analysts in Tehran", "Officials said"), strict=True):
        open_workspace(tab, live_server, project, source)
        tab.route(blocked, lambda route: route.abort())
        start = TEXT.index(passage)
        select_points(tab, start, start + len(passage))
        fill_form(tab)
        tab.locator("#cf-save").click()
        expect(tab.locator("#save-status")).to_contain_text("pending")
    lists = tabs[1].evaluate(
        "Object.keys(localStorage).filter((k) => k.startsWith('ws:'))"
        ".map((k) => JSON.parse(localStorage.getItem(k)).map((op) => op.data.quote))"
    )
    assert sorted(lists) == [["Analysts in Tehran"], ["Officials said"]]  # neither overwritten
    tabs[0].close()  # with its save still pending
    tabs[1].unroute(blocked)
    tabs[1].reload()  # adopts the closed tab's list and sends it with its own
    expect(tabs[1].locator("#reader[data-ready]")).to_have_count(1)
    expect(tabs[1].locator("#save-status")).to_have_text(
        re.compile("Saved|All changes saved"), timeout=20_000
    )
    expect(tabs[1].locator("#coding-list li .ci-state")).to_have_count(0)
    quotes = sorted(Coding.objects.values_list("quote", flat=True))
    assert quotes == ["Analysts in Tehran", "Officials said"]
    assert tabs[1].evaluate("Object.keys(localStorage).filter((k) => k.startsWith('ws:'))") == []


def test_stale_edit_shows_a_conflict(page, live_server, login, study):
    project, source = study
    login("coder1")
    start = TEXT.index(PASSAGE)
    open_workspace(page, live_server, project, source)
    select_points(page, start, start + len(PASSAGE))
    fill_form(page)
    page.locator("#cf-save").click()
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))
    coding = Coding.objects.get()
    update_coding(coding, coding.coder, {"note": "Changed in another tab."}, 1)
    page.locator("#reader .seg.hl").first.click()
    page.get_by_label("Note").fill("My stale edit.")
    page.locator("#cf-save").click()
    expect(page.locator("#ws-banner")).to_contain_text("changed elsewhere")
    coding.refresh_from_db()
    assert coding.note == "Changed in another tab." and coding.version == 2


def test_done_and_reopen(page, live_server, login, study):
    project, source = study
    login("coder1")
    open_workspace(page, live_server, project, source)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator("#assignment-status")).to_have_text("Done")
    assert page.evaluate("() => window.workspace.selectPoints(0, 5)")
    expect(page.locator("#ws-banner")).to_contain_text("reopen")
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator("#assignment-status")).to_have_text("In progress")


def test_offsets_conversion_in_the_browser(page, live_server, login, study):
    project, source = study
    login("coder1")
    open_workspace(page, live_server, project, source)
    for text in SAMPLES.values():
        expected = [points_to_utf16(text, p) for p in range(len(text) + 1)]
        got = page.evaluate(
            """async (text) => {
                const { OffsetMap } = await import('/static/js/workspace/offsets.js');
                const m = new OffsetMap(text);
                const units = [], back = [];
                for (let p = 0; p <= m.length; p++) {
                    units.push(m.toUnits(p));
                    back.push(m.toPoints(m.toUnits(p)));
                }
                return { units, back, length: m.length };
            }""",
            text,
        )
        assert got["length"] == len(text)
        assert got["units"] == expected
        assert got["back"] == list(range(len(text) + 1))


def test_nested_and_overlapping_highlights_are_each_clickable(
    page, live_server, login, screenshot, study
):
    project, source = study
    coder = project.memberships.get(user__username="coder1").user
    act = Activity.objects.get(slug="military_exercises", area__codebook=project.codebook)
    heads = Activity.objects.get(slug="heads_of_state", area__codebook=project.codebook)
    actors = {a.iso3: a.pk for a in project.codebook.actors.all()}
    spans = {"outer": "On 15 July 2024 the navies of 中国 and Россия", "inner": "中国",
             "overlap": "Россия began a joint patrol"}  # fmt: skip
    made = {}
    for name, quote in spans.items():
        start = TEXT.index(quote)
        activity = heads if name == "inner" else act
        made[name] = create_coding(
            source, coder,
            {"start": start, "end": start + len(quote), "quote": quote, "dyad_type": "undirected",
             "side_a": actors["CHN"], "side_b": actors["RUS"], "area": activity.area_id,
             "activity": activity.pk, "confidence": 2, "note": name},
        )  # fmt: skip
    login("coder1")
    open_workspace(page, live_server, project, source)
    expect(page.locator("#coding-list li")).to_have_count(3)
    # The inner span is covered by two codings: a click offers both.
    inner = page.locator("#reader .seg.hl", has_text="中国").first
    assert set(inner.get_attribute("data-ids").split()) == {
        f"c{made['outer'].pk}", f"c{made['inner'].pk}",
    }  # fmt: skip
    inner.click()
    expect(page.locator("#ws-chooser button")).to_have_count(2)
    screenshot("workspace-overlaps")
    page.locator("#ws-chooser button", has_text="Heads of state").click()
    expect(page.locator("#cf-note")).to_have_value("inner")
    page.keyboard.press("Escape")
    # Each coding has at least one segment only it covers or that opens it.
    for name, coding in made.items():
        page.locator(f"#coding-list li[data-key=c{coding.pk}]").click()
        expect(page.locator("#cf-note")).to_have_value(name)
        page.keyboard.press("Escape")
    page.goto(f"{live_server.url}/projects/{project.slug}/queue/")
    expect(page.get_by_role("link", name=re.compile("Continue where I stopped"))).to_be_visible()
    screenshot("coder-queue")


# --- a save stored by the server whose answer was lost (client_id) ---------------------------

CODINGS_URL = re.compile(r".*/api/projects/.*/sources/.*/codings/$")
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def lose_answers(page):
    """Let every POST of a new coding reach the server, then drop its answer (as when the
    connection breaks mid-answer); returns the bodies sent."""
    sent = []

    def deliver_then_drop(route):
        if route.request.method != "POST":
            return route.continue_()
        sent.append(route.request.post_data_json)
        route.fetch()  # the server stores the coding...
        route.abort()  # ...and the browser never hears back

    page.route(CODINGS_URL, deliver_then_drop)
    return sent


def retry_now(page):
    page.unroute(CODINGS_URL)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-status")).to_have_text(
        re.compile("Saved|All changes saved"), timeout=20_000
    )


def save_lost(page, start, passage):
    select_points(page, start, start + len(passage))
    fill_form(page)
    with page.expect_event("requestfailed"):  # the answer is lost
        page.locator("#cf-save").click()
    expect(page.locator("#save-status")).to_contain_text("pending")
    expect(page.locator("#coding-list li", has_text=passage)).to_contain_text("Pending")


def test_lost_answer_then_retry_stores_one_coding(page, live_server, login, screenshot, study):
    project, source = study
    passage = "Analysts in Tehran"
    login("coder1")
    open_workspace(page, live_server, project, source)
    sent = lose_answers(page)
    save_lost(page, TEXT.index(passage), passage)
    assert Coding.objects.count() == 1  # stored, though the page could not know
    screenshot("workspace-lost-answer-pending")
    posts = []
    page.on("request", lambda r: posts.append(r.post_data_json) if r.method == "POST" else None)
    retry_now(page)
    expect(page.locator("#coding-list li")).to_have_count(1)
    expect(page.locator("#coding-list li .ci-state")).to_have_count(0)
    coding = Coding.objects.get()
    key = sent[0]["client_id"]
    assert UUID4.fullmatch(key) and str(coding.client_id) == key
    assert posts and {p["client_id"] for p in posts if p} == {key}  # the retry sent the same key
    assert coding.quote == passage and coding.version == 1
    page.reload()
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    expect(page.locator("#coding-list li")).to_have_count(1)
    assert Coding.objects.count() == 1


def test_lost_answer_then_reload_shows_it_once_and_saves_no_copy(page, live_server, login, study):
    project, source = study
    passage = "Analysts in Tehran"
    login("coder1")
    open_workspace(page, live_server, project, source)
    lose_answers(page)
    save_lost(page, TEXT.index(passage), passage)
    page.reload()  # the pending save is found among the stored codings by its client_id
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    expect(page.locator("#coding-list li")).to_have_count(1)
    expect(page.locator("#coding-list li .ci-state")).to_have_count(0)
    retry_now(page)
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('ws:'))") == []
    assert Coding.objects.get().quote == passage


def test_edit_and_delete_while_the_lost_save_is_pending(page, live_server, login, study):
    """The first attempt was stored without the later edit (or before the delete): the retry
    finds it by its client_id, then sends the edit as an update (or deletes it)."""
    project, source = study
    login("coder1")
    open_workspace(page, live_server, project, source)
    lose_answers(page)
    save_lost(page, TEXT.index("Analysts in Tehran"), "Analysts in Tehran")
    page.locator("#coding-list li").first.click()  # edit the pending coding: confidence 2
    page.locator("#cf-area").press("w")
    with page.expect_event("requestfailed"):  # resent with the edit; the answer is lost again
        page.locator("#cf-save").click()
    expect(page.locator("#coding-list li")).to_contain_text("Pending")
    retry_now(page)
    expect(page.locator("#coding-list li .ci-state")).to_have_count(0)
    coding = Coding.objects.get()
    assert coding.quote == "Analysts in Tehran"
    assert (coding.confidence, coding.version) == (2, 2)  # the edit followed as an update

    lose_answers(page)
    save_lost(page, TEXT.index("Officials said"), "Officials said")
    assert Coding.objects.count() == 2
    page.locator("#coding-list li", has_text="Officials said").click()
    with page.expect_event("requestfailed"):
        page.locator("#cf-delete").click()  # delete it while pending
    expect(page.locator("#coding-list li")).to_have_count(1)
    retry_now(page)
    expect(page.locator("#coding-list li")).to_have_count(1)
    assert list(Coding.objects.values_list("quote", flat=True)) == ["Analysts in Tehran"]
    page.reload()
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    expect(page.locator("#coding-list li")).to_have_count(1)
