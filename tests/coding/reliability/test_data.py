"""From codings to reliability data: which codings count and the three views, checked by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from coding.models import Activity, Coding
from coding.reliability.data import (
    CodingRecord,
    Filters,
    covering_coding,
    dyad_key,
    load_codings,
    merge_spans,
    pooled_presence,
    presence_data,
    sentence_data,
    split_sentences,
    unitizing_data,
)
from tests.coding.reliability.study import S1_SENTENCES, S1_TEXT, S2_SENTENCES, build_study, span
from tests.factories import CodebookFactory, CodingFactory


@pytest.fixture
def study(project):
    return build_study(project)


def test_split_sentences_handles_cjk_persian_and_newlines():
    spans = split_sentences(S1_TEXT)
    assert [S1_TEXT[a:b] for a, b in spans] == S1_SENTENCES
    text = "  Один. Два?  \n\n三。四\uff01Five… «Six!» ok"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Один.", "Два?", "三。", "四\uff01", "Five…", "«Six!»", "ok",
    ]  # fmt: skip
    assert split_sentences("") == []
    assert split_sentences(" \n ") == []


def test_dyad_keys():
    assert dyad_key("undirected", "RUS", "CHN", []) == "CHN-RUS"
    assert dyad_key("directed", "IRN", "RUS", []) == "IRN->RUS"
    assert dyad_key("multilateral", "RUS", None, ["IRN", "CHN", "RUS"]) == "CHN+IRN+RUS"


def test_only_sources_two_coders_marked_done_count(study):
    cs = load_codings(study.project, Filters())
    assert [s.title for s in cs.sources] == ["S1", "S2"]
    assert cs.sources[0].coders == ("alice", "bob")
    assert cs.sources[1].coders == ("alice", "bob", "carol")
    assert cs.coders == ["alice", "bob", "carol"]
    counted = {c.id for c in cs.codings}
    expected = {study.codings[k].id for k in ("a1", "b1", "b2", "a3", "b3", "c3")}
    assert counted == expected  # not carol's on S1 (not done), not alice's on S3 (alone)


def test_presence_view_by_hand(study):
    cs = load_codings(study.project, Filters())
    activity = presence_data(cs, "activity")
    # rows alice, bob, carol; columns S1, S2; carol is missing on S1 (not done there)
    assert activity == {
        "arms_sales": [[0, 1], [0, 0], [None, 1]],
        "heads_of_state": [[1, 0], [1, 0], [None, 0]],
        "military_exercises": [[0, 0], [1, 1], [None, 0]],
    }
    assert pooled_presence(activity) == [
        [0, 1, 1, 0, 0, 0], [0, 0, 1, 0, 1, 1], [None, 1, None, 0, None, 0],
    ]  # fmt: skip
    assert presence_data(cs, "dyad") == {
        "CHN-RUS": [[1, 0], [1, 0], [None, 0]],
        "IRN->RUS": [[0, 1], [0, 0], [None, 1]],
        "IRN-RUS": [[0, 0], [0, 1], [None, 0]],
    }
    assert presence_data(cs, "area") == {
        "contacts": [[1, 0], [1, 0], [None, 0]],
        "preparations_for_war": [[0, 1], [1, 1], [None, 1]],
    }


def test_sentence_view_by_hand(study):
    cs = load_codings(study.project, Filters())
    data = sentence_data(cs)
    s1, s2 = study.s1.id, study.s2.id
    assert [u[0] for u in data.units] == [s1] * 5 + [s2] * 2
    assert data.units[1] == (s1, *span(S1_TEXT, S1_SENTENCES[1]))
    assert data.values["activity"] == [
        ["heads_of_state", None, None, None, None, "arms_sales", None],
        ["heads_of_state", "military_exercises", None, None, None, "military_exercises", None],
        [None, None, None, None, None, "arms_sales", None],
    ]
    assert data.values["confidence"] == [
        [3, None, None, None, None, 3, None],
        [2, 2, None, None, None, 3, None],
        [None, None, None, None, None, 2, None],
    ]
    assert data.values["dyad"][2][5] == "IRN->RUS"
    assert data.values["area"][1][:2] == ["contacts", "preparations_for_war"]


def _record(id, start, end):
    return CodingRecord(id, 1, "x", start, end, "CHN-RUS", "a", "b", 2)


def test_covering_rule_half_of_the_shorter_and_largest_overlap():
    sentence = (10, 30)  # 20 characters
    assert covering_coding(sentence, [_record(1, 12, 16)]).id == 1  # a clause inside
    assert covering_coding(sentence, [_record(1, 0, 12)]) is None  # 2 of 12 spill over
    assert covering_coding(sentence, [_record(1, 25, 35)]).id == 1  # 5 of 10: half
    # several cover: the largest overlap wins; on a tie the earlier start
    assert covering_coding(sentence, [_record(1, 10, 14), _record(2, 14, 30)]).id == 2
    assert covering_coding(sentence, [_record(3, 20, 24), _record(2, 12, 16)]).id == 2


def test_unitizing_view_groups_sources_by_coders_and_merges_spans(study):
    cs = load_codings(study.project, Filters())
    continua = unitizing_data(cs, "activity")
    assert [c.coders for c in continua] == [("alice", "bob"), ("alice", "bob", "carol")]
    first, second = continua
    assert first.length == len(S1_TEXT)
    assert sorted(first.units) == sorted([
        ("alice", *span(S1_TEXT, S1_SENTENCES[0]), "heads_of_state"),
        ("bob", *span(S1_TEXT, S1_SENTENCES[0]), "heads_of_state"),
        ("bob", *span(S1_TEXT, S1_SENTENCES[1]), "military_exercises"),
    ])  # fmt: skip
    end = len(S2_SENTENCES[0])
    assert sorted(second.units) == [
        ("alice", 0, end, "arms_sales"), ("bob", 0, end, "military_exercises"),
        ("carol", 0, end, "arms_sales"),
    ]  # fmt: skip
    assert merge_spans([(5, 9), (0, 3), (3, 4), (8, 12)]) == [(0, 4), (5, 12)]


def test_every_source_is_its_own_continuum(study, project):
    from coding.models.assignments import AssignmentStatus
    from tests.factories import AssignmentFactory, SourceFactory

    s4 = SourceFactory(project=project, title="S4", text="Short text here.")
    for coder in (study.alice, study.bob):
        AssignmentFactory(source=s4, coder=coder, status=AssignmentStatus.DONE)
    CodingFactory(source=s4, coder=study.bob, start=0, end=5)
    continua = unitizing_data(load_codings(project, Filters()), "area")
    assert [c.source_ids for c in continua] == [[study.s1.id], [study.s2.id], [s4.id]]
    last = continua[-1]
    assert last.length == len("Short text here.") and last.coders == ("alice", "bob")
    assert last.units == [("bob", 0, 5, "contacts")]


def test_filter_coders(study):
    cs = load_codings(study.project, Filters(coders=(study.alice.pk, study.bob.pk)))
    assert cs.coders == ["alice", "bob"]
    assert len(cs.codings) == 5
    cs = load_codings(study.project, Filters(coders=(study.alice.pk,)))
    assert cs.sources == [] and cs.codings == []


def test_filter_sources(study):
    cs = load_codings(study.project, Filters(sources=(study.s2.pk,)))
    assert [s.title for s in cs.sources] == ["S2"]
    assert {c.coder for c in cs.codings} == {"alice", "bob", "carol"}


def test_filter_date_range_uses_the_last_save(study):
    old = timezone.make_aware(dt.datetime(2020, 5, 1, 12, 0))
    Coding.objects.filter(pk=study.codings["b2"].pk).update(updated_at=old)
    cs = load_codings(study.project, Filters(date_from=dt.date(2021, 1, 1)))
    assert study.codings["b2"].id not in {c.id for c in cs.codings}
    assert len(cs.codings) == 5
    cs = load_codings(study.project, Filters(date_to=dt.date(2020, 5, 1)))
    assert [c.id for c in cs.codings] == [study.codings["b2"].id]  # the end day is included
    # the sources still count: the done assignments decide that, not the dates
    assert len(cs.sources) == 2


def test_filter_codebook_version(study, project):
    other = CodebookFactory()
    activity = Activity.objects.get(area__codebook=other, slug="arms_sales")
    odd = CodingFactory(source=study.s2, coder=study.bob, activity=activity, area=activity.area,
                        start=0, end=4)  # fmt: skip
    everything = load_codings(project, Filters())
    assert odd.id in {c.id for c in everything.codings}
    current = load_codings(project, Filters(codebook=project.codebook_id))
    assert odd.id not in {c.id for c in current.codings}
    assert len(current.codings) == 6
