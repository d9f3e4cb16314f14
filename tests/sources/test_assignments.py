"""Assignment planning: bulk, balanced, reliability sample, existing assignments kept."""

from collections import Counter

import pytest

from coding.models import Assignment
from sources.assignments import assign, plan_assignments
from tests.factories import AssignmentFactory, SourceFactory, UserFactory


def test_without_a_sample_each_source_goes_to_one_coder_balanced():
    pairs, sample = plan_assignments(range(1, 11), [7, 8, 9])
    assert sample == set()
    assert sorted(s for s, _ in pairs) == list(range(1, 11))
    loads = Counter(c for _, c in pairs)
    assert sorted(loads.values()) == [3, 3, 4]


def test_reliability_sample_goes_to_every_coder():
    pairs, sample = plan_assignments(range(1, 21), [1, 2], reliability_share=0.2, seed=3)
    assert len(sample) == 4
    per_source = Counter(s for s, _ in pairs)
    assert {s for s, n in per_source.items() if n == 2} == sample
    assert all(per_source[s] == 1 for s in range(1, 21) if s not in sample)
    assert Counter(c for _, c in pairs) == {1: 12, 2: 12}


def test_plan_is_deterministic_for_a_seed_and_varies_with_it():
    first = plan_assignments(range(100), [1, 2, 3], reliability_share=0.2, seed=5)
    assert first == plan_assignments(range(100), [1, 2, 3], reliability_share=0.2, seed=5)
    assert first[1] != plan_assignments(range(100), [1, 2, 3], reliability_share=0.2, seed=6)[1]


def test_existing_assignments_are_respected():
    pairs, _ = plan_assignments([1, 2, 3], [10, 20], existing={(1, 10)})
    assert all(s != 1 for s, _ in pairs)  # covered by coder 10 already


def test_share_out_of_range_is_refused():
    with pytest.raises(ValueError):
        plan_assignments([1], [1], reliability_share=1.5)


@pytest.mark.django_db
def test_assign_creates_rows_and_keeps_existing(project, pi):
    coders = [UserFactory(), UserFactory()]
    sources = [SourceFactory(project=project) for _ in range(5)]
    old = AssignmentFactory(source=sources[0], coder=coders[0], status="done")
    result = assign(sources, coders, by=pi, reliability_share=0.4)
    assert result.already == 1
    assert Assignment.objects.count() == 1 + result.created
    old.refresh_from_db()
    assert old.status == "done"  # untouched
    # running it again creates nothing new
    again = assign(sources, coders, by=pi, reliability_share=0.4)
    assert again.created == 0
    assert Assignment.objects.filter(source__in=sources).values("source").distinct().count() == 5
