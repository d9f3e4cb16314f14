"""Percent agreement, Cohen's and Fleiss' kappa: hand computations and published examples."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.reliability.stats import (
    alpha,
    cohen_kappa,
    fleiss_kappa,
    pairwise_cohen_kappa,
    percent_agreement,
)


def _ratings_from_counts(table):
    """Fleiss-style count table (units x categories) -> coders x units ratings.

    The k-th rating of a unit goes to coder k; Fleiss' kappa does not depend on who gave it.
    """
    per_unit = [[c for c, n in enumerate(row) for _ in range(n)] for row in table]
    return [list(coder) for coder in zip(*per_unit, strict=True)]


def _ratings_from_pairs(cells):
    """{(a_value, b_value): count} -> two coders' rows."""
    a, b = [], []
    for (x, y), count in cells.items():
        a += [x] * count
        b += [y] * count
    return a, b


# --- percent agreement -------------------------------------------------------------------


def test_percent_agreement_by_hand():
    data = [
        ["a", "a", "b", None],
        ["a", "b", "b", "b"],
        [None, "b", "b", None],
    ]
    # unit 1: values a, a (m=2): 2 agreeing ordered pairs x 1/(m-1) = 2, 2 pairable values
    # unit 2: a, b, b (m=3): b-b, b-b = 2 ordered pairs x 1/2 = 1, 3 pairable values
    # unit 3: b, b, b (m=3): 6 ordered pairs x 1/2 = 3, 3 pairable values
    # unit 4: a single value, not pairable
    # A_o = (2 + 1 + 3) / (2 + 3 + 3) = 0.75
    assert percent_agreement(data) == pytest.approx(0.75, abs=1e-15)


def test_percent_agreement_is_one_minus_nominal_observed_disagreement():
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
            [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]  # fmt: skip
    # Krippendorff (2011): the diagonal of the coincidence matrix sums to 32 of n.. = 40.
    assert percent_agreement(data) == pytest.approx(32 / 40, abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda coders: st.lists(
            st.lists(st.integers(0, 3), min_size=coders, max_size=coders), min_size=1, max_size=15
        )
    )
)
def test_complete_data_percent_agreement_is_mean_over_coder_pairs(units):
    data = [list(coder) for coder in zip(*units, strict=True)]
    pairs = list(itertools.combinations(range(len(data)), 2))
    by_pairs = np.mean(
        [np.mean([x == y for x, y in zip(data[i], data[j], strict=True)]) for i, j in pairs]
    )
    assert percent_agreement(data) == pytest.approx(by_pairs, abs=1e-12)


def test_percent_agreement_needs_pairable_values():
    with pytest.raises(ValueError, match="no pairable values"):
        percent_agreement([[1, None], [None, 2]])


# --- Cohen's kappa ---------------------------------------------------------------------


def test_cohen_kappa_by_hand():
    a = ["x", "x", "y", "y", "x", None]
    b = ["x", "y", "y", "y", "x", "x"]
    # the last unit is not coded by a, leaving 5: table (x,x)=2, (x,y)=1, (y,y)=2
    # p_o = 4/5; marginals a: x=3, y=2; b: x=2, y=3; p_e = (3*2 + 2*3)/25 = 12/25
    # kappa = (4/5 - 12/25) / (1 - 12/25) = (8/25) / (13/25) = 8/13
    assert cohen_kappa(a, b) == pytest.approx(8 / 13, abs=1e-15)


def test_cohen_1960_published_example():
    # Cohen (1960, p. 45): 200 units, p_o = 0.70, p_e = 0.41, kappa = 0.492
    a, b = _ratings_from_pairs(
        {(1, 1): 88, (1, 2): 14, (1, 3): 18, (2, 1): 10, (2, 2): 40, (2, 3): 10,
         (3, 1): 2, (3, 2): 6, (3, 3): 12}
    )  # fmt: skip
    assert round(cohen_kappa(a, b), 3) == 0.492


def test_cohen_kappa_accepts_arrays_with_nan():
    a = np.array([1.0, 1.0, 2.0, 2.0, 1.0, np.nan])
    b = np.array([1.0, 2.0, 2.0, 2.0, 1.0, 1.0])
    assert cohen_kappa(a, b) == pytest.approx(8 / 13, abs=1e-15)


def test_cohen_kappa_perfect_and_chance():
    assert cohen_kappa([1, 2, 1, 2], [1, 2, 1, 2]) == 1.0
    # p_o = 1/2, marginals all 1/2: p_e = 1/2, kappa = 0
    assert cohen_kappa([1, 1, 2, 2], [1, 2, 1, 2]) == 0.0


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([1, None], [None, 2], "no unit in common"),
        ([1, 1, 1], [1, 1, 1], "undefined"),
        ([1, 2], [1, 2, 3], "same units"),
    ],
)
def test_cohen_kappa_errors(a, b, message):
    with pytest.raises(ValueError, match=message):
        cohen_kappa(a, b)


def test_pairwise_cohen_kappa():
    data = [
        ["x", "x", "y", "y", "x", None],
        ["x", "y", "y", "y", "x", "x"],
        ["x", "x", "y", "y", "x", "y"],
        [None, None, None, None, None, "x"],
    ]
    result = pairwise_cohen_kappa(data, ["ann", "bob", "cy", "dee"])
    assert set(result) == {
        ("ann", "bob"), ("ann", "cy"), ("ann", "dee"),
        ("bob", "cy"), ("bob", "dee"), ("cy", "dee"),
    }  # fmt: skip
    assert result[("ann", "bob")] == pytest.approx(8 / 13, abs=1e-15)
    assert result[("ann", "cy")] == 1.0
    assert result[("bob", "cy")] == pytest.approx(cohen_kappa(data[1], data[2]), abs=1e-15)
    assert result[("ann", "dee")] is None  # no shared unit
    # bob and dee share only the last unit, both "x": expected agreement 1, undefined
    assert result[("bob", "dee")] is None
    assert pairwise_cohen_kappa(data)[(0, 1)] == result[("ann", "bob")]


@pytest.mark.parametrize(("names", "message"), [(["a"], "coder names"), (["a", "a"], "distinct")])
def test_pairwise_cohen_kappa_errors(names, message):
    with pytest.raises(ValueError, match=message):
        pairwise_cohen_kappa([[1, 2], [1, 2]], names)
    with pytest.raises(ValueError, match="at least two coders"):
        pairwise_cohen_kappa([[1, 2]])


# --- Fleiss' kappa ---------------------------------------------------------------------


def test_fleiss_kappa_by_hand():
    data = _ratings_from_counts([[3, 0], [2, 1], [0, 3]])
    # P_u = (sum n_uj^2 - 3) / (3 * 2): unit 1 (9-3)/6 = 1, unit 2 (4+1-3)/6 = 1/3, unit 3 1
    # P = (1 + 1/3 + 1) / 3 = 7/9; p = (5/9, 4/9), P_e = 25/81 + 16/81 = 41/81
    # kappa = (63/81 - 41/81) / (1 - 41/81) = 22/40 = 0.55
    assert fleiss_kappa(data) == pytest.approx(0.55, abs=1e-15)


def test_fleiss_1971_published_example():
    # Fleiss (1971, p. 379): 30 subjects, 6 psychiatrists, 5 diagnoses; P = 0.556,
    # P_e = 0.220, kappa = 0.430. Transcribed from DKPro Agreement's Fleiss1971Test.
    subjects = [
        (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5),
        (2, 2, 2, 4, 4, 4), (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4),
        (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5), (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4),
        (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5), (3, 3, 3, 3, 3, 5),
        (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
        (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4),
        (1, 4, 4, 4, 4, 5), (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4),
        (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
    ]  # fmt: skip
    data = [list(rater) for rater in zip(*subjects, strict=True)]
    assert round(fleiss_kappa(data), 3) == 0.430


def test_fleiss_kappa_wikipedia_example():
    # The worked example of the Wikipedia article: 10 subjects, 14 raters, kappa = 0.210
    # (P = 0.378, P_e = 0.213).
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    assert round(fleiss_kappa(_ratings_from_counts(table)), 3) == 0.210


@pytest.mark.parametrize("n_categories", [4, 300])  # 300 > DENSE_MAX_VALUES: sparse counting
def test_fleiss_kappa_matches_the_textbook_formula(n_categories):
    rng = np.random.default_rng(n_categories)
    truth = rng.integers(0, n_categories, size=60)
    noise = rng.integers(0, n_categories, size=(5, 60))
    data = np.where(rng.random((5, 60)) < 0.6, truth, noise).tolist()
    # Fleiss (1971) by the book, from the units x categories count table
    categories = sorted({value for row in data for value in row})
    table = [[column.count(c) for c in categories] for column in zip(*data, strict=True)]
    n_units, n = len(table), 5
    p_j = [sum(row[j] for row in table) / (n_units * n) for j in range(len(table[0]))]
    p_i = [(sum(x * x for x in row) - n) / (n * (n - 1)) for row in table]
    p_bar, p_e = sum(p_i) / n_units, sum(p * p for p in p_j)
    assert fleiss_kappa(data) == pytest.approx((p_bar - p_e) / (1 - p_e), abs=1e-12)


def test_fleiss_kappa_allows_different_raters_per_unit():
    # 4 coders, every unit rated by 3 of them: same counts table as the hand example
    data = [
        ["a", None, "b"],
        ["a", "a", None],
        ["a", "a", "b"],
        [None, "b", "b"],
    ]
    assert fleiss_kappa(data) == pytest.approx(0.55, abs=1e-15)


def test_fleiss_kappa_unequal_ratings():
    data = _ratings_from_counts([[3, 0], [2, 1], [0, 3]])
    data = [[*row, extra] for row, extra in zip(data, ["a", "b", None], strict=True)]
    with pytest.raises(ValueError, match="same number of ratings"):
        fleiss_kappa(data)
    # "modal" drops the unit with 2 ratings and recovers the hand example
    assert fleiss_kappa(data, on_unequal="modal") == pytest.approx(0.55, abs=1e-15)
    # units nobody rated are ignored
    padded = [[*row, None] for row in _ratings_from_counts([[3, 0], [2, 1], [0, 3]])]
    assert fleiss_kappa(padded) == pytest.approx(0.55, abs=1e-15)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([["a", "a"], ["a", "a"]], "undefined"),
        ([[None, None], [None, None]], "no ratings"),
        ([["a", "b"]], "at least two ratings"),
    ],
)
def test_fleiss_kappa_errors(data, message):
    with pytest.raises(ValueError, match=message):
        fleiss_kappa(data)
    with pytest.raises(ValueError, match="on_unequal"):
        fleiss_kappa([["a", "b"], ["a", "b"]], on_unequal="drop")


def test_two_coders_complete_data_relations():
    # For two coders and complete data, Fleiss' kappa is Scott's pi, and nominal alpha is
    # pi corrected for sample size: alpha = 1 - (2N - 1)/(2N) (1 - pi) (Krippendorff 2004).
    a = [1, 1, 2, 2, 3, 1, 2, 3, 3, 1]
    b = [1, 2, 2, 2, 3, 1, 1, 3, 2, 1]
    pi = fleiss_kappa([a, b])
    n = len(a)
    assert alpha([a, b]) == pytest.approx(1 - (2 * n - 1) / (2 * n) * (1 - pi), abs=1e-12)
