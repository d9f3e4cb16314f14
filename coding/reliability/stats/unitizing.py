"""Krippendorff's alpha for unitizing a continuum (the |_u alpha of Krippendorff 1995/2004).

Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological
Methodology 25, 47-76; Krippendorff, K. (2004). Content Analysis, 2nd ed., pp. 251-256. The
discrete formulas follow the 2004 book as implemented in DKPro Agreement
(``KrippendorffAlphaUnitizingAgreement``).

Each coder marks units ``(start, end, category)`` on the continuum [begin, end) (integer
positions, end exclusive). Categories are assessed one at a time: for category c, each coder's
continuum is a sequence of segments, either units of c or gaps (stretches without a unit of c,
including stretches covered by units of other categories). With m coders, L = end - begin, b
and l a segment's begin and length:

Observed disagreement, over all pairs of segments g of coder i and h of coder j != i::

    D_o(c) = sum_{i != j} sum_{g, h} delta(ig, jh) / (m (m - 1) L^2)

    delta = (b_g - b_h)^2 + (e_g - e_h)^2  both units of c and overlapping (e = b + l)
          = l_g^2                          g a unit, h a gap containing it
          = l_h^2                          g a gap containing the unit h
          = 0                              otherwise

Expected disagreement, over the N_c units of c (all coders) and the gaps of all coders::

    D_e(c) = (2 / L) sum_{units g} [ (N_c - 1) (2 l_g^3 - 3 l_g^2 + l_g) / 3
                                     + l_g^2 sum_{gaps h with l_h >= l_g} (l_h - l_g + 1) ]
             / [ m L (m L - 1) - sum_{units g} l_g (l_g - 1) ]

alpha(c) = 1 - D_o(c) / D_e(c), and across categories alpha = 1 - sum_c D_o(c) / sum_c D_e(c).
Computed exactly in integers and fractions, converted to float at the end.
"""

from __future__ import annotations

import bisect
import itertools
import numbers
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction
from typing import TypedDict


class UnitizingResult(TypedDict):
    alpha: float
    """across categories: 1 - sum_c D_o(c) / sum_c D_e(c)"""
    per_category: dict[Hashable, float]
    observed: dict[Hashable, float]
    """D_o(c)"""
    expected: dict[Hashable, float]
    """D_e(c)"""


Segment = tuple[int, int, bool]  # (begin, end, is a unit of the category)


def _integer(x: object, what: str) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise ValueError(f"{what} must be an integer, not {x!r}")
    return int(x)


def _sorted(items: Iterable[Hashable]) -> list[Hashable]:
    items = list(dict.fromkeys(items))
    try:
        return sorted(items)  # type: ignore[type-var]
    except TypeError:
        return items


def _segments(units: list[tuple[int, int]], begin: int, end: int) -> list[Segment]:
    """Units (sorted, non-overlapping) plus the gaps between them, covering [begin, end)."""
    segments: list[Segment] = []
    position = begin
    for start, stop in units:
        if start > position:
            segments.append((position, start, False))
        segments.append((start, stop, True))
        position = stop
    if position < end:
        segments.append((position, end, False))
    return segments


def _delta(g: Segment, h: Segment) -> int:
    (bg, eg, unit_g), (bh, eh, unit_h) = g, h
    if unit_g and unit_h:
        if bg < eh and bh < eg:
            return (bg - bh) ** 2 + (eg - eh) ** 2
        return 0
    if unit_g and not unit_h and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if unit_h and not unit_g and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def _pair_disagreement(first: list[Segment], second: list[Segment]) -> int:
    """Sum of delta over the overlapping segment pairs of two coders (others contribute 0)."""
    total = 0
    i = j = 0
    while i < len(first) and j < len(second):
        total += _delta(first[i], second[j])
        end_first, end_second = first[i][1], second[j][1]
        if end_first <= end_second:
            i += 1
        if end_second <= end_first:
            j += 1
    return total


def _expected_numerator(lengths: list[int], gaps: list[int]) -> int:
    """sum over units of (N_c - 1)(2l^3 - 3l^2 + l)/3 + l^2 sum_{gaps >= l} (gap - l + 1)."""
    gaps = sorted(gaps)
    suffix = [0] * (len(gaps) + 1)  # suffix[k] = sum(gaps[k:])
    for k in range(len(gaps) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + gaps[k]
    n_units = len(lengths)
    total = 0
    for length in lengths:
        # l (l - 1) (2 l - 1) is 6 times a sum of squares, so the division is exact
        total += (n_units - 1) * (2 * length**3 - 3 * length**2 + length) // 3
        k = bisect.bisect_left(gaps, length)
        total += length**2 * (suffix[k] - (length - 1) * (len(gaps) - k))
    return total


def unitizing_alpha(
    units: Iterable[tuple[Hashable, int, int, Hashable]],
    begin: int,
    end: int,
    coders: Sequence[Hashable] | None = None,
) -> UnitizingResult:
    """Krippendorff's unitizing alpha for units ``(coder, start, end, category)`` on [begin, end).

    ``coders`` lists all coders, including any who marked no unit at all (each such coder's
    continuum is one gap); by default it is the coders appearing in ``units``. A coder's units
    of one category must not overlap (they may touch); units of different categories may.
    Returns ``{"alpha": ..., "per_category": {c: ...}, "observed": {c: D_o}, "expected":
    {c: D_e}}``. Raises ValueError on malformed units, fewer than two coders, no units, or a
    category whose expected disagreement is 0 (only units of length 1 and no gaps).
    """
    begin, end = _integer(begin, "begin"), _integer(end, "end")
    if end <= begin:
        raise ValueError(f"the continuum [begin, end) = [{begin}, {end}) is empty")
    marked: dict[Hashable, dict[Hashable, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    seen_coders: list[Hashable] = []
    for item in units:
        try:
            coder, start, stop, category = item
        except (TypeError, ValueError):
            raise ValueError(
                f"each unit must be a (coder, start, end, category) tuple, not {item!r}"
            ) from None
        start, stop = _integer(start, "unit start"), _integer(stop, "unit end")
        if not begin <= start < stop <= end:
            raise ValueError(
                f"unit {item!r} must be non-empty and lie within [begin, end) = [{begin}, {end})"
            )
        try:
            marked[category][coder].append((start, stop))
        except TypeError:
            raise ValueError(f"coder and category must be hashable in unit {item!r}") from None
        seen_coders.append(coder)
    if coders is None:
        coder_list = _sorted(seen_coders)
    else:
        coder_list = list(coders)
        if len(set(coder_list)) != len(coder_list):
            raise ValueError("coders must be distinct")
        unknown = set(seen_coders) - set(coder_list)
        if unknown:
            raise ValueError(f"units by coders not in `coders`: {sorted(map(repr, unknown))}")
    if not marked:
        raise ValueError("no units: unitizing alpha needs at least one marked unit")
    n_coders = len(coder_list)
    if n_coders < 2:
        raise ValueError("unitizing alpha needs at least two coders")
    length = end - begin

    observed: dict[Hashable, Fraction] = {}
    expected: dict[Hashable, Fraction] = {}
    for category in _sorted(marked):
        segments = []
        for coder in coder_list:
            own = sorted(marked[category].get(coder, []))
            for (_, previous_stop), (start, _) in itertools.pairwise(own):
                if start < previous_stop:
                    raise ValueError(
                        f"coder {coder!r} has overlapping units of category {category!r} "
                        f"ending at {previous_stop} and starting at {start}"
                    )
            segments.append(_segments(own, begin, end))
        pairs = sum(
            _pair_disagreement(segments[i], segments[j])
            for i in range(n_coders)
            for j in range(i + 1, n_coders)
        )
        observed[category] = Fraction(2 * pairs, n_coders * (n_coders - 1) * length**2)
        lengths = [e - b for coder_segments in segments for b, e, unit in coder_segments if unit]
        gaps = [e - b for coder_segments in segments for b, e, unit in coder_segments if not unit]
        denominator = n_coders * length * (n_coders * length - 1) - sum(
            x * (x - 1) for x in lengths
        )
        numerator = 2 * _expected_numerator(lengths, gaps)
        if numerator == 0:  # every unit of length 1 and no gaps: no variation to compare with
            raise ValueError(
                f"unitizing alpha is undefined for category {category!r}: all its units have "
                "length 1 and leave no gaps, so the expected disagreement is 0"
            )
        expected[category] = Fraction(numerator, length * denominator)

    return UnitizingResult(
        alpha=float(1 - sum(observed.values()) / sum(expected.values())),
        per_category={c: float(1 - observed[c] / expected[c]) for c in observed},
        observed={c: float(v) for c, v in observed.items()},
        expected={c: float(v) for c, v in expected.items()},
    )
