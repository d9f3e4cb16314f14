"""Percent agreement, Cohen's kappa and Fleiss' kappa (nominal data).

All take reliability data as coders x units (rows of values with None/NaN for missing, or a 2-D
array with NaN for missing) and treat values as unordered categories.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np

from coding.reliability.stats._data import encode
from coding.reliability.stats.coincidence import pairable, value_frequencies
from coding.reliability.stats.observed import observed_sum, squared_counts


def percent_agreement(data: Any) -> float:
    """Share of agreeing pairs among the pairable values (Krippendorff's A_o = 1 - nominal D_o).

    Within a unit with m_u values, each value is compared with the m_u - 1 values other coders
    gave the same unit; a unit therefore weighs in proportion to its number of pairable values
    m_u, and units with fewer than two values are ignored. With complete data (every coder coded
    every unit) this equals both the mean over units of the share of agreeing coder pairs and
    the mean over coder pairs of their percent agreement.
    """
    coded = encode(data)
    codes, m = pairable(coded.codes)
    if codes.shape[1] == 0:
        raise ValueError("no pairable values: no unit was coded by at least two coders")
    return 1.0 - observed_sum("nominal", codes, m, None, coded.n_values) / float(m.sum())


def _kappa(a: np.ndarray, b: np.ndarray, n_values: int) -> float:
    both = (a >= 0) & (b >= 0)
    n = int(both.sum())
    if n == 0:
        raise ValueError("the two coders have no unit in common")
    keys = a[both].astype(np.int64) * n_values + b[both]
    table = np.bincount(keys, minlength=n_values * n_values)
    table = table.reshape(n_values, n_values)
    agree = int(np.trace(table))
    # p_o = agree / n, p_e = sum_c row_c col_c / n^2, kappa = (p_o - p_e) / (1 - p_e);
    # in integers (exact): (n agree - sum row col) / (n^2 - sum row col)
    chance = sum(int(r) * int(c) for r, c in zip(table.sum(axis=1), table.sum(axis=0), strict=True))
    if chance == n * n:
        raise ValueError(
            "Cohen's kappa is undefined: both coders used one and the same category for every "
            "unit they share (expected agreement 1)"
        )
    return (n * agree - chance) / (n * n - chance)


def _two_rows(a: Sequence[Any], b: Sequence[Any]) -> Any:
    if len(a) != len(b):
        raise ValueError(f"the two coders must rate the same units: {len(a)} vs {len(b)} values")
    if all(isinstance(x, np.ndarray) and x.dtype.kind in "iuf" for x in (a, b)):
        return np.vstack([np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)])
    return [list(a), list(b)]


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cohen's kappa of two coders' values for the same units (None/NaN = missing).

    Only units both coders coded count. Raises ValueError when they share no unit or when the
    expected agreement is 1 (both used a single, identical category), where kappa is 0/0.
    """
    coded = encode(_two_rows(a, b))
    return _kappa(coded.codes[0], coded.codes[1], coded.n_values)


def pairwise_cohen_kappa(
    data: Any, coder_names: Sequence[Hashable] | None = None
) -> dict[tuple[Hashable, Hashable], float | None]:
    """Cohen's kappa for every pair of coders (rows of ``data``).

    Keys are ``(coder_names[i], coder_names[j])`` with i < j (row indices when no names are
    given). A pair for which kappa is undefined (no shared unit, or a single category used by
    both) maps to None rather than aborting the whole table.
    """
    coded = encode(data)
    n_coders = coded.codes.shape[0]
    names = list(range(n_coders)) if coder_names is None else list(coder_names)
    if len(names) != n_coders:
        raise ValueError(f"{len(names)} coder names for {n_coders} coder rows")
    if len(set(names)) != len(names):
        raise ValueError("coder names must be distinct")
    if n_coders < 2:
        raise ValueError("pairwise kappa needs at least two coders")
    result: dict[tuple[Hashable, Hashable], float | None] = {}
    for i in range(n_coders):
        for j in range(i + 1, n_coders):
            try:
                value: float | None = _kappa(coded.codes[i], coded.codes[j], coded.n_values)
            except ValueError:
                value = None
            result[(names[i], names[j])] = value
    return result


def fleiss_kappa(data: Any, on_unequal: Literal["raise", "modal"] = "raise") -> float:
    """Fleiss' (1971) kappa for many coders, nominal data.

    Fleiss' kappa assumes every unit received the same number of ratings n (the raters may
    differ from unit to unit). Units nobody rated are ignored. If the other units do not all have
    the same number of ratings, ``on_unequal="raise"`` (default) raises ValueError, and
    ``on_unequal="modal"`` keeps only the units with the most common number of ratings (the
    larger number on a tie) and drops the rest. Krippendorff's alpha handles missing values
    without discarding data and is preferable for incomplete designs.

    kappa = (P - P_e) / (1 - P_e), P = mean over units of (sum_j n_uj^2 - n) / (n (n - 1)),
    P_e = sum_j p_j^2, p_j = share of all ratings in category j.
    """
    if on_unequal not in ("raise", "modal"):
        raise ValueError(f"on_unequal must be 'raise' or 'modal', not {on_unequal!r}")
    coded = encode(data)
    ratings = (coded.codes >= 0).sum(axis=0)
    codes, ratings = coded.codes[:, ratings > 0], ratings[ratings > 0]
    if ratings.size == 0:
        raise ValueError("no ratings")
    sizes, frequency = np.unique(ratings, return_counts=True)
    if sizes.size > 1:
        if on_unequal == "raise":
            found = ", ".join(f"{f} units with {s}" for s, f in zip(sizes, frequency, strict=True))
            raise ValueError(
                "Fleiss' kappa needs the same number of ratings for every unit; found "
                f"{found} ratings (use on_unequal='modal' or Krippendorff's alpha)"
            )
        modal = sizes[frequency == frequency.max()].max()
        codes, ratings = codes[:, ratings == modal], ratings[ratings == modal]
    n = int(ratings[0])
    if n < 2:
        raise ValueError("Fleiss' kappa needs at least two ratings per unit")
    p_units = (squared_counts(codes, coded.n_values) - n) / (n * (n - 1))
    totals = value_frequencies(codes, coded.n_values)
    p_categories = totals / totals.sum()
    if np.count_nonzero(totals) < 2:
        raise ValueError(
            "Fleiss' kappa is undefined: all ratings are in one category (expected agreement 1)"
        )
    p_bar = float(p_units.mean())
    p_expected = float(p_categories @ p_categories)
    return (p_bar - p_expected) / (1.0 - p_expected)
