"""Screening: new sources queue up by relevance, answers settle them, only relevant sources
reach coders, and double screening gives an agreement."""

import pytest

from coding.models import Role, ScreeningStatus, SourceScreening
from coding.screening.agreement import screening_agreement
from coding.screening.decisions import (
    ScreeningClosed,
    decide,
    drawn_for_double,
    send_unscreened,
    status_of,
)
from coding.screening.queue import screening_queue
from coding.workspace.queue import queue_for
from sources.assignments import assign
from tests.factories import AssignmentFactory, MembershipFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

TIE = "China and Russia held a naval drill. Iran watched."
NO_TIE = "The weather in Lisbon was mild and markets were calm."
ONE_ACTOR = "Russia announced a grain harvest."


@pytest.fixture
def screening_project(project):
    project.screening_required = True
    project.screening_double_percent = 0
    project.save()
    return project


def member(project, name, role=Role.CODER):
    user = UserFactory(username=name)
    MembershipFactory(project=project, user=user, role=role)
    return user


def test_new_sources_wait_for_screening_ordered_by_relevance(screening_project, coder):
    low = SourceFactory(project=screening_project, text=NO_TIE)
    high = SourceFactory(project=screening_project, text=TIE)
    mid = SourceFactory(project=screening_project, text=ONE_ACTOR)
    queue = list(screening_queue(screening_project, coder))
    assert [item.source for item in queue] == [high, mid, low]
    assert queue[0].actors == ["CHN", "RUS", "IRN"]
    assert queue[0].relevance > queue[1].relevance > queue[2].relevance == 0


def test_without_the_setting_sources_are_not_screened(project):
    source = SourceFactory(project=project, text=TIE)
    assert not SourceScreening.objects.filter(source=source).exists()


def test_one_answer_settles_a_single_screened_source(screening_project, coder):
    source = SourceFactory(project=screening_project, text=TIE)
    decide(source.screening, coder, True, "  tie  ")
    source.screening.refresh_from_db()
    assert source.screening.status == ScreeningStatus.RELEVANT
    assert source.screening.decisions.get().note == "tie"
    assert list(screening_queue(screening_project, coder)) == []
    other = member(screening_project, "late")
    with pytest.raises(ScreeningClosed):
        decide(source.screening, other, False)


def test_double_screening_needs_two_answers_and_a_pi_settles_disagreement(
    screening_project, coder, pi
):
    source = SourceFactory(project=screening_project, text=TIE)
    item = source.screening
    item.double = True
    item.save()
    second = member(screening_project, "second")
    decide(item, coder, True)
    item.refresh_from_db()
    assert item.status == ScreeningStatus.PENDING
    assert [i.source for i in screening_queue(screening_project, second)] == [source]
    decide(item, second, False)
    item.refresh_from_db()
    assert item.status == ScreeningStatus.CONFLICT
    decide(item, pi, False, "no security content", final=True)
    item.refresh_from_db()
    assert item.status == ScreeningStatus.NOT_RELEVANT


def test_status_of_answers():
    class D:
        def __init__(self, relevant, final=False):
            self.relevant, self.final = relevant, final

    assert status_of([], 1) == ScreeningStatus.PENDING
    assert status_of([D(True)], 2) == ScreeningStatus.PENDING
    assert status_of([D(True), D(True)], 2) == ScreeningStatus.RELEVANT
    assert status_of([D(False)], 1) == ScreeningStatus.NOT_RELEVANT
    assert status_of([D(True), D(False)], 2) == ScreeningStatus.CONFLICT
    assert status_of([D(True), D(False), D(True, final=True)], 2) == ScreeningStatus.RELEVANT


def test_double_draw_is_seeded_and_near_the_share():
    draws = [drawn_for_double(i, 20) for i in range(1, 2001)]
    assert draws == [drawn_for_double(i, 20) for i in range(1, 2001)]
    assert 0.16 < sum(draws) / len(draws) < 0.24
    assert not any(drawn_for_double(i, 0) for i in range(100))


def test_only_relevant_sources_are_assigned_and_in_the_reliability_sample(screening_project, coder):
    other = member(screening_project, "coder-b")
    relevant = SourceFactory(project=screening_project, text=TIE)
    rejected = SourceFactory(project=screening_project, text=NO_TIE)
    waiting = SourceFactory(project=screening_project, text=ONE_ACTOR)
    decide(relevant.screening, coder, True)
    decide(rejected.screening, coder, False)
    result = assign([relevant, rejected, waiting], [coder, other], reliability_share=1.0)
    assert result.held_back == 2
    assert result.reliability_sources == 1
    assert {a.source for a in relevant.assignments.all()} == {relevant}
    assert not rejected.assignments.exists() and not waiting.assignments.exists()


def test_the_coding_queue_hides_sources_screened_out_after_assignment(screening_project, coder):
    source = SourceFactory(project=screening_project, text=NO_TIE)
    AssignmentFactory(source=source, coder=coder)
    assert list(queue_for(screening_project, coder)) == []
    decide(source.screening, coder, True)
    assert [a.source for a in queue_for(screening_project, coder)] == [source]


def test_sources_from_before_screening_can_be_sent(project, coder):
    coded = SourceFactory(project=project, text=TIE)
    AssignmentFactory(source=coded, coder=coder)
    fresh = SourceFactory(project=project, text=TIE + " Again.")
    project.screening_required = True
    project.save()
    assert send_unscreened(project) == 1
    assert SourceScreening.objects.get().source == fresh
    assert send_unscreened(project) == 0


def test_screening_agreement_is_alpha_over_double_screened_sources(screening_project, coder, pi):
    second = member(screening_project, "second")
    answers = [(True, True), (False, False), (True, False), (True, True), (False, False)]
    for n, (a, b) in enumerate(answers):
        item = SourceFactory(project=screening_project, text=f"{TIE} ({n})").screening
        item.double = True
        item.save()
        decide(item, coder, a)
        decide(item, second, b)
        if a != b:
            decide(item, pi, True, final=True)  # a PI's answer is not a screener's
    result = screening_agreement(screening_project)
    assert result.sources == 5 and result.screeners == 2
    assert result.percent == pytest.approx(0.8)
    # nominal alpha, 5 units x 2 coders: pairs (T,T)x2, (F,F)x2, (T,F)
    # n=10, n_T=5, n_F=5: D_o = 2/10, D_e = 2*5*5/(10*9); alpha = 1 - 0.2/0.5556 = 0.64
    assert result.alpha == pytest.approx(0.64)


def test_no_agreement_without_double_answers(screening_project):
    result = screening_agreement(screening_project)
    assert result.alpha is None and result.sources == 0
