"""Krippendorff's coincidence matrix.

o_ck = sum over units u with m_u >= 2 values of (number of ordered pairs (c, k) of values from
different coders in u) / (m_u - 1). In matrix form, with N the units x values table of counts,
o = N^T diag(1 / (m_u - 1)) N - diag(sum_u N_uc / (m_u - 1)). Each pairable value contributes 1
in total, so row sums are the pairable-value frequencies n_c and the grand total is n.., the
number of pairable values.

Two evaluations, same result: ``dense`` (the product above, block by block, for few distinct
values) and ``sparse`` (explicit within-unit pairs of distinct values, for many distinct values,
e.g. interval data with hundreds of scale points, where a units x values table would not fit).
The product is summed with np.einsum rather than a BLAS matmul: its shape (tiny V x V output,
long inner dimension) gains nothing from BLAS, and BLAS threads contending with other processes
on a busy server made it up to ten times slower.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from typing import Any

import numpy as np

from coding.reliability.stats._data import encode

DENSE_MAX_VALUES = 128
_BLOCK_UNITS = 8192
_BLOCK_CELLS = 1 << 20  # at most this many units x values cells per block (8 MB)


def pairable(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the units with at least two values; return their codes and value counts m_u."""
    m = (codes >= 0).sum(axis=0)
    keep = m >= 2
    if keep.all():
        return codes, m
    return codes[:, keep], m[keep]


def value_frequencies(codes_p: np.ndarray, n_values: int) -> np.ndarray:
    """n_c: how often each value occurs among the pairable values (integers)."""
    return np.bincount(codes_p.ravel() + 1, minlength=n_values + 1)[1:]


def unit_blocks(n_units: int, cells_per_unit: int) -> Iterator[slice]:
    """Slices of units small enough for a block of temporaries to stay in cache."""
    step = max(1, min(_BLOCK_UNITS, _BLOCK_CELLS // max(cells_per_unit, 1)))
    for start in range(0, n_units, step):
        yield slice(start, min(start + step, n_units))


def count_table(block: np.ndarray, n_values: int) -> np.ndarray:
    """N_uc, the units x values table of counts of a block of codes (coders x units)."""
    units = block.shape[1]
    width = n_values + 1  # column 0 collects the missing values, then dropped
    # unit-major keys (unit * width + code + 1) keep bincount's writes local
    keys = np.add(np.arange(units, dtype=np.intp)[:, None] * width + 1, block.T, order="C")
    return np.bincount(keys.ravel(), minlength=units * width).reshape(units, width)[:, 1:]


def dense_coincidences(
    codes_p: np.ndarray, m: np.ndarray, n_values: int, diagonal: bool = True
) -> np.ndarray:
    """Coincidences from the count table, block by block of units.

    ``diagonal=False`` leaves the diagonal unset (garbage), for callers multiplying by deltas,
    which are 0 there.
    """
    o = np.zeros((n_values, n_values))
    agreeing = np.zeros(n_values)  # sum_u N_uc (N_uc - 1) / (m_u - 1), summed directly so that
    # cells without agreeing pairs are exactly 0 rather than a subtraction's rounding residue
    for units in unit_blocks(codes_p.shape[1], n_values + 1):
        counts = count_table(codes_p[:, units], n_values).astype(np.float64)
        weighted = counts / (m[units] - 1.0)[:, None]
        o += np.einsum("uc,ud->cd", weighted, counts)
        if diagonal:
            agreeing += np.einsum("uc,uc->c", weighted, counts - 1.0)
    if diagonal:
        o[np.diag_indices(n_values)] = agreeing
    return o


def coincidence_pairs(
    codes_p: np.ndarray, m: np.ndarray, n_values: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse coincidences: o = sum of ``w`` at (``a``, ``b``) (value codes), without a V x V array.

    Each unit is reduced to its distinct values with their counts; every ordered pair of
    entries (a, b) of a unit then weighs count_a * (count_b - [a is b]) / (m_u - 1).
    """
    n_units = codes_p.shape[1]
    mask = codes_p >= 0
    keys = ((np.arange(n_units, dtype=np.int64) * n_values)[None, :] + codes_p)[mask]
    keys, count = np.unique(keys, return_counts=True)  # sorted by unit, then value
    unit, value = keys // n_values, keys % n_values
    per_unit = np.bincount(unit, minlength=n_units)
    first = np.cumsum(per_unit) - per_unit
    partners = per_unit[unit]
    a = np.repeat(np.arange(unit.size), partners)
    offset = np.arange(a.size) - np.repeat(np.cumsum(partners) - partners, partners)
    b = np.repeat(first[unit], partners) + offset
    w = count[a] * (count[b] - (a == b)) / (m[unit[a]] - 1.0)
    keep = w > 0
    return value[a][keep], value[b][keep], w[keep]


def coincidences(
    codes_p: np.ndarray, m: np.ndarray, n_values: int, method: str = "auto"
) -> np.ndarray:
    """The V x V coincidence matrix of the pairable units."""
    if method == "auto":
        method = "dense" if n_values <= DENSE_MAX_VALUES else "sparse"
    if method == "dense":
        return dense_coincidences(codes_p, m, n_values)
    if method == "sparse":
        a, b, w = coincidence_pairs(codes_p, m, n_values)
        flat = np.bincount(a * n_values + b, weights=w, minlength=n_values * n_values)
        return flat.reshape(n_values, n_values)
    raise ValueError(f"unknown method {method!r}")


def coincidence_matrix(
    data: Any, value_domain: Sequence[Hashable] | None = None
) -> tuple[list[Any], np.ndarray]:
    """Krippendorff's coincidence matrix of reliability data (coders x units).

    Returns ``(values, o)``: ``o[c, k]`` counts how often value ``values[c]`` was paired with
    ``values[k]`` by different coders of the same unit, each unit's pairs weighted by
    1 / (m_u - 1). Off-diagonal mass shows which values coders confuse. ``values`` lists every
    value in the data (or ``value_domain``), sorted when sortable; values that occur only in
    units coded once have zero rows. Raises ValueError when no unit has two values.
    """
    coded = encode(data, value_domain)
    codes_p, m = pairable(coded.codes)
    if codes_p.shape[1] == 0:
        raise ValueError("no pairable values: no unit was coded by at least two coders")
    return coded.values, coincidences(codes_p, m, coded.n_values)
