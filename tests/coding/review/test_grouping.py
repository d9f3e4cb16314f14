from coding.review.grouping import group_codings, groups_for_source
from coding.review.queue import review_queue
from tests.factories import CodingFactory, DoneAssignmentFactory, SourceFactory, UserFactory


def test_overlapping_spans_group_transitively_and_singletons_are_flagged(
    source, coder, coder_b, make_coding
):
    a1 = make_coding(source, coder, 0, 20)
    b1 = make_coding(source, coder_b, 15, 30)  # overlaps a1
    a2 = make_coding(source, coder, 28, 40)  # overlaps b1 only: same group via b1
    lone = make_coding(source, coder_b, 60, 80)
    groups = group_codings([lone, a2, b1, a1])
    assert [g.coding_ids for g in groups] == [[a1.pk, b1.pk, a2.pk], [lone.pk]]
    assert not groups[0].singleton and groups[1].singleton
    assert (groups[0].start, groups[0].end) == (0, 40)


def test_touching_spans_do_not_overlap(source, coder, coder_b, make_coding):
    a = make_coding(source, coder, 0, 10)
    b = make_coding(source, coder_b, 10, 20)
    assert len(group_codings([a, b])) == 2


def test_differing_fields_are_listed(source, coder, coder_b, make_coding):
    make_coding(source, coder, 0, 20, confidence=3, activity="military_exercises")
    make_coding(source, coder_b, 2, 18, confidence=1, activity="military_exercises")
    make_coding(source, coder, 60, 80, participants=["IRN"])
    make_coding(source, coder_b, 61, 80, participants=["PRK"])
    first, second = groups_for_source(source)
    assert first.differing == ["confidence"]
    assert not first.fully_agreed
    assert second.differing == ["participants"]


def test_only_codings_of_coders_who_are_done_are_reviewed(source, coder, make_coding, project):
    other = UserFactory(username="still-coding")
    make_coding(source, coder, 0, 20)
    make_coding(source, other, 0, 20)  # no done assignment
    (group,) = groups_for_source(source)
    assert group.coder_ids == {coder.pk}


def test_queue_lists_sources_two_coders_finished_most_disagreement_first(
    project, coder, coder_b, make_coding
):
    agreed = SourceFactory(project=project, title="Agreed")
    messy = SourceFactory(project=project, title="Messy")
    half = SourceFactory(project=project, title="Only one coder done")
    for s in (agreed, messy):
        DoneAssignmentFactory(source=s, coder=coder)
        DoneAssignmentFactory(source=s, coder=coder_b)
    DoneAssignmentFactory(source=half, coder=coder)
    make_coding(agreed, coder, 0, 20)
    make_coding(agreed, coder_b, 0, 20)
    make_coding(messy, coder, 0, 20, confidence=3)
    make_coding(messy, coder_b, 0, 20, confidence=1)
    make_coding(messy, coder_b, 40, 60)
    CodingFactory(source=half, coder=coder)

    items = review_queue(project)
    assert [i.source.title for i in items] == ["Messy", "Agreed"]
    assert (items[0].unmatched, items[0].differing, items[0].score) == (1, 1, 2)
    assert items[1].score == 0 and items[1].fully_agreed
    assert [i.source.title for i in review_queue(project, agreed=True)] == ["Agreed"]
    assert [i.source.title for i in review_queue(project, agreed=False)] == ["Messy"]
