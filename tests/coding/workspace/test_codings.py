"""create_coding / update_coding / delete_coding: history rows, versions, assignment status."""

import pytest

from coding.models import Activity, Assignment, CodingChange
from coding.workspace.codings import (
    AssignmentDone,
    NotAssigned,
    StaleVersion,
    create_coding,
    delete_coding,
    update_coding,
)
from coding.workspace.validation import CodingInvalid
from tests.factories import AssignmentFactory, SourceFactory

TEXT = "Pyongyang 🙂 and Moscow signed a protocol.\n\nНовый этап."  # noqa: RUF001


@pytest.fixture
def setup(project, coder):
    source = SourceFactory(project=project, text=TEXT)
    AssignmentFactory(source=source, coder=coder)
    cb = project.codebook
    act = Activity.objects.get(area__codebook=cb, slug="military_exercises")
    actors = {a.iso3: a.pk for a in cb.actors.all()}
    data = {
        "start": 0, "end": 9, "quote": "Pyongyang", "dyad_type": "undirected",
        "side_a": actors["PRK"], "side_b": actors["RUS"], "area": act.area_id,
        "activity": act.pk, "confidence": 2,
    }  # fmt: skip
    return source, data, actors


def test_history_of_create_update_delete(setup, coder):
    source, data, actors = setup
    coding = create_coding(source, coder, data)
    assert Assignment.objects.get(source=source, coder=coder).status == "in_progress"
    participants = [actors["PRK"], actors["RUS"], actors["CHN"]]
    coding = update_coding(
        coding, coder,
        {"dyad_type": "multilateral", "side_a": None, "side_b": None,
         "participants": participants, "forum": "Trilateral"},
        1,
    )  # fmt: skip
    assert coding.version == 2
    assert sorted(coding.participants.values_list("pk", flat=True)) == sorted(participants)
    delete_coding(coding, coder, 2)
    changes = list(CodingChange.objects.filter(coding_pk=coding.pk))
    assert [c.action for c in changes] == ["create", "update", "delete"]
    assert [c.version for c in changes] == [1, 2, 3]
    assert changes[1].before["dyad_type"] == "undirected"
    assert changes[1].after["participants"] == sorted(participants)
    assert changes[2].before["forum"] == "Trilateral" and changes[2].after is None
    assert all(c.coding_id is None for c in changes)


def test_stale_update_carries_the_current_state(setup, coder):
    source, data, _ = setup
    coding = create_coding(source, coder, data)
    update_coding(coding, coder, {"note": "newer"}, 1)
    stale_copy = type(coding).objects.get(pk=coding.pk)
    stale_copy.version = 1  # what the other tab still holds
    with pytest.raises(StaleVersion) as caught:
        update_coding(stale_copy, coder, {"note": "older"}, 1)
    assert caught.value.current["note"] == "newer" and caught.value.current["version"] == 2
    with pytest.raises(StaleVersion):
        delete_coding(coding, coder, 1)


def test_span_moves_and_prefix_suffix_are_recomputed(setup, coder):
    source, data, _ = setup
    coding = create_coding(source, coder, data)
    start = TEXT.index("Новый")
    coding = update_coding(coding, coder, {"start": start, "end": start + 5, "quote": "Новый"}, 1)
    assert coding.prefix == TEXT[start - 32 : start] and coding.suffix == TEXT[start + 5 :]


def test_done_assignment_and_unassigned_coder_are_refused(setup, coder, pi):
    source, data, _ = setup
    Assignment.objects.filter(source=source, coder=coder).update(status="done")
    with pytest.raises(AssignmentDone):
        create_coding(source, coder, data)
    with pytest.raises(NotAssigned):
        create_coding(source, pi, data)
    assert create_coding(source, pi, data, require_assignment=False).coder == pi


def test_all_errors_are_reported_together(setup, coder):
    source, data, _ = setup
    with pytest.raises(CodingInvalid) as caught:
        create_coding(source, coder, {**data, "quote": "wrong", "side_b": data["side_a"]})
    assert set(caught.value.message_dict) == {"quote", "side_b"}


def test_later_saves_store_the_coding_and_its_history_in_one_statement_on_postgresql(setup, coder):
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coding.models import Coding
    from coding.workspace.codings import coding_state

    source, data, _ = setup
    create_coding(source, coder, data)  # the first save also starts the assignment
    key = uuid.uuid4()
    with CaptureQueriesContext(connection) as queries:
        second = create_coding(source, coder, {**data, "start": 16, "end": 22, "quote": "Moscow"},
                               client_id=key)  # fmt: skip
    stored = Coding.objects.get(pk=second.pk)
    change = CodingChange.objects.get(coding_pk=second.pk)
    assert second.created and stored.client_id == key and stored.quote == "Moscow"
    assert stored.updated_at and stored.created_at and stored.version == 1
    assert (change.coding_id, change.action, change.version) == (second.pk, "create", 1)
    assert change.user_id == coder.pk and change.source_id == source.pk
    assert change.after == coding_state(stored) and change.at
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(inserts) == 1 and "coding_codingchange" in inserts[0]
    # a retry whose lookup missed the first save (a race) gets the stored coding, nothing new
    again = create_coding(source, coder, {**data, "start": 16, "end": 22, "quote": "Moscow"},
                          client_id=key, stored_under_client_id=None)  # fmt: skip
    assert not again.created and again.pk == second.pk
    assert Coding.objects.filter(source=source).count() == 2
    assert CodingChange.objects.filter(source=source).count() == 2


def test_codebook_facts_read_for_other_codes_are_not_trusted(setup):
    """`check_codebook` uses facts read with the save's lookup only for the codes they were read
    for: facts about an enabled activity do not pass a disabled one."""
    from coding.models import Activity
    from coding.workspace.validation import (
        CodebookFacts,
        CodebookProbe,
        check_codebook,
        check_codes,
    )

    source, data, _ = setup
    codebook_id = source.project.codebook_id
    codes = check_codes(data)
    other = (
        Activity.objects.filter(area_id=codes.area, area__codebook_id=codebook_id)
        .exclude(pk=codes.activity)
        .first()
    )
    Activity.objects.filter(pk=other.pk).update(enabled=False)
    probe = CodebookProbe.of(codes.activity, codes.confidence, codes.actor_ids())
    facts = CodebookFacts(probe, (codes.area, codebook_id, True, 1, len(probe.actors)))
    check_codebook(codebook_id, codes, facts)  # the facts answer these codes
    moved = check_codes({**data, "activity": other.pk})
    with pytest.raises(CodingInvalid) as caught:
        check_codebook(codebook_id, moved, facts)  # other codes: read again, and refused
    assert "disabled" in caught.value.message_dict["activity"][0]
