"""sum_c sum_k o_ck delta_ck (= n.. D_o), without building the coincidence matrix where possible.

A unit u with m_u values and value counts N_uc contributes (N_u N_u^T - diag N_u) / (m_u - 1)
to o, hence sum_c sum_k N_uc N_uk delta_ck / (m_u - 1) to the sum (delta_cc = 0 removes the
diagonal term). For three levels that inner sum has a closed form:

- nominal: sum_c sum_k N_uc N_uk [c != k] = m_u^2 - sum_c N_uc^2;
- interval and ordinal, delta = (x_c - x_k)^2 on positions x (see distance.py): the sum over
  all ordered pairs of the unit's values of (x_i - x_j)^2, which is 2 m_u sum_i (x_i - mean_u)^2.

Ratio goes through the coincidence matrix. Everything runs block by block over the units.
"""

from __future__ import annotations

import numpy as np

from coding.reliability.stats.coincidence import (
    DENSE_MAX_VALUES,
    coincidence_pairs,
    count_table,
    dense_coincidences,
    unit_blocks,
)
from coding.reliability.stats.distance import delta_matrix, delta_pairs


def squared_counts(codes: np.ndarray, n_values: int) -> np.ndarray:
    """sum_c N_uc^2 for each unit (column) of ``codes``: ordered same-value pairs, self included."""
    n_units = codes.shape[1]
    if n_values <= DENSE_MAX_VALUES:
        out = np.empty(n_units, dtype=np.int64)
        for units in unit_blocks(n_units, n_values + 1):
            counts = count_table(codes[:, units], n_values)
            out[units] = np.einsum("uc,uc->u", counts, counts)
        return out
    keys = ((np.arange(n_units, dtype=np.int64) * n_values)[None, :] + codes)[codes >= 0]
    keys, count = np.unique(keys, return_counts=True)
    return np.bincount(keys // n_values, weights=count * count, minlength=n_units).astype(np.int64)


def _nominal(codes: np.ndarray, m: np.ndarray, n_values: int) -> float:
    same = squared_counts(codes, n_values)
    return float(((m * m - same) / (m - 1.0)).sum())


def _spread(codes: np.ndarray, m: np.ndarray, x: np.ndarray) -> float:
    # shifting the positions changes no difference and keeps the numbers small; the extra last
    # slot (code -1, missing) contributes 0 to the unit sums and is masked out of the deviations
    table = np.append(x - (x.min() + x.max()) / 2.0, 0.0)
    total = 0.0
    for units in unit_blocks(codes.shape[1], codes.shape[0]):
        block = codes[:, units]
        values = table[block]
        mu = m[units]
        values -= values.sum(axis=0) / mu
        values *= block >= 0
        squares = np.einsum("ij,ij->j", values, values)
        total += float((2.0 * mu * squares / (mu - 1.0)).sum())
    return total


def observed_sum(
    level: str,
    codes: np.ndarray,
    m: np.ndarray,
    x: np.ndarray | None,
    n_values: int,
    method: str = "auto",
) -> float:
    """sum_c sum_k o_ck delta_ck over the pairable units ``codes`` (coders x units, -1 missing).

    ``method``: "auto" (closed forms where available), or "dense"/"sparse" to go through the
    coincidence matrix (see coincidence.py); all give the same value up to rounding.
    """
    if method == "auto":
        if level == "nominal":
            return _nominal(codes, m, n_values)
        if level in ("interval", "ordinal"):
            assert x is not None
            return _spread(codes, m, x)
        method = "dense" if n_values <= DENSE_MAX_VALUES else "sparse"
    if method == "dense":
        o = dense_coincidences(codes, m, n_values, diagonal=False)
        return float((o * delta_matrix(level, x, n_values)).sum())  # zero diagonal
    if method == "sparse":
        a, b, w = coincidence_pairs(codes, m, n_values)
        return float(w @ delta_pairs(level, x, a, b))
    raise ValueError(f"unknown method {method!r}")
