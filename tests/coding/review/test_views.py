import re

import pytest
from django.urls import reverse

from coding.models import Coding, DecisionKind, Event, ReviewDecision
from coding.review import decisions


@pytest.fixture
def pair(source, coder, coder_b, make_coding):
    a = make_coding(source, coder, 0, 56, confidence=3, note="coder A's private note")
    b = make_coding(source, coder_b, 0, 50, confidence=2)
    return a, b


def pi_pages(project, source, event):
    slug = project.slug
    return [
        reverse("review-queue", args=[slug]),
        reverse("review-source", args=[slug, source.pk]),
        reverse("event-list", args=[slug]),
        reverse("event-detail", args=[slug, event.event_id]),
        reverse("export", args=[slug]),
        reverse("export-zip", args=[slug]),
        reverse("export-annotations", args=[slug]),
        reverse("export-qdpx", args=[slug]),
        reverse("export-qdc", args=[slug]),
    ]


def pi_posts(project, source, decision):
    slug = project.slug
    return [
        reverse("review-decide", args=[slug, source.pk]),
        reverse("review-bulk", args=[slug, source.pk]),
        reverse("review-undo", args=[slug, decision.pk]),
    ]


@pytest.fixture
def accepted(pi, project, pair):
    return decisions.accept(pi, project, list(pair), pair[0])


def test_pi_reaches_every_review_and_export_page(client_for, pi, project, source, accepted):
    client = client_for(pi)
    for url in pi_pages(project, source, accepted.event):
        response = client.get(url)
        assert response.status_code == 200, url
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)


def test_coders_get_403_on_review_approval_and_export(client_for, coder, project, source, accepted):
    client = client_for(coder)
    for url in pi_pages(project, source, accepted.event):
        assert client.get(url).status_code == 403, url
    for url in pi_posts(project, source, accepted):
        assert client.post(url, {"action": "reject"}).status_code == 403, url
    assert accepted.undone_at is None and Event.objects.count() == 1


def test_members_of_other_projects_get_404(client_for, outsider, project, source, accepted):
    client = client_for(outsider)
    for url in pi_pages(project, source, accepted.event):
        assert client.get(url).status_code == 404, url
    for url in pi_posts(project, source, accepted):
        assert client.post(url).status_code == 404, url
    assert client.get(reverse("review-feedback", args=[project.slug])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, project, source, accepted):
    for url in [
        *pi_pages(project, source, accepted.event),
        reverse("review-feedback", args=[project.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_review_page_shows_the_source_once_with_groups_and_differences(
    client_for, pi, project, source, pair, coder_b, make_coding
):
    make_coding(source, coder_b, 100, 120)  # a singleton
    html = client_for(pi).get(reverse("review-source", args=[project.slug, source.pk])).content
    html = html.decode()
    assert html.count('class="card reader review-text"') == 1
    assert 'id="group-1"' in html and 'id="group-2"' in html
    assert "confidence differs" in html
    assert "only one coder" in html
    assert "Сергей Шойгу" in html and "金正恩" in html


def test_review_page_escapes_source_text(client_for, pi, project, coder, coder_b, make_coding):
    from tests.factories import DoneAssignmentFactory, SourceFactory

    source = SourceFactory(project=project, text="<script>alert(1)</script> and more text here")
    for user in (coder, coder_b):
        DoneAssignmentFactory(source=source, coder=user)
    make_coding(source, coder, 0, 20)
    html = client_for(pi).get(reverse("review-source", args=[project.slug, source.pk])).content
    assert b"<script>alert(1)" not in html and b"&lt;script&gt;" in html


def test_accept_through_the_page_then_undo(client_for, pi, project, source, pair):
    a, b = pair
    client = client_for(pi)
    url = reverse("review-decide", args=[project.slug, source.pk])
    response = client.post(
        url, {"codings": [a.pk, b.pk], "action": f"accept:{b.pk}", "comment": "B's reading"}
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert decision.kind == DecisionKind.ACCEPT and decision.chosen == b
    assert decision.comment == "B's reading" and decision.event.confidence == 2
    page = client.get(reverse("review-source", args=[project.slug, source.pk])).content.decode()
    assert decision.event.event_id in page
    client.post(reverse("review-undo", args=[project.slug, decision.pk]))
    assert not Event.objects.exists()


def test_bad_input_is_a_message_and_saves_nothing(client_for, pi, project, source, pair):
    a, b = pair
    client = client_for(pi)
    url = reverse("review-decide", args=[project.slug, source.pk])
    response = client.post(
        url,
        {"codings": [a.pk, b.pk], "action": "edit", "f_confidence": "7", "f_event_date": "x"},
    )
    assert response.status_code == 400  # the page again, with the form as it was filled in
    text = response.content.decode()
    assert "Nothing was saved" in text and "Confidence must be one of" in text
    assert not ReviewDecision.objects.exists()
    for data in (
        {"codings": [a.pk], "action": "explode"},
        {"codings": [a.pk], "action": "accept:999999"},
        {"codings": [a.pk, 999999], "action": "reject"},
        {"codings": [a.pk], "action": "attach", "event": "NOPE-1"},
        {"codings": [a.pk], "action": "own", "own_start": "x"},
        {"codings": [a.pk], "action": "merge", "span_from": "x"},
        {"codings": [a.pk], "action": "edit", "base": "x", "f_confidence": "x"},
        {"codings": [a.pk, "²"], "action": "reject"},  # a digit to isdigit(), not to int()
        {"codings": [a.pk, "9" * 30], "action": "reject"},  # no database holds this id
        {"codings": [a.pk], "action": "accept:²"},
        {"codings": [a.pk], "action": "merge", "span_from": "9" * 30, "merge_dyad": "²"},
        {"codings": [a.pk], "action": "own", "own_start": "²", "own_end": "9" * 30},
    ):
        assert client.post(url, data).status_code == 400, data
    assert not ReviewDecision.objects.exists()


def test_merge_through_the_page_takes_the_picked_values(client_for, pi, project, source, pair):
    a, b = pair
    client_for(pi).post(
        reverse("review-decide", args=[project.slug, source.pk]),
        {"codings": [a.pk, b.pk], "action": "merge", "span_from": b.pk,
         "merge_confidence": a.pk},
    )  # fmt: skip
    decision = ReviewDecision.objects.get()
    assert decision.kind == DecisionKind.MERGE
    assert decision.event.confidence == 3
    assert decision.event.evidence.get(primary=True).coding == b


def test_codings_of_another_source_cannot_be_smuggled_in(
    client_for, pi, project, source, pair, coder, make_coding
):
    from tests.factories import SourceFactory

    other = make_coding(SourceFactory(project=project), coder, 0, 10)
    client_for(pi).post(
        reverse("review-decide", args=[project.slug, source.pk]),
        {"codings": [pair[0].pk, other.pk], "action": "reject"},
    )
    assert not ReviewDecision.objects.exists()


def test_feedback_shows_a_coder_only_their_own_codings_and_decisions(
    client_for, pi, coder, coder_b, project, pair
):
    a, b = pair
    decisions.accept(pi, project, [a, b], b, comment="Read the second paragraph")
    html = client_for(coder_b).get(reverse("review-feedback", args=[project.slug])).content
    html = html.decode()
    assert "Read the second paragraph" in html and "your coding was taken" in html
    assert "coder A&#x27;s private note" not in html and "coder-a" not in html
    mine = client_for(coder).get(reverse("review-feedback", args=[project.slug])).content
    assert b"your coding was taken" not in mine and b"Accepted" in mine


def test_pi_edits_an_event_keeping_its_id_and_coders_cannot(
    client_for, pi, coder, project, accepted
):
    event = accepted.event
    url = reverse("event-edit", args=[project.slug, event.event_id])
    assert client_for(coder).post(url, {"f_confidence": "1"}).status_code == 403
    client = client_for(pi)
    client.post(url, {"f_confidence": "1", "f_note": "Кремль 🚀", "comment": "recheck"})
    event.refresh_from_db()
    assert (event.confidence, event.note) == (1, "Кремль 🚀")
    assert Event.objects.get().event_id == accepted.event_ref
    response = client.post(url, {"f_confidence": "9"}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    event.refresh_from_db()
    assert event.confidence == 1
    response = client.post(url, {"f_forum": "x" * 101}, follow=True)
    assert "At most 100 characters" in response.content.decode()
    event.refresh_from_db()
    assert event.forum == ""


def test_undo_from_the_event_page_goes_back_to_it(client_for, pi, project, accepted):
    """Undoing an edit there returns to the event; undoing the approval that made it, whose
    page is gone then, to the event list."""
    event = accepted.event
    client = client_for(pi)
    client.post(reverse("event-edit", args=[project.slug, event.event_id]), {"f_confidence": "1"})
    edit = ReviewDecision.objects.get(kind=DecisionKind.EDIT_EVENT)
    response = client.post(reverse("review-undo", args=[project.slug, edit.pk]), {"back": "event"})
    assert response["Location"] == reverse("event-detail", args=[project.slug, event.event_id])
    event.refresh_from_db()
    assert event.confidence != 1
    response = client.post(
        reverse("review-undo", args=[project.slug, accepted.pk]), {"back": "event"}
    )
    assert response["Location"] == reverse("event-list", args=[project.slug])
    assert not Event.objects.exists()


def test_an_event_id_with_a_control_character_is_not_found(client_for, pi, project, accepted):
    # PostgreSQL refuses text holding a NUL even in a comparison: a 404, not a 500
    client = client_for(pi)
    for odd in ("%00", "a%1Fb", "x" * 81):
        for path in (f"/projects/{project.slug}/events/{odd}/",
                     f"/projects/{project.slug}/events/{odd}/edit/",
                     f"/api/projects/{project.slug}/events/{odd}/"):  # fmt: skip
            assert client.get(path).status_code == 404, path
    event = accepted.event
    assert client.get(f"/projects/{project.slug}/events/{event.event_id}/").status_code == 200
    api = client.get(f"/api/projects/{project.slug}/events/{event.event_id}/")
    assert api.status_code == 200 and api.json()["event_id"] == event.event_id


def _group_html(html: str, number: int) -> str:
    start = html.index(f'id="group-{number}"')
    end = html.find(f'id="group-{number + 1}"', start)
    return html[start : end if end > 0 else len(html)]


def test_a_refused_edit_comes_back_as_the_pi_filled_it_in(
    client_for, pi, project, source, coder, coder_b, make_coding
):
    """The form stays open with the PI's values and the error beside the field, named by its
    label; what was saved before is still there; nothing new is saved."""
    a = make_coding(source, coder, 0, 40, side_a="RUS", side_b="CHN", confidence=3)
    b = make_coding(source, coder_b, 0, 40, side_a="RUS", side_b="CHN", confidence=2)
    c = make_coding(source, coder, 60, 80)
    d = make_coding(source, coder_b, 60, 80)
    earlier = decisions.accept(pi, project, [c, d], c)
    client = client_for(pi)
    response = client.post(
        reverse("review-decide", args=[project.slug, source.pk]),
        {
            "group": "1", "codings": [a.pk, b.pk], "action": "edit", "base": a.pk,
            "comment": "checked the Xinhua wire", "f_dyad_type": "undirected",
            "f_side_a": "CHN", "f_side_b": "CHN", "f_confidence": "1",
            "f_note": "my careful note", "f_activity": a.activity.slug,
            "f_event_date": "2023-03-21", "f_date_prec": "1",
        },
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    group = _group_html(html, 1)
    assert "<details" in group and re.search(r'<details class="more-actions" open>', group)
    assert re.search(r'<select name="f_side_a"[^>]*>.*?<option value="CHN" selected>', group)
    assert re.search(
        r'<select name="f_side_b" aria-invalid="true"[^>]*>.*?<option value="CHN" selected>', group
    )
    assert re.search(r'<select name="f_confidence"[^>]*>.*?<option value="1" selected>', group)
    assert ">my careful note</textarea>" in group
    assert 'value="checked the Xinhua wire"' in group
    assert re.search(r'<p class="field-error" id="g1-f_side_b-error">Actor A and actor B', group)
    # the message names the field as the form does, not side_b
    assert "Nothing was saved. Actor B: Actor A and actor B must differ." in html
    assert "side_b" not in re.sub(r'name="f_side_b"|g1-f_side_b-error', "", html)
    # everything saved before is still shown; nothing new was saved
    assert earlier.event.event_id in _group_html(html, 2)
    assert list(ReviewDecision.objects.all()) == [earlier]


def test_a_note_over_the_limit_is_refused_by_name(client_for, pi, project, source, pair):
    a, b = pair
    client = client_for(pi)
    url = reverse("review-decide", args=[project.slug, source.pk])
    for action in ("edit", "own"):
        response = client.post(
            url,
            {"codings": [a.pk, b.pk], "action": action, "f_note": "n" * 20_000,
             "own_start": 0, "own_end": 20, "f_activity": a.activity.slug,
             "f_dyad_type": "undirected", "f_side_a": "CHN", "f_side_b": "RUS",
             "f_confidence": "2"},
        )  # fmt: skip
        assert response.status_code == 400, action
        html = response.content.decode()
        assert "Note: At most 10,000 characters (20,000 given)." in html, action
        assert 'id="g1-f_note-error"' in html
    assert not ReviewDecision.objects.exists() and not Event.objects.exists()
    assert not Coding.objects.filter(coder=pi).exists()


def test_a_comment_over_the_limit_is_refused_and_saves_nothing(
    client_for, pi, project, source, pair
):
    """A 20,000-character comment: refused by name, the event the decision would have made
    rolled back with it (its event id is not used up either)."""
    a, b = pair
    client = client_for(pi)
    url = reverse("review-decide", args=[project.slug, source.pk])
    for action in (f"accept:{a.pk}", "reject"):
        response = client.post(
            url, {"codings": [a.pk, b.pk], "action": action, "comment": "c" * 20_000}
        )
        assert response.status_code == 400, action
        assert "At most 10,000 characters (20,000 given)." in response.content.decode()
    assert not ReviewDecision.objects.exists() and not Event.objects.exists()
    response = client.post(
        url, {"codings": [a.pk, b.pk], "action": f"accept:{a.pk}", "comment": "c" * 10_000}
    )
    assert response.status_code == 302
    assert Event.objects.get().event_id.endswith("000001")
