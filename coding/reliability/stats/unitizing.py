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

import numpy as np


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


# ---------------------------------------------------------------------------------------------
# Many sources: alpha_U pooled over sources, and its source-level bootstrap


class SourceUnits(TypedDict):
    """One source's continuum [0, length) and its coders' units (coder, start, end, category)."""

    coders: Sequence[Hashable]
    length: int
    units: list[tuple[Hashable, int, int, Hashable]]


def _f(lengths: np.ndarray) -> np.ndarray:
    return (2 * lengths**3 - 3 * lengths**2 + lengths) / 3.0


class _CategorySums:
    """Per-source sums of one category, from which alpha_U's parts follow for any weights."""

    def __init__(self, n_sources: int, unit_lengths: np.ndarray) -> None:
        self.a = unit_lengths.astype(np.float64)  # distinct unit lengths of the category
        self.pairs = np.zeros(n_sources)  # sum of delta over coder pairs
        self.n_units = np.zeros(n_sources)
        self.f = np.zeros(n_sources)  # sum of (2l^3 - 3l^2 + l) / 3 over units
        self.q = np.zeros(n_sources)  # sum of l (l - 1) over units
        self.u = np.zeros((n_sources, self.a.size))  # units of each length
        self.k = np.zeros((n_sources, self.a.size))  # sum over gaps of (l_h - a + 1)[l_h >= a]


def _source_sums(
    sources: Sequence[SourceUnits],
) -> tuple[dict[Hashable, _CategorySums], np.ndarray, np.ndarray]:
    """Per category, the per-source sums; and each source's number of coders and length."""
    n = len(sources)
    m = np.array([len(s["coders"]) for s in sources], dtype=np.float64)
    length = np.array([s["length"] for s in sources], dtype=np.float64)
    by_category: dict[Hashable, list[tuple[int, Hashable, int, int]]] = defaultdict(list)
    for i, source in enumerate(sources):
        for coder, start, stop, category in source["units"]:
            by_category[category].append((i, coder, start, stop))
    result = {}
    for category in _sorted(by_category):
        entries = by_category[category]
        marked: dict[int, dict[Hashable, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for i, coder, start, stop in entries:
            marked[i][coder].append((start, stop))
        # plain lists first, numpy once per category: (source, length) of units and of gaps
        unit_src: list[int] = []
        unit_len: list[int] = []
        gap_src: list[int] = []
        gap_len: list[int] = []
        pairs = np.zeros(n)
        for i, coders in marked.items():
            segments = [_segments(sorted(coders.get(c, [])), 0, sources[i]["length"])
                        for c in sources[i]["coders"]]  # fmt: skip
            pairs[i] = sum(
                _pair_disagreement(segments[x], segments[y])
                for x in range(len(segments))
                for y in range(x + 1, len(segments))
            )
            for seg in segments:
                for b, e, unit in seg:
                    if unit:
                        unit_src.append(i)
                        unit_len.append(e - b)
                    else:
                        gap_src.append(i)
                        gap_len.append(e - b)
        u_src, u_len = np.array(unit_src), np.array(unit_len, dtype=np.float64)
        g_src, g_len = np.array(gap_src, dtype=np.int64), np.array(gap_len, dtype=np.float64)
        lengths = np.unique(u_len)
        sums = _CategorySums(n, lengths)
        sums.pairs = pairs
        sums.n_units = np.bincount(u_src, minlength=n).astype(np.float64)
        sums.f = np.bincount(u_src, weights=_f(u_len), minlength=n)
        sums.q = np.bincount(u_src, weights=u_len * (u_len - 1.0), minlength=n)
        a = lengths.size
        position = np.searchsorted(lengths, u_len)
        sums.u = np.bincount(u_src * a + position, minlength=n * a).reshape(n, a).astype(float)
        # sources without a unit of the category: every coder's continuum is one gap
        with_units = np.zeros(n, dtype=bool)
        with_units[list(marked)] = True
        k = np.where(with_units, 0.0, m)[:, None] * np.clip(
            length[:, None] - lengths[None, :] + 1.0, 0.0, None
        )
        np.add.at(k, g_src, np.clip(g_len[:, None] - lengths[None, :] + 1.0, 0.0, None))
        sums.k = k
        result[category] = sums
    return result, m, length


def _group_matrix(sums: list[_CategorySums], cols: np.ndarray, length: np.ndarray) -> np.ndarray:
    """The per-source sums of one coder-set size, all categories side by side: [length, then
    per category pairs, n_units, f, q, u (A columns), k (A columns)]."""
    blocks = [length[cols, None]]
    for c in sums:
        blocks.append(np.column_stack([c.pairs[cols], c.n_units[cols], c.f[cols], c.q[cols]]))
        blocks.extend([c.u[cols], c.k[cols]])
    return np.hstack(blocks)


def _pooled_from_sums(
    sums: list[_CategorySums], group_m: float, y: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per category, w_g D_o,g and w_g D_e,g (w_g = m (m - 1) L_g) from a group's weighted sums
    ``y`` (rows x the columns of ``_group_matrix``)."""
    total_length = y[:, 0]
    present = total_length > 0
    out = []
    at = 1
    for c in sums:
        a = c.a.size
        pairs, n_units, f, q = y[:, at], y[:, at + 1], y[:, at + 2], y[:, at + 3]
        u, k = y[:, at + 4 : at + 4 + a], y[:, at + 4 + a : at + 4 + 2 * a]
        at += 4 + 2 * a
        numerator = (n_units - 1.0) * f + np.einsum("ra,ra,a->r", u, k, c.a**2)
        ml = group_m * total_length
        denominator = ml * (ml - 1.0) - q
        with np.errstate(invalid="ignore", divide="ignore"):
            observed = np.where(present, 2.0 * pairs / total_length, 0.0)
            expected = np.where(
                present, 2.0 * group_m * (group_m - 1.0) * numerator / denominator, 0.0
            )
        out.append((observed, expected))
    return out


def _pooled(
    per_category: dict[Hashable, _CategorySums],
    m: np.ndarray,
    length: np.ndarray,
    weights: np.ndarray,
    matrices: dict[float, tuple[np.ndarray, np.ndarray]],
) -> dict[Hashable, tuple[np.ndarray, np.ndarray]]:
    sums = list(per_category.values())
    observed = [np.zeros(weights.shape[0]) for _ in sums]
    expected = [np.zeros(weights.shape[0]) for _ in sums]
    for group_m, (cols, matrix) in matrices.items():
        y = weights[:, cols] @ matrix
        for i, (o, e) in enumerate(_pooled_from_sums(sums, group_m, y)):
            observed[i] += o
            expected[i] += e
    return {k: (observed[i], expected[i]) for i, k in enumerate(per_category)}


def pooled_unitizing(
    sources: Sequence[SourceUnits],
    cluster: Sequence[int] | np.ndarray | None = None,
    resample_blocks: Iterable[np.ndarray] | None = None,
) -> dict[Hashable | None, tuple[float, np.ndarray | None]]:
    """alpha_U over many sources, per category and (key None) across categories.

    Each source is its own continuum (a gap ends where its source ends); sources with the same
    number of coders m are pooled as one continuum of total length L, and different m with
    weights m (m - 1) L, as the report does. Every sum is a sum over sources, so the alpha_U of
    a resample of sources (``resample_blocks``: blocks of counts, resamples x clusters, with
    ``cluster[i]`` the cluster of source i) is computed exactly from per-source sums. Returns
    category -> (alpha_U, the resamples' alpha_U or None); NaN where undefined.
    """
    if not sources:
        return {}
    per_category, m, length = _source_sums(sources)
    if not per_category:  # no coder marked anything: nothing to agree on
        return {None: (float("nan"), None)}
    cluster = np.arange(len(sources)) if cluster is None else np.asarray(cluster)
    matrices = {}
    for group_m in np.unique(m):
        cols = np.flatnonzero(m == group_m)
        matrices[float(group_m)] = (cols, _group_matrix(list(per_category.values()), cols, length))
    rows = [_pooled(per_category, m, length, np.ones((1, len(sources))), matrices)]
    if resample_blocks is not None:
        for block in resample_blocks:
            rows.append(_pooled(per_category, m, length, block[:, cluster].astype(float), matrices))
    result: dict[Hashable | None, tuple[float, np.ndarray | None]] = {}
    for key in [*per_category, None]:
        if key is None:
            o = [sum(r[k][0] for k in per_category) for r in rows]
            e = [sum(r[k][1] for k in per_category) for r in rows]
        else:
            o, e = [r[key][0] for r in rows], [r[key][1] for r in rows]
        value = float(_ratio(o[0], e[0])[0])
        draws = _ratio(np.concatenate(o[1:]), np.concatenate(e[1:])) if len(rows) > 1 else None
        result[key] = (value, draws)
    return result


def _ratio(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(expected > 0, 1.0 - observed / expected, np.nan)
