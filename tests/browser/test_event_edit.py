"""An event's page in Chromium: a refused "Edit this event" comes back with the form open, every
value the PI entered and the comment, each error under its field named by its label; nothing is
saved, and corrected it saves."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from coding.models import Activity, DecisionKind, ReviewDecision
from coding.review import decisions
from tests.browser.review_study import two_coders_done
from tests.factories import CodingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMIT = "Xi Jinping and Vladimir Putin met in Moscow"
TEXT = f"{SUMMIT} and signed a joint statement."


@pytest.fixture
def event(db):
    project, source, coders = two_coders_done(title="Summit", text=TEXT)
    codebook = project.codebook
    heads = Activity.objects.get(area__codebook=codebook, slug="heads_of_state")
    rus, chn = (codebook.actors.get(iso3=x) for x in ("RUS", "CHN"))
    fields = dict(activity=heads, area=heads.area, side_a=rus, side_b=chn, confidence=3,
                  event_date=dt.date(2023, 3, 21), date_precision="day")  # fmt: skip
    codings = [
        CodingFactory(source=source, coder=coder, start=0, end=len(SUMMIT), **fields)
        for coder in coders
    ]
    pi = project.memberships.get(user__username="pi").user
    return decisions.accept(pi, project, codings, codings[0]).event


def test_a_refused_event_edit_keeps_what_the_pi_typed(page, live_server, login, screenshot, event):
    before = decisions.snapshot(event)
    login("pi")
    page.goto(f"{live_server.url}/projects/pilot/events/{event.event_id}/")
    edit = page.locator("#edit-event")
    edit.locator("summary").click()
    edit.locator("[name=f_side_a]").select_option("CHN")
    edit.locator("[name=f_side_b]").select_option("CHN")
    edit.locator("[name=f_confidence]").select_option("1")
    edit.locator("[name=f_note]").fill("my careful note")
    edit.locator("[name=comment]").fill("see the Kremlin readout")
    with page.expect_navigation() as navigation:
        edit.get_by_role("button", name="Save changes").click()
    screenshot("event-edit-refused")
    assert navigation.value.status == 400  # the page again with the form, not a redirect

    expect(page.locator("ul.messages")).to_contain_text(
        "Nothing was saved. Actor B: Actor A and actor B must differ."
    )
    edit = page.locator("#edit-event")
    expect(edit).to_have_attribute("open", "")
    expect(edit.get_by_label("Actor A")).to_have_value("CHN")
    expect(edit.get_by_label("Actor B")).to_have_value("CHN")
    expect(edit.get_by_label("Confidence")).to_have_value("1")
    expect(edit.get_by_label("Note")).to_have_value("my careful note")
    expect(edit.get_by_label("Comment")).to_have_value("see the Kremlin readout")
    expect(edit.locator("#event-f_side_b-error")).to_have_text("Actor A and actor B must differ.")
    expect(edit.get_by_label("Actor B")).to_have_attribute(
        "aria-describedby", "event-f_side_b-error"
    )
    expect(edit.get_by_label("Actor B")).to_be_focused()
    # the error sits under Actor B, not elsewhere on the page
    field = edit.get_by_label("Actor B").bounding_box()
    error = edit.locator("#event-f_side_b-error").bounding_box()
    assert error["y"] >= field["y"] + field["height"] - 1
    assert abs(error["x"] - field["x"]) < 40
    assert decisions.snapshot(event) == before
    assert not ReviewDecision.objects.filter(kind=DecisionKind.EDIT_EVENT).exists()
    edit.screenshot(
        path=str(screenshot("event-edit-refused").with_name("event-edit-refused-form.png"))
    )

    # corrected, it saves everything the PI typed
    edit.get_by_label("Actor B").select_option("RUS")
    edit.get_by_role("button", name="Save changes").click()
    expect(page.locator("#event-fields")).to_contain_text("my careful note")
    event.refresh_from_db()
    assert (event.side_a.iso3, event.side_b.iso3, event.confidence) == ("CHN", "RUS", 1)
    assert ReviewDecision.objects.get(kind=DecisionKind.EDIT_EVENT).comment == (
        "see the Kremlin readout"
    )
