import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coding.models import DecisionKind, Event, EventEvidence, ReviewDecision
from coding.review import decisions
from tests.factories import DoneAssignmentFactory, SourceFactory


@pytest.fixture
def pair(source, coder, coder_b, make_coding):
    a = make_coding(source, coder, 0, 56, confidence=3, note="Summit «Москва» 峰会 🚀")
    b = make_coding(source, coder_b, 0, 50, confidence=2, side_a="RUS", side_b="CHN")
    return a, b


def test_accept_makes_the_chosen_coding_an_event_with_the_group_as_evidence(pi, project, pair):
    a, b = pair
    decision = decisions.accept(pi, project, [a, b], b, comment="B is right")
    event = decision.event
    assert decision.kind == DecisionKind.ACCEPT and decision.comment == "B is right"
    assert event.event_id == f"{project.slug.upper()}-000001"
    assert event.confidence == 2  # b's
    # undirected: side A sorts before side B
    assert (event.side_a.iso3, event.side_b.iso3) == ("CHN", "RUS")
    assert (event.event_date, event.event_date_end, event.date_prec) == (
        dt.date(2023, 3, 21), dt.date(2023, 3, 21), 1,
    )  # fmt: skip
    assert sorted(event.evidence.values_list("coding_id", "primary")) == [
        (a.pk, False), (b.pk, True),
    ]  # fmt: skip
    assert event.approved_by == pi


def test_a_decided_coding_cannot_be_decided_again(pi, project, pair):
    a, b = pair
    decisions.reject(pi, project, [a, b])
    with pytest.raises(ValidationError, match="decided already"):
        decisions.accept(pi, project, [a, b], a)


def test_edit_and_accept_applies_checked_changes(pi, project, pair):
    a, b = pair
    changes = {
        "confidence": "1",
        "event_date": "2023-03-01",
        "date_prec": "4",
        "note": "克里姆林宫",
    }
    decision = decisions.edit_and_accept(pi, project, [a, b], a, changes)
    event = decision.event
    assert decision.kind == DecisionKind.EDIT_ACCEPT
    assert event.confidence == 1 and event.note == "克里姆林宫"
    assert (event.event_date, event.event_date_end, event.date_prec) == (
        dt.date(2023, 3, 1), dt.date(2023, 3, 31), 4,
    )  # fmt: skip


def test_edit_and_accept_refuses_bad_fields_and_saves_nothing(pi, project, pair):
    a, b = pair
    with pytest.raises(ValidationError) as info:
        decisions.edit_and_accept(
            pi, project, [a, b], a, {"confidence": "9", "side_b": "XXX", "event_date": "soon"}
        )
    assert set(info.value.message_dict) == {"confidence", "side_b", "event_date"}
    assert not Event.objects.exists() and not ReviewDecision.objects.exists()
    with pytest.raises(ValidationError) as info:  # longer than the column (a 500 on PostgreSQL)
        decisions.edit_and_accept(pi, project, [a, b], a, {"forum": "Шанхай " * 15})
    assert "At most 100 characters" in info.value.message_dict["forum"][0]
    assert not Event.objects.exists() and not ReviewDecision.objects.exists()


def test_merge_takes_span_and_each_field_from_the_chosen_codings(pi, project, pair):
    a, b = pair
    decision = decisions.merge(pi, project, [a, b], span_from=b, field_from={"confidence": a})
    event = decision.event
    assert decision.kind == DecisionKind.MERGE and decision.chosen == b
    assert event.confidence == 3  # from a
    assert event.evidence.get(primary=True).coding == b


def test_reject_records_without_an_event(pi, project, pair):
    a, b = pair
    decision = decisions.reject(pi, project, [a, b], comment="Not a security tie")
    assert decision.event is None and not Event.objects.exists()
    assert set(decision.codings.all()) == {a, b}


def test_attach_adds_another_source_to_an_existing_event(
    pi, project, pair, coder, coder_b, make_coding
):
    a, b = pair
    event = decisions.accept(pi, project, [a, b], a).event
    other = SourceFactory(project=project, title="Second outlet", outlet="Другая газета")
    DoneAssignmentFactory(source=other, coder=coder)
    c = make_coding(other, coder, 5, 25)
    decision = decisions.attach(pi, project, [c], event, comment="same summit")
    assert decision.kind == DecisionKind.ATTACH and decision.event == event
    assert event.evidence.count() == 3
    assert {e.coding.source_id for e in event.evidence.select_related("coding")} == {
        a.source_id, other.pk,
    }  # fmt: skip


def test_attach_refuses_an_event_of_another_project(pi, project, pair):
    from tests.factories import EventFactory

    foreign = EventFactory()
    with pytest.raises(ValidationError, match="not in this project"):
        decisions.attach(pi, project, list(pair), foreign)


def test_undo_of_an_accept_removes_the_event_and_frees_the_codings(pi, project, pair):
    a, b = pair
    decision = decisions.accept(pi, project, [a, b], a)
    decisions.undo(pi, decision)
    decision.refresh_from_db()
    assert decision.undone_at is not None and decision.undone_by == pi
    assert not Event.objects.exists() and not EventEvidence.objects.exists()
    # the ids are never reused: the next event gets a new number
    again = decisions.accept(pi, project, [a, b], b)
    assert again.event.event_id.endswith("-000002")


def test_undo_of_an_attach_restores_the_event_exactly(pi, project, pair, coder, make_coding):
    a, b = pair
    event = decisions.accept(pi, project, [a, b], a).event
    before = decisions.snapshot(event)
    other = SourceFactory(project=project)
    c = make_coding(other, coder, 5, 25)
    attached = decisions.attach(pi, project, [c], event)
    decisions.undo(pi, attached)
    assert decisions.snapshot(event) == before


def test_undo_of_an_edit_restores_fields_and_keeps_the_event_id(pi, project, pair):
    a, b = pair
    event = decisions.accept(pi, project, [a, b], a).event
    before = decisions.snapshot(event)
    edit = decisions.edit_event(pi, event, {"confidence": "1", "participants": "IRN;PRK"})
    event.refresh_from_db()
    assert event.confidence == 1 and event.event_id == before["event_id"]
    decisions.undo(pi, edit)
    assert decisions.snapshot(event) == before


def test_undo_refuses_when_a_later_decision_changed_the_event(
    pi, project, pair, coder, make_coding
):
    a, b = pair
    first = decisions.accept(pi, project, [a, b], a)
    other = SourceFactory(project=project)
    decisions.attach(pi, project, [make_coding(other, coder, 0, 9)], first.event)
    with pytest.raises(ValidationError, match="undo that one first"):
        decisions.undo(pi, first)
    assert Event.objects.count() == 1


def test_undo_of_a_reject_frees_the_codings(pi, project, pair):
    decision = decisions.reject(pi, project, list(pair))
    decisions.undo(pi, decision)
    with pytest.raises(ValidationError, match="undone already"):
        decisions.undo(pi, decision)
    assert decisions.accept(pi, project, list(pair), pair[0]).event is not None


def test_bulk_accept_approves_only_fully_agreeing_open_groups(
    pi, project, source, coder, coder_b, make_coding
):
    make_coding(source, coder, 0, 20)
    make_coding(source, coder_b, 2, 20)  # agree
    make_coding(source, coder, 60, 80, confidence=3)
    make_coding(source, coder_b, 60, 80, confidence=1)  # differ
    make_coding(source, coder, 100, 110)  # singleton
    made = decisions.bulk_accept(pi, project, source)
    assert len(made) == 1 and Event.objects.count() == 1
    assert decisions.bulk_accept(pi, project, source) == []  # nothing left to bulk-approve


def own_data(source, project, start, end, **extra):
    codebook = project.codebook
    activity = codebook.areas.get(slug="contacts").activities.first()
    return {
        "start": start, "end": end, "quote": source.text[start:end], "dyad_type": "undirected",
        "side_a": codebook.actors.get(iso3="RUS").pk, "side_b": codebook.actors.get(iso3="CHN").pk,
        "area": activity.area_id, "activity": activity.pk, "confidence": 3,
        "event_date": dt.date(2023, 3, 20), "date_precision": "day", **extra,
    }  # fmt: skip


def test_add_own_coding_becomes_the_event_with_the_group_as_evidence(pi, project, source, pair):
    a, b = pair
    decision = decisions.add_own(
        pi, project, source, own_data(source, project, 0, 56), [a, b], comment="Both missed it"
    )
    own = decision.chosen
    assert decision.kind == DecisionKind.ADD_OWN and own.coder == pi
    assert own.changes.count() == 1  # stored through the workspace, with its history
    event = decision.event
    assert event.event_date == dt.date(2023, 3, 20) and event.confidence == 3
    assert (event.side_a.iso3, event.side_b.iso3) == ("CHN", "RUS")
    assert set(event.evidence.values_list("coding_id", flat=True)) == {a.pk, b.pk, own.pk}
    decisions.undo(pi, decision)
    assert not Event.objects.exists()


def test_add_own_coding_with_a_bad_span_saves_nothing(pi, project, source, pair):
    with pytest.raises(ValidationError):
        decisions.add_own(pi, project, source, {**own_data(source, project, 0, 56), "end": 9999})
    assert not ReviewDecision.objects.exists() and not Event.objects.exists()


def test_add_own_through_the_page(client_for, pi, project, source, pair):
    from django.urls import reverse

    a, b = pair
    response = client_for(pi).post(
        reverse("review-decide", args=[project.slug, source.pk]),
        {"codings": [a.pk, b.pk], "action": "own", "own_start": "0", "own_end": "56",
         "f_dyad_type": "directed", "f_side_a": "RUS", "f_side_b": "CHN",
         "f_activity": "arms_sales", "f_confidence": "1", "f_event_date": "2023-03-01",
         "f_date_prec": "4", "f_note": "PI: 克里姆林宫"},
    )  # fmt: skip
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    event = decision.event
    assert decision.kind == DecisionKind.ADD_OWN and decision.chosen.coder == pi
    assert (event.dyad_type, event.side_a.iso3, event.activity.slug) == (
        "directed", "RUS", "arms_sales",
    )  # fmt: skip
    assert (event.event_date, event.event_date_end, event.date_prec) == (
        dt.date(2023, 3, 1), dt.date(2023, 3, 31), 4,
    )  # fmt: skip


def test_edit_and_accept_refuses_a_note_longer_than_the_coders_api_allows(pi, project, pair):
    a, b = pair
    with pytest.raises(ValidationError) as info:
        decisions.edit_and_accept(pi, project, [a, b], a, {"note": "x" * 20_000})
    assert set(info.value.message_dict) == {"note"}
    assert "At most 10,000 characters (20,000 given)" in info.value.message_dict["note"][0]
    assert not Event.objects.exists() and not ReviewDecision.objects.exists()
    event = decisions.edit_and_accept(pi, project, [a, b], a, {"note": "y" * 10_000}).event
    assert len(event.note) == 10_000


@pytest.mark.parametrize("field", ["event_date", "event_date_end"])
def test_edit_and_accept_refuses_an_event_date_with_a_mistyped_year(pi, project, pair, field):
    a, b = pair
    with pytest.raises(ValidationError) as info:
        decisions.edit_and_accept(pi, project, [a, b], a, {field: "2202-03-01"})
    assert info.value.message_dict == {
        field: ["2202-03-01 is not between 1900 and 2100: check the year."]
    }
    assert not Event.objects.exists() and not ReviewDecision.objects.exists()


def test_edit_and_accept_reports_every_error_at_once(pi, project, pair):
    a, b = pair
    with pytest.raises(ValidationError) as info:
        decisions.edit_and_accept(
            pi, project, [a, b], a,
            {"dyad_type": "multilateral", "participants": "CHN", "note": "x" * 10_001,
             "event_date": "0202-03-01"},
        )  # fmt: skip
    assert set(info.value.message_dict) == {"participants", "note", "event_date"}
