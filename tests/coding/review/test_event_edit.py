"""An event's page: a refused "Edit this event" comes back as the PI filled it in (400), each
error under its field named by its label, nothing saved; a valid edit is saved as before."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from coding.models import DecisionKind, ReviewDecision
from coding.review import decisions


@pytest.fixture
def event(pi, project, source, coder, coder_b, make_coding):
    a = make_coding(source, coder, 0, 56, side_a="RUS", side_b="CHN", confidence=3,
                    activity="heads_of_state")  # fmt: skip
    b = make_coding(source, coder_b, 0, 50, side_a="CHN", side_b="RUS", confidence=3,
                    activity="heads_of_state")  # fmt: skip
    return decisions.accept(pi, project, [a, b], a).event


def form(event, **changes):
    """The edit form as the page posts it: every field, with `changes`."""
    post = {
        "f_dyad_type": event.dyad_type, "f_side_a": event.side_a.iso3,
        "f_side_b": event.side_b.iso3, "f_participants": "", "f_forum": event.forum,
        "f_activity": event.activity.slug, "f_confidence": str(event.confidence),
        "f_event_date": event.event_date.isoformat(),
        "f_event_date_end": event.event_date_end.isoformat(),
        "f_date_prec": str(event.date_prec or ""), "f_note": event.note, "comment": "",
    }  # fmt: skip
    return {**post, **changes}


def _edit_form(html: str) -> str:
    start = html.index('id="edit-event"')
    return html[start : html.index("</details>", start)]


def test_a_refused_event_edit_comes_back_as_the_pi_filled_it_in(client_for, pi, project, event):
    before = decisions.snapshot(event)
    url = reverse("event-edit", args=[project.slug, event.event_id])
    response = client_for(pi).post(
        url,
        form(event, f_side_a="CHN", f_side_b="CHN", f_confidence="1",
             f_note="my careful note", comment="checked the Xinhua wire"),
    )  # fmt: skip
    assert response.status_code == 400  # the event page again, not a redirect
    html = response.content.decode()
    assert "Nothing was saved. Actor B: Actor A and actor B must differ." in html
    edit = _edit_form(html)
    assert re.search(r'<details class="more-actions" id="edit-event" open>', html)
    assert re.search(r'<select name="f_side_a"[^>]*>.*?<option value="CHN" selected>', edit)
    assert re.search(
        r'<select name="f_side_b" aria-invalid="true"[^>]*>.*?<option value="CHN" selected>', edit
    )
    assert re.search(r'<select name="f_confidence"[^>]*>.*?<option value="1" selected>', edit)
    assert ">my careful note</textarea>" in edit
    assert 'value="checked the Xinhua wire"' in edit
    # the error under Actor B, which the form labels "Actor B", as the message names it
    assert re.search(
        r'Actor B\s*<select name="f_side_b".*?</label>\s*'
        r'<p class="field-error" id="event-f_side_b-error">Actor A and actor B must differ.</p>',
        edit,
        re.S,
    )
    assert "side_b" not in re.sub(r'name="f_side_b"|event-f_side_b-error', "", html)
    # nothing saved
    assert decisions.snapshot(event) == before
    assert not ReviewDecision.objects.filter(kind=DecisionKind.EDIT_EVENT).exists()


def test_an_error_in_the_latest_date_shows_under_it(client_for, pi, project, event):
    url = reverse("event-edit", args=[project.slug, event.event_id])
    response = client_for(pi).post(
        url, form(event, f_event_date="2023-03-21", f_event_date_end="2023-03-01")
    )
    assert response.status_code == 400
    edit = _edit_form(response.content.decode())
    assert re.search(r'<input type="date" name="f_event_date_end" value="2023-03-01"', edit)
    assert re.search(
        r'Latest date\s*<input type="date" name="f_event_date_end"[^>]*>\s*</label>\s*'
        r'<p class="field-error" id="event-f_event_date_end-error">The latest date is before',
        edit,
    )
    assert not ReviewDecision.objects.filter(kind=DecisionKind.EDIT_EVENT).exists()


def test_the_form_first_shows_the_event_and_a_valid_edit_is_saved(client_for, pi, project, event):
    client = client_for(pi)
    page = client.get(reverse("event-detail", args=[project.slug, event.event_id]))
    edit = _edit_form(page.content.decode())
    assert '<details class="more-actions" id="edit-event">' in page.content.decode()
    assert re.search(r'<select name="f_side_a"[^>]*>.*?<option value="CHN" selected>', edit)
    assert re.search(r'<select name="f_side_b"[^>]*>.*?<option value="RUS" selected>', edit)
    assert 'class="field-error"' not in edit
    url = reverse("event-edit", args=[project.slug, event.event_id])
    response = client.post(url, form(event, f_confidence="1", comment="recheck"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.confidence == 1
    assert ReviewDecision.objects.get(kind=DecisionKind.EDIT_EVENT).comment == "recheck"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"f_date_prec": ""}, "f_date_prec", "With a date, choose its precision"),
        (
            {"f_event_date": "", "f_event_date_end": "", "f_date_prec": "4"},
            "f_event_date",
            "Give the event date for this precision",
        ),
    ],
)
def test_a_date_and_its_precision_go_together(
    client_for, pi, project, event, changes, field, message
):
    """A date with precision "unknown" (or a precision without a date) would export a row
    whose date_prec is empty beside a date: refused, as the workspace refuses it."""
    before = decisions.snapshot(event)
    url = reverse("event-edit", args=[project.slug, event.event_id])
    response = client_for(pi).post(url, form(event, **changes))
    assert response.status_code == 400
    edit = _edit_form(response.content.decode())
    assert re.search(rf'<p class="field-error" id="event-{field}-error">{message}', edit)
    assert decisions.snapshot(event) == before
    # no date and no precision: an undated event, accepted
    response = client_for(pi).post(
        url, form(event, f_event_date="", f_event_date_end="", f_date_prec="")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.event_date, event.event_date_end, event.date_prec) == (None, None, None)


def test_the_latest_date_follows_the_date_and_precision_unless_given(
    client_for, pi, project, event
):
    """The form always posts the latest date: left empty, or left as it was while the date or
    the precision changed, it is worked out as an approval works it out (a month: its last
    day); typed in, it is kept."""
    url = reverse("event-edit", args=[project.slug, event.event_id])
    client = client_for(pi)

    def edit(**changes):
        assert client.post(url, form(event, **changes)).status_code == 302
        event.refresh_from_db()
        return event.event_date, event.event_date_end, event.date_prec

    june, june_end = dt.date(2024, 6, 1), dt.date(2024, 6, 30)
    assert edit(f_event_date="2024-06-01", f_event_date_end="", f_date_prec="4") == (
        june, june_end, 4,
    )  # fmt: skip
    assert edit(f_date_prec="5") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31), 5)
    assert edit(f_event_date="2024-06-03", f_event_date_end="2024-06-05", f_date_prec="2") == (
        dt.date(2024, 6, 3), dt.date(2024, 6, 5), 2,
    )  # fmt: skip
