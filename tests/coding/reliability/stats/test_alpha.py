"""Krippendorff's alpha: published examples, the `krippendorff` package as oracle, error paths."""

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coding.reliability.stats import alpha, alpha_result, coincidence_matrix
from coding.reliability.stats.alpha import prepare
from coding.reliability.stats.coincidence import coincidences
from coding.reliability.stats.distance import delta_matrix, expected_sum
from coding.reliability.stats.observed import observed_sum

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 coders x 12 units
# example with missing values.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
K2011_ARRAY = np.array([[np.nan if v is None else v for v in row] for row in K2011], dtype=float)

# Hayes & Krippendorff (2007), Table 1: 40 units x 5 observers, ordinal (rows here are units,
# transposed below). Transcribed from DKPro Agreement's HayesKrippendorff2007Test.
HK2007_UNITS = [
    (1, 1, 2, None, 2), (1, 1, 0, 1, None), (2, 3, 3, 3, None), (None, 0, 0, None, 0),
    (0, 0, 0, None, 0), (0, 0, 0, None, 0), (1, 0, 2, None, 1), (1, None, 2, 0, None),
    (2, 2, 2, None, 2), (2, 1, 1, 1, None), (None, 1, 0, 0, None), (0, 0, 0, 0, None),
    (1, 2, 2, 2, None), (3, 3, 2, 2, 3), (1, 1, 1, None, 1), (1, 1, 1, None, 1),
    (2, 1, 2, None, 2), (1, 2, 3, 3, None), (1, 1, 0, 1, None), (0, 0, 0, None, 0),
    (0, 0, 1, 1, None), (0, 0, None, 0, 0), (2, 3, 3, 3, None), (0, 0, 0, 0, None),
    (1, 2, None, 2, 2), (0, 1, 1, 1, None), (0, 0, 0, 1, 0), (1, 2, 1, 2, None),
    (1, 1, 2, 2, None), (1, 1, 2, None, 2), (1, 1, 0, None, 0), (2, 1, 2, 1, None),
    (2, 2, None, 2, 2), (3, 2, 2, 2, None), (2, 2, 2, None, 2), (2, 2, 3, None, 2),
    (2, 2, 2, None, 2), (2, 2, None, 1, 2), (2, 2, 2, 2, None), (1, 1, 1, None, 1),
]  # fmt: skip
HK2007 = [list(coder) for coder in zip(*HK2007_UNITS, strict=True)]

LEVELS = ["nominal", "ordinal", "interval", "ratio"]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_published_values(level, published):
    assert round(alpha(K2011, level), 3) == published
    assert round(alpha(K2011_ARRAY, level), 3) == published


def test_krippendorff_2011_coincidence_matrix():
    # The published coincidence matrix of the example (values 1..5, n.. = 40).
    third = 1 / 3
    published = np.array(
        [
            [7, 4 * third, third, third, 0],
            [4 * third, 10, 4 * third, third, 0],
            [third, 4 * third, 8, third, 0],
            [third, third, third, 4, 0],
            [0, 0, 0, 0, 3],
        ]
    )
    values, o = coincidence_matrix(K2011)
    assert values == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(o, published, rtol=0, atol=1e-12)
    np.testing.assert_allclose(o.sum(axis=1), [9, 13, 10, 5, 3])


def test_krippendorff_2011_parts():
    # D_o and D_e of the nominal example: A_o = 32/40 (diagonal of the matrix above), so
    # D_o = 1 - 32/40 = 0.2, and D_e = (40^2 - (9^2 + 13^2 + 10^2 + 5^2 + 3^2)) / (40 * 39)
    # = (1600 - 384) / 1560; alpha = 1 - 0.2 / (1216 / 1560) = 0.74342...
    result = alpha_result(K2011, "nominal")
    assert result.observed_disagreement == pytest.approx(0.2, abs=1e-12)
    assert result.expected_disagreement == pytest.approx(1216 / 1560, abs=1e-12)
    assert result.alpha == pytest.approx(1 - 0.2 * 1560 / 1216, abs=1e-12)
    assert result.n_pairable == 40
    assert result.n_units == 11  # unit 12 has a single value


def test_hayes_krippendorff_2007_published_ordinal_alpha():
    assert alpha(HK2007, "ordinal") == pytest.approx(0.7598, abs=5e-5)


def test_none_rows_and_nan_array_agree():
    for level in LEVELS:
        assert alpha(K2011, level) == alpha(K2011_ARRAY, level)


def test_lists_with_nan_as_missing():
    rows = [[np.nan if v is None else v for v in row] for row in K2011]
    assert alpha(rows, "interval") == alpha(K2011, "interval")


def test_string_categories_match_integer_codes():
    names = {1: "CHN-RUS", 2: "CHN-IRN", 3: "RUS-IRN", 4: "PRK-RUS", 5: "CHN-PRK"}
    strings = [[None if v is None else names[v] for v in row] for row in K2011]
    assert alpha(strings) == pytest.approx(alpha(K2011), abs=1e-15)
    values, _ = coincidence_matrix(strings)
    assert values == sorted(names.values())


def test_ordinal_strings_ordered_by_value_domain():
    labels = ["very low", "low", "mid", "high", "very high"]
    strings = [[None if v is None else labels[v - 1] for v in row] for row in K2011]
    assert alpha(strings, "ordinal", value_domain=labels) == pytest.approx(
        alpha(K2011, "ordinal"), abs=1e-12
    )


def test_value_domain_with_unused_values_changes_nothing():
    for level in LEVELS:
        assert alpha(K2011, level, value_domain=[1, 2, 3, 4, 5, 6, 7]) == pytest.approx(
            alpha(K2011, level), abs=1e-12
        )


def test_perfect_agreement_is_one_and_units_with_one_value_are_ignored():
    data = [[1, 2, 3, 4, None], [1, 2, 3, None, 9], [None, 2, 3, None, None]]
    for level in LEVELS:
        assert alpha(data, level) == 1.0


def test_systematic_disagreement_is_negative():
    # 2 coders, 2 units, always disagreeing: o_12 = o_21 = 2, n.. = 4, D_o = 1,
    # D_e = (16 - 4 - 4) / (4 * 3) = 2/3, alpha = 1 - 3/2 = -0.5.
    assert alpha([["a", "b"], ["b", "a"]]) == pytest.approx(-0.5, abs=1e-15)


@pytest.mark.parametrize(
    ("data", "level", "message"),
    [
        ([[1, None], [None, 2]], "nominal", "no pairable values"),
        ([[1, 2, 3]], "nominal", "no pairable values"),
        ([], "nominal", "no pairable values"),
        (np.full((3, 4), np.nan), "interval", "no pairable values"),
        ([[1, 1, 2], [1, 1, None]], "nominal", "no variation"),
        ([["x", "x"], ["x", "x"]], "nominal", "no variation"),
        ([[1, 2], [1, 2]], "cardinal", "unknown level"),
        ([["a", "b"], ["a", "b"]], "interval", "numeric values"),
        ([["a", "b"], ["a", "b"]], "ratio", "numeric values"),
        ([["a", "b"], ["a", "b"]], "ordinal", "value_domain"),
        ([[-1, 2], [-1, 2]], "ratio", "non-negative"),
        ([[1, 2], [1]], "nominal", "one value per unit"),
        ([1, 2, 3], "nominal", "coder rows"),
        (["ab", "ab"], "nominal", "coder rows"),
        ([[[1], [2]], [[1], [2]]], "nominal", "hashable"),
        (np.array([1.0, 2.0]), "nominal", "2-D"),
        (np.array([[1.0, np.inf], [1.0, 2.0]]), "interval", "infinite"),
    ],
)
def test_value_errors(data, level, message):
    with pytest.raises(ValueError, match=message):
        alpha(data, level)


def test_values_outside_domain_raise():
    with pytest.raises(ValueError, match="outside value_domain"):
        alpha(K2011, "ordinal", value_domain=[1, 2, 3])
    with pytest.raises(ValueError, match="duplicate"):
        alpha(K2011, "ordinal", value_domain=[1, 2, 2, 3, 4, 5])


def test_expected_sum_closed_forms_match_the_definition():
    rng = np.random.default_rng(7)
    x_values = np.sort(rng.uniform(0, 10, size=9))
    n = rng.integers(0, 6, size=9)
    for level in LEVELS:
        x = np.cumsum(n) - n / 2 if level == "ordinal" else x_values
        brute = float(n @ delta_matrix(level, x, 9) @ n)
        assert expected_sum(level, x, n) == pytest.approx(brute, rel=1e-12)


def test_ordinal_metric_matches_krippendorff_definition():
    # delta_ck = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2, written out for a few pairs.
    n = np.array([3.0, 0.0, 5.0, 2.0])
    x = np.cumsum(n) - n / 2
    d = delta_matrix("ordinal", x, 4)
    assert d[0, 2] == (3 + 0 + 5 - (3 + 5) / 2) ** 2
    assert d[1, 3] == (0 + 5 + 2 - (0 + 2) / 2) ** 2
    assert d[3, 0] == (3 + 0 + 5 + 2 - (3 + 2) / 2) ** 2


def _nan_array(rows):
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def _oracle(data, level):
    """krippendorff.alpha, or None where it fails or returns NaN."""
    with np.errstate(all="ignore"):
        try:
            value = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        except (ValueError, ZeroDivisionError):
            return None
    return None if math.isnan(value) else float(value)


@st.composite
def reliability_tables(draw, values):
    n_coders = draw(st.integers(2, 6))
    n_units = draw(st.integers(1, 12))
    cell = st.one_of(st.none(), values) if draw(st.booleans()) else values
    return [draw(st.lists(cell, min_size=n_units, max_size=n_units)) for _ in range(n_coders)]


SMALL_INTS = st.integers(0, 4)
FLOATS = st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2))


@pytest.mark.parametrize("level", LEVELS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_agrees_with_krippendorff_package(level, data):
    values = data.draw(st.sampled_from([SMALL_INTS, FLOATS]))
    rows = data.draw(reliability_tables(values))
    array = _nan_array(rows)
    expected = _oracle(array, level)
    try:
        ours = alpha(rows, level)
    except ValueError:
        # ours refuses only where the oracle has no answer either
        assert expected is None
        event("degenerate")
        return
    event("compared")
    assert expected is not None
    assert ours == pytest.approx(expected, abs=1e-9)
    assert alpha(array, level) == pytest.approx(ours, abs=1e-12)


@pytest.mark.parametrize("level", LEVELS)
@settings(max_examples=100, deadline=None)
@given(rows=reliability_tables(st.integers(0, 6)))
def test_closed_forms_dense_and_sparse_coincidences_agree(level, rows):
    try:
        p = prepare(rows, level)
    except ValueError:
        return
    sums = {
        method: observed_sum(p.level, p.codes, p.m, p.x, p.coded.n_values, method)
        for method in ("auto", "dense", "sparse")
    }
    assert sums["auto"] == pytest.approx(sums["dense"], rel=1e-12, abs=1e-12)
    assert sums["sparse"] == pytest.approx(sums["dense"], rel=1e-12, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(rows=reliability_tables(st.integers(0, 6)))
def test_dense_and_sparse_coincidence_matrices_agree_with_exact_zeros(rows):
    try:
        p = prepare(rows, "nominal")
    except ValueError:
        return
    dense = coincidences(p.codes, p.m, p.coded.n_values, "dense")
    sparse = coincidences(p.codes, p.m, p.coded.n_values, "sparse")
    np.testing.assert_allclose(dense, sparse, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(dense == 0, sparse == 0)  # bootstrap counts non-zero cells
    np.testing.assert_allclose(dense.sum(axis=1), p.n, rtol=1e-12)


@pytest.mark.parametrize("level", LEVELS)
def test_many_distinct_values_take_the_sparse_path_and_agree(level):
    # 300 distinct values > DENSE_MAX_VALUES, so alpha uses the sparse evaluation.
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 300, size=400).astype(float)
    data = truth + rng.integers(-3, 4, size=(5, 400))
    data = np.clip(data, 0, None)
    data[rng.random(data.shape) < 0.25] = np.nan
    assert alpha(data, level) == pytest.approx(_oracle(data, level), abs=1e-9)


def test_non_integer_values_use_the_general_encoding():
    rng = np.random.default_rng(5)
    data = np.round(rng.normal(10, 3, size=(4, 50)), 3)
    data[rng.random(data.shape) < 0.2] = np.nan
    for level in LEVELS:
        assert alpha(data, level) == pytest.approx(_oracle(data, level), abs=1e-9)


def test_large_nominal_matches_krippendorff():
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 20, size=5000)
    data = np.where(rng.random((8, 5000)) < 0.7, truth, rng.integers(0, 20, size=(8, 5000)))
    data = data.astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    assert alpha(data) == pytest.approx(_oracle(data, "nominal"), abs=1e-9)
