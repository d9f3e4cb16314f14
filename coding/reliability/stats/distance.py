"""Krippendorff's difference functions (delta squared) for the four levels of measurement.

Every metric is computed on "positions" ``x`` of the values, indexed by code:

- nominal:  delta = 0 if c == k else 1 (positions unused);
- interval: delta = (x_c - x_k)**2 with x the numeric values;
- ordinal:  delta = (sum_{g=c..k} n_g - (n_c + n_k) / 2)**2 (Krippendorff 2011, with n_g the
  marginal frequencies of the pairable values and g running over the ranks between c and k).
  With ``x_g = N_g - n_g / 2`` (N_g the cumulative frequency up to and including g) this is
  exactly ``(x_c - x_k)**2``, so ordinal is interval on these "mid-cumulative" positions; values
  that do not occur have n_g = 0 and change nothing;
- ratio:    delta = ((x_c - x_k) / (x_c + x_k))**2, and 0 when both are 0.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

_RATIO_CHUNK = 1024


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; expected one of {LEVELS}")
    return level


def positions(level: str, numeric: np.ndarray | None, n: np.ndarray) -> np.ndarray | None:
    """Positions ``x`` of the values (by code) from which the metric's deltas follow."""
    if level == "nominal":
        return None
    if level == "ordinal":
        n = np.asarray(n, dtype=np.float64)
        return np.cumsum(n) - n / 2.0
    assert numeric is not None
    return numeric


def _ratio(xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    total = xa + xb
    diff = xa - xb
    out = np.zeros(np.broadcast(xa, xb).shape)
    np.divide(diff, total, out=out, where=total != 0)
    return out * out


def delta_matrix(level: str, x: np.ndarray | None, n_values: int) -> np.ndarray:
    """The V x V matrix of deltas between all values."""
    if level == "nominal":
        return 1.0 - np.eye(n_values)
    assert x is not None
    if level == "ratio":
        return _ratio(x[:, None], x[None, :])
    diff = x[:, None] - x[None, :]
    return diff * diff


def delta_pairs(level: str, x: np.ndarray | None, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Deltas between the values coded ``a[i]`` and ``b[i]``, elementwise."""
    if level == "nominal":
        return (a != b).astype(np.float64)
    assert x is not None
    if level == "ratio":
        return _ratio(x[a], x[b])
    diff = x[a] - x[b]
    return diff * diff


def expected_sum(level: str, x: np.ndarray | None, n: np.ndarray) -> float:
    """sum_c sum_k n_c n_k delta_ck, i.e. n..(n.. - 1) times the expected disagreement D_e.

    Closed forms for nominal/interval/ordinal (O(V)); ratio is summed in row blocks (O(V^2)).
    """
    n = np.asarray(n, dtype=np.float64)
    total = n.sum()
    if level == "nominal":
        return float(total * total - n @ n)
    assert x is not None
    if level == "ratio":
        used = n > 0
        xs, ns = x[used], n[used]
        acc = 0.0
        for start in range(0, xs.size, _RATIO_CHUNK):
            block = slice(start, start + _RATIO_CHUNK)
            acc += float(ns[block] @ _ratio(xs[block, None], xs[None, :]) @ ns)
        return acc
    # sum_c sum_k n_c n_k (x_c - x_k)^2 = 2 n.. sum_c n_c (x_c - mean)^2, mean weighted by n
    mean = (n @ x) / total
    centred = x - mean
    return float(2.0 * total * (n @ (centred * centred)))
