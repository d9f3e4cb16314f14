"""Unitizing alpha: Krippendorff's published examples (via DKPro's tests) and a brute force."""

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.reliability.stats import unitizing_alpha


def _units(spec, stretch=1):
    """DKPro-style (offset, length, coder, category) -> (coder, start, end, category)."""
    return [
        (coder, int(offset * stretch), int(offset * stretch) + int(length * stretch), category)
        for offset, length, coder, category in spec
    ]


# Krippendorff (2004, p. 254): continuum [150, 450), coders 0 and 1, categories c and k.
# Units as in DKPro Agreement's Krippendorff2004Test (offset, length, coder, category).
K2004 = _units(
    [
        (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"),
        (400, 20, 1, "c"), (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"),
        (300, 50, 1, "k"),
    ]
)  # fmt: skip

# Krippendorff (1995, p. 57): four independent two-coder examples A-D on a continuum of 24,
# as in DKPro Agreement's Krippendorff1995Test (there stretched to approach the continuous case).
K1995_SPEC = [
    (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
    (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
    (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
    (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"),
    (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
    (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
    (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
]  # fmt: skip


def test_krippendorff_2004_example():
    # Published figures as asserted by DKPro's Krippendorff2004Test: D_o(c) = 0.0144,
    # D_e(c) = 0.0532, alpha(c) = 0.7286; D_o(k) = 0, D_e(k) = 0.0490, alpha(k) = 1;
    # alpha across categories = 0.8591.
    result = unitizing_alpha(K2004, 150, 450)
    assert result["observed"]["c"] == pytest.approx(0.0144, abs=1e-4)
    assert result["expected"]["c"] == pytest.approx(0.0532, abs=1e-4)
    assert result["per_category"]["c"] == pytest.approx(0.7286, abs=1e-4)
    assert result["observed"]["k"] == 0.0
    assert result["expected"]["k"] == pytest.approx(0.0490, abs=1e-4)
    assert result["per_category"]["k"] == 1.0
    assert result["alpha"] == pytest.approx(0.8591, abs=5e-4)


def test_krippendorff_2004_example_observed_by_hand():
    # Category c, m = 2, L = 300. Overlapping segment pairs with non-zero delta:
    #   [225,295) vs [220,300): 5^2 + 5^2 = 50          (both units)
    #   [370,400) vs [355,375): 15^2 + 25^2 = 850       (both units)
    #   [400,420) of coder 1 inside coder 0's gap [400,450): 20^2 = 400
    # D_o = 2 * 1300 / (2 * 1 * 300^2)
    result = unitizing_alpha(K2004, 150, 450)
    assert result["observed"]["c"] == pytest.approx(1300 / 90000, abs=1e-15)


def test_krippendorff_1995_observed_disagreements():
    # DKPro's Krippendorff1995Test (tolerance 1e-5) on the unstretched example.
    result = unitizing_alpha(_units(K1995_SPEC), 0, 24)
    assert result["observed"]["A"] == pytest.approx(0.03125, abs=1e-5)
    assert result["observed"]["B"] == pytest.approx(2.26736, abs=1e-5)
    assert result["observed"]["C"] == pytest.approx(0.02777, abs=1e-5)
    assert result["observed"]["D"] == pytest.approx(0.38715, abs=1e-5)


def test_krippendorff_1995_alphas_in_the_continuous_limit():
    # The 1995 paper's figures are for continuous data; stretching the continuum 50,000-fold
    # approaches them. DKPro notes a small error in the paper's D_e and asserts these
    # tolerances (0.005 for D_e, 0.02 for alpha).
    stretch = 50_000
    result = unitizing_alpha(_units(K1995_SPEC, stretch), 0, 24 * stretch)
    published_expected = {"A": 0.06990, "B": 1.17731, "C": 0.08642, "D": 0.41445}
    published_alpha = {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}
    for category in "ABCD":
        assert result["expected"][category] == pytest.approx(
            published_expected[category], abs=0.005
        )
        assert result["per_category"][category] == pytest.approx(
            published_alpha[category], abs=0.02
        )


def test_dkpro_unitizing_example():
    # DKPro's UnitizingAgreementTest (not a published example: a cross-implementation check).
    # r0: -11111111-   r1: --1-1-1---
    units = [(0, 1, 9, "A"), (1, 2, 3, "A"), (1, 4, 5, "A"), (1, 6, 7, "A")]
    result = unitizing_alpha(units, 0, 10)
    assert result["observed"]["A"] == pytest.approx(0.9100, abs=1e-4)
    assert result["expected"]["A"] == pytest.approx(0.5351, abs=1e-4)
    assert result["per_category"]["A"] == pytest.approx(-0.7003, abs=1e-4)


# --- brute force -----------------------------------------------------------------------


def _brute_segments(units, coder, category, begin, end):
    """Position by position: which unit (if any) covers each position; runs become segments."""
    owner = [None] * (end - begin)
    for index, (c, start, stop, cat) in enumerate(units):
        if c == coder and cat == category:
            for position in range(start, stop):
                owner[position - begin] = index
    segments = []  # (offset, length, is_unit)
    run_start = 0
    for position in range(1, end - begin + 1):
        if position == end - begin or owner[position] != owner[run_start]:
            segments.append((begin + run_start, position - run_start, owner[run_start] is not None))
            run_start = position
    return segments


def _brute_delta(g, h):
    """Krippendorff's delta in offset/length form, for ALL pairs (no sweep)."""
    (b1, l1, u1), (b2, l2, u2) = g, h
    shift, stretch = b1 - b2, l1 - l2
    if u1 and u2 and -l1 < shift < l2:
        return shift**2 + (shift + stretch) ** 2
    if u1 and not u2 and -stretch >= shift >= 0:
        return l1**2
    if u2 and not u1 and -stretch <= shift <= 0:
        return l2**2
    return 0


def brute_force(units, begin, end, coders):
    length, m = end - begin, len(coders)
    observed, expected = {}, {}
    for category in {u[3] for u in units}:
        segments = {c: _brute_segments(units, c, category, begin, end) for c in coders}
        total = sum(
            _brute_delta(g, h)
            for i in coders
            for j in coders
            if i != j
            for g in segments[i]
            for h in segments[j]
        )
        observed[category] = Fraction(total, m * (m - 1) * length**2)
        lengths = [s[1] for c in coders for s in segments[c] if s[2]]
        gaps = [s[1] for c in coders for s in segments[c] if not s[2]]
        numerator = Fraction(0)
        for lg in lengths:
            numerator += Fraction((len(lengths) - 1) * (2 * lg**3 - 3 * lg**2 + lg), 3)
            for gap in gaps:
                if gap >= lg:
                    numerator += lg**2 * (gap - lg + 1)
        denominator = m * length * (m * length - 1) - sum(lg * (lg - 1) for lg in lengths)
        expected[category] = Fraction(2, length) * numerator / denominator
    return observed, expected


@st.composite
def unitizations(draw):
    begin = draw(st.integers(-5, 5))
    end = begin + draw(st.integers(1, 25))
    coders = draw(st.lists(st.sampled_from("pqrs"), min_size=2, max_size=4, unique=True))
    units = []
    for coder in coders:
        for category in draw(st.lists(st.sampled_from("xyz"), max_size=3, unique=True)):
            cuts = draw(st.lists(st.integers(begin, end), unique=True, max_size=10))
            cuts = sorted({begin, end, *cuts})
            for start, stop in itertools.pairwise(cuts):
                if draw(st.booleans()):  # consecutive pieces may both be units: touching units
                    units.append((coder, start, stop, category))
    return units, begin, end, coders


@settings(max_examples=300, deadline=None)
@given(unitizations())
def test_matches_brute_force(case):
    units, begin, end, coders = case
    if not units:
        return
    observed, expected = brute_force(units, begin, end, coders)
    if 0 in expected.values():
        with pytest.raises(ValueError, match="undefined"):
            unitizing_alpha(units, begin, end, coders=coders)
        return
    result = unitizing_alpha(units, begin, end, coders=coders)
    assert set(result["per_category"]) == set(observed)
    for category in observed:
        assert result["observed"][category] == float(observed[category])
        assert result["expected"][category] == float(expected[category])
        alpha_c = 1 - observed[category] / expected[category]
        assert result["per_category"][category] == float(alpha_c)
    overall = 1 - sum(observed.values()) / sum(expected.values())
    assert result["alpha"] == float(overall)


def test_categories_are_assessed_independently():
    alone = unitizing_alpha([u for u in K2004 if u[3] == "c"], 150, 450)
    assert alone["per_category"]["c"] == unitizing_alpha(K2004, 150, 450)["per_category"]["c"]


def test_coders_without_units_count():
    units = [(0, 2, 6, "x"), (1, 3, 6, "x")]
    two = unitizing_alpha(units, 0, 10)
    three = unitizing_alpha(units, 0, 10, coders=[0, 1, 2])
    observed, expected = brute_force(units, 0, 10, [0, 1, 2])
    assert three["per_category"]["x"] == float(1 - observed["x"] / expected["x"])
    assert three["per_category"]["x"] < two["per_category"]["x"]


def test_identical_unitizations_agree_perfectly():
    units = [(c, s, e, "x") for c in ("a", "b", "c") for s, e in ((0, 3), (3, 5), (8, 10))]
    assert unitizing_alpha(units, 0, 12)["alpha"] == 1.0


@pytest.mark.parametrize(
    ("units", "begin", "end", "coders", "message"),
    [
        ([(0, 1, 3, "x"), (0, 2, 4, "x"), (1, 1, 3, "x")], 0, 5, None, "overlapping"),
        ([(0, 1, 3, "x"), (1, 4, 6, "x")], 0, 5, None, "within"),
        ([(0, 3, 3, "x"), (1, 1, 2, "x")], 0, 5, None, "non-empty"),
        ([(0, 1, 3, "x")], 0, 5, None, "two coders"),
        ([], 0, 5, [0, 1], "no units"),
        ([(0, 1, 3, "x"), (1, 1, 3, "x")], 5, 5, None, "empty"),
        ([(0, 1.5, 3, "x"), (1, 1, 3, "x")], 0, 5, None, "integer"),
        ([(0, 1, 3, "x"), (1, 1, 3, "x")], 0, 5.0, None, "integer"),
        ([(0, 1, 3)], 0, 5, None, "tuple"),
        ([([0], 1, 3, "x"), (1, 1, 3, "x")], 0, 5, None, "hashable"),
        ([(0, 1, 3, "x"), (7, 1, 3, "x")], 0, 5, [0, 1], "not in `coders`"),
        ([(0, 1, 3, "x"), (1, 1, 3, "x")], 0, 5, [0, 1, 1], "distinct"),
        ([(0, 0, 1, "x"), (1, 0, 1, "x")], 0, 1, None, "undefined"),
        ([(c, p, p + 1, "x") for c in (0, 1) for p in range(3)], 0, 3, None, "undefined"),
    ],
)
def test_unitizing_errors(units, begin, end, coders, message):
    with pytest.raises(ValueError, match=message):
        unitizing_alpha(units, begin, end, coders=coders)


def test_overlapping_units_of_different_categories_are_allowed():
    units = [(0, 0, 5, "x"), (0, 2, 8, "y"), (1, 0, 5, "x"), (1, 2, 8, "y")]
    assert unitizing_alpha(units, 0, 10)["per_category"] == {"x": 1.0, "y": 1.0}
