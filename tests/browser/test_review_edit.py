"""The review page's "Edit and accept" in Chromium: a refused edit keeps what the PI typed, the
error beside the field named by its label; an undirected pair entered in either order agrees."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from coding.models import Activity, Event, ReviewDecision
from tests.browser.review_study import two_coders_done
from tests.factories import (
    CodingFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMIT = "Xi Jinping and Vladimir Putin met in Moscow"
SHELLS = "North Korean shells may have reached Russia"
TEXT = f"{SUMMIT} and signed a joint statement.\n\nAnalysts said {SHELLS}."


@pytest.fixture
def study(db):
    project, source, coders = two_coders_done(title="Summit", text=TEXT)
    codebook = project.codebook
    heads = Activity.objects.get(area__codebook=codebook, slug="heads_of_state")
    arms = Activity.objects.get(area__codebook=codebook, slug="arms_sales")
    rus, chn, prk = (codebook.actors.get(iso3=x) for x in ("RUS", "CHN", "PRK"))

    def code(coder, quote, activity, **kw):
        start = TEXT.index(quote)
        kw.update(event_date=dt.date(2023, 3, 21), date_precision="day")
        return CodingFactory(source=source, coder=coder, start=start, end=start + len(quote),
                             activity=activity, area=activity.area, **kw)  # fmt: skip

    # the same undirected pair, entered in the two orders
    code(coders[0], SUMMIT, heads, side_a=rus, side_b=chn, confidence=3)
    code(coders[1], SUMMIT, heads, side_a=chn, side_b=rus, confidence=3)
    code(coders[1], SHELLS, arms, dyad_type="directed", side_a=prk, side_b=rus, confidence=1)
    return project, source


def test_a_refused_edit_keeps_what_the_pi_typed(page, live_server, login, screenshot, study):
    _, source = study
    login("pi")
    page.goto(f"{live_server.url}/projects/pilot/review/sources/{source.pk}/")
    group = page.locator("#group-1")
    # the same undirected pair: no disagreement
    expect(group.locator(".badge.ok")).to_have_text("fully agreed")
    expect(group.locator(".badge.diff")).to_have_count(0)
    expect(group.locator("td.differs")).to_have_count(0)
    page.evaluate("window.notReloaded = true")
    group.locator("summary").click()
    group.get_by_label("Actor A").select_option("CHN")
    group.get_by_label("Actor B").select_option("CHN")
    group.get_by_label("Confidence").select_option("1")
    group.get_by_label("Note").fill("my careful note")
    group.get_by_placeholder("Comment (optional)").fill("see the Kremlin readout")
    group.get_by_role("button", name="Edit and accept").click()

    toast = page.locator("#review-toast")
    expect(toast).to_contain_text("Nothing was saved. Actor B: Actor A and actor B must differ.")
    expect(toast).not_to_contain_text("side_b")
    group = page.locator("#group-1")
    expect(group.locator("details.more-actions")).to_have_attribute("open", "")
    expect(group.get_by_label("Actor A")).to_have_value("CHN")
    expect(group.get_by_label("Actor B")).to_have_value("CHN")
    expect(group.get_by_label("Confidence")).to_have_value("1")
    expect(group.get_by_label("Note")).to_have_value("my careful note")
    expect(group.get_by_placeholder("Comment (optional)")).to_have_value("see the Kremlin readout")
    error = group.locator("#g1-f_side_b-error")
    expect(error).to_have_text("Actor A and actor B must differ.")
    expect(group.get_by_label("Actor B")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True
    assert not ReviewDecision.objects.exists() and not Event.objects.exists()
    group.screenshot(
        path=str(screenshot("review-edit-refused").with_name("review-edit-refused-group.png"))
    )

    # corrected, it is accepted with everything the PI typed
    group.get_by_label("Actor B").select_option("RUS")
    group.get_by_role("button", name="Edit and accept").click()
    expect(page.locator("#group-1 .decision")).to_contain_text("PILOT-000001")
    event = Event.objects.get()
    assert (event.side_a.iso3, event.side_b.iso3, event.confidence) == ("CHN", "RUS", 1)
    assert event.note == "my careful note"
    assert ReviewDecision.objects.get().comment == "see the Kremlin readout"
