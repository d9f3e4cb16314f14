"""Krippendorff's alpha for coding predefined units.

alpha = 1 - D_o / D_e with (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability")

    D_o = (1 / n..) sum_c sum_k o_ck delta_ck
    D_e = (1 / (n.. (n.. - 1))) sum_c sum_k n_c n_k delta_ck

where o is the coincidence matrix of the units with at least two values, n_c its marginals and
n.. the number of pairable values. Units with fewer than two values carry no information about
agreement and are ignored. The sums are evaluated without materialising o where the level
allows (observed.py) and with closed forms for the expected disagreement (distance.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coding.reliability.stats._data import CodedData, encode, is_real_number
from coding.reliability.stats.coincidence import pairable, value_frequencies
from coding.reliability.stats.distance import check_level, expected_sum, positions
from coding.reliability.stats.observed import observed_sum


@dataclass(frozen=True)
class Prepared:
    """Validated reliability data, restricted to the pairable units."""

    level: str
    coded: CodedData
    codes: np.ndarray
    """codes of the pairable units (coders x pairable units), -1 for missing"""
    m: np.ndarray
    """number of values in each pairable unit"""
    n: np.ndarray
    """n_c, frequency of each value among the pairable values"""
    x: np.ndarray | None
    """positions of the values for the level's metric (see distance.py)"""

    @property
    def n_pairable(self) -> int:
        return int(self.n.sum())


def prepare(data: Any, level: str, value_domain: Sequence[Hashable] | None = None) -> Prepared:
    """Encode and validate reliability data; raise ValueError where alpha would be undefined."""
    level = check_level(level)
    coded = encode(data, value_domain)
    if level in ("interval", "ratio") and coded.numeric is None:
        raise ValueError(f"{level} alpha needs numeric values; got {_non_numeric(coded)!r}")
    if level == "ordinal" and coded.numeric is None and value_domain is None:
        raise ValueError(
            f"ordinal alpha needs numeric values or a value_domain giving their order; "
            f"got {_non_numeric(coded)!r}"
        )
    if level == "ratio" and coded.numeric is not None and (coded.numeric < 0).any():
        raise ValueError("ratio alpha needs non-negative values (a ratio scale has an absolute 0)")
    codes, m = pairable(coded.codes)
    if codes.shape[1] == 0:
        raise ValueError(
            "no pairable values: no unit was coded by at least two coders, so agreement "
            "cannot be assessed"
        )
    n = value_frequencies(codes, coded.n_values)
    used = np.flatnonzero(n)
    if used.size < 2:
        raise ValueError(
            f"no variation: every pairable value is {coded.values[used[0]]!r}, so the expected "
            "disagreement is 0 and alpha is undefined"
        )
    return Prepared(level, coded, codes, m, n, positions(level, coded.numeric, n))


def _non_numeric(coded: CodedData) -> object:
    return next((v for v in coded.values if not is_real_number(v)), None)


@dataclass(frozen=True)
class AlphaResult:
    alpha: float
    observed_disagreement: float
    """D_o"""
    expected_disagreement: float
    """D_e"""
    n_pairable: int
    """n.., the number of pairable values"""
    n_units: int
    """number of units with at least two values"""


def alpha_result(
    data: Any, level: str = "nominal", value_domain: Sequence[Hashable] | None = None
) -> AlphaResult:
    """Krippendorff's alpha with its parts (D_o, D_e, n.., pairable units); see ``alpha``."""
    p = prepare(data, level, value_domain)
    n_total = p.n_pairable
    s_observed = observed_sum(p.level, p.codes, p.m, p.x, p.coded.n_values)
    s_expected = expected_sum(p.level, p.x, p.n)
    if not s_expected > 0:  # unreachable after prepare()'s variation check; never divide by 0
        raise ValueError("expected disagreement is 0; alpha is undefined")
    d_observed = s_observed / n_total
    d_expected = s_expected / (n_total * (n_total - 1))
    return AlphaResult(
        alpha=1.0 - (n_total - 1) * s_observed / s_expected,
        observed_disagreement=d_observed,
        expected_disagreement=d_expected,
        n_pairable=n_total,
        n_units=int(p.codes.shape[1]),
    )


def alpha(
    data: Any, level: str = "nominal", value_domain: Sequence[Hashable] | None = None
) -> float:
    """Krippendorff's alpha of reliability data.

    ``data`` is a coders x units table: a sequence of coder rows with one value per unit (None
    or NaN for missing), or a 2-D numpy array with NaN for missing. ``level`` is "nominal"
    (any hashable values, e.g. "CHN-RUS"), "ordinal", "interval" or "ratio" (numbers; ordinal
    may instead use any values ordered by ``value_domain``). ``value_domain``, if given, lists
    the admissible values (in rank order for ordinal); values outside it raise ValueError.
    Values of the domain that do not occur have zero frequency and do not change alpha.

    Raises ValueError for an unknown level, non-numeric values with a numeric level, no unit
    with two or more values, or no variation among the pairable values (alpha = 1 - 0/0).
    """
    return alpha_result(data, level, value_domain).alpha
