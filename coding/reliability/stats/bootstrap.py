"""Bootstrapped distribution of Krippendorff's alpha: the unit (cluster) bootstrap and KALPHA.

``bootstrap_alpha`` resamples units, or clusters of units such as the sentences of a source, by
default (``method="units"``, see resampling.py); that interval covers the population alpha in
simulations (bench/coverage.py). ``method="kalpha"`` is Hayes & Krippendorff's (2007) algorithm,
kept exactly for those who must match the KALPHA macro, and described below.

Hayes, A. F. & Krippendorff, K. (2007). Answering the call for a standard reliability measure
for coding data. Communication Methods and Measures 1(1), 77-89, and Krippendorff's note
"Algorithm for bootstrapping a distribution of alpha" that Hayes' KALPHA macro implements.
Neither the macro nor the note was at hand: the steps below follow the algorithm as implemented
in two independent ports that cite them and agree with each other, the Stata ``kalpha`` (Klein &
Reckmann, v1.3.0) and the R ``kripp.boot`` (Proutskova & Gruszczynski):

1. From the data compute the coincidence matrix o_ck, the pairable-value frequencies n_c, n..,
   the metric's deltas delta_ck, D_e and alpha.
2. What is resampled is *pairs of values*, not units and not coders. A pair falls into cell
   (c, k), c <= k, of the coincidence matrix with probability p_cc = o_cc / n.. on the diagonal
   and p_ck = 2 o_ck / n.. off it (the probabilities sum to 1 and sum p_ck delta_ck = D_o).
3. Each resample draws M pairs independently with replacement, where
   M = min(25 q, round((m - 1) n.. / 2)), q the number of non-zero cells of o and m the number
   of coders; (m - 1) n.. / 2 is the number of value pairs there would be had every coder coded
   every unit. Note that for data with few distinct values 25 q is the smaller term, so the
   interval then does not narrow as more units are coded (``n_pairs`` overrides M, like the
   undocumented ``draws()`` option of the Stata port).
4. What is held fixed is the expected disagreement D_e (the value distribution): each resample
   gives alpha* = 1 - (sum of the M drawn deltas) / (M D_e). Only the observed disagreement
   varies.
5. Corrections: alpha* < -1 is set to -1 (alpha's lower bound for the sampling distribution).
   alpha* = 1 can arise from a resample whose pairs all fall in one diagonal cell; such a
   resample has no variation, alpha would be 1 - 0/0, and KALPHA counts it as 0. If only one
   diagonal cell of o is non-zero, every alpha* = 1 is of that kind and becomes 0; otherwise
   the expected number of such resamples, nx = round(R sum_c p_cc^M), of the alpha* = 1 (all of
   them if there are no more than nx) become 0.
6. The confidence interval is the percentile interval of the sorted alpha*: the
   max(floor(R (1 - ci) / 2), 1)-th and the min(floor(R (1 + ci) / 2) + 1, R)-th values
   (1-based). q(alpha_min) is the share of alpha* below alpha_min, the probability of failing
   to reach that minimum.

Drawing the M pairs of a resample is done as one multinomial draw of cell counts, which has
the same distribution as M independent draws, and all resamples are vectorised.

The method has been criticised for resampling pairs as if independent, ignoring that values
are clustered in units (Gwet 2015; Zapf et al. 2016, BMC Med Res Methodol 16:93).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coding.reliability.stats import resampling
from coding.reliability.stats.alpha import Prepared, prepare
from coding.reliability.stats.coincidence import coincidences
from coding.reliability.stats.distance import delta_matrix, expected_sum
from coding.reliability.stats.observed import observed_sum

_BLOCK_CELLS = 1 << 21  # draws held in memory at once


METHODS = ("units", "kalpha")
INTERVALS = ("augmented", "bca", "percentile")
MIN_UNITS = 10
"""the unit bootstrap gives no interval with fewer pairable units (or clusters) than this"""


@dataclass(frozen=True)
class BootstrapResult:
    alpha: float
    """alpha of the data (not of the resamples)"""
    low: float | None
    high: float | None
    """interval of the bootstrapped alphas at level ``ci``; None where none is meaningful"""
    ci: float
    n_resamples: int
    n_pairs: int | None
    """kalpha: M, pairs of values drawn per resample"""
    q: dict[float, float] = field(default_factory=dict)
    """minimum alpha -> probability that alpha is below it"""
    method: str = "kalpha"
    interval: str = "percentile"
    n_clusters: int | None = None
    """units: the clusters (units, or sources of sentences) that hold pairable units"""
    n_undefined: int = 0
    """units: resamples without variation (no alpha), left out"""
    note: str = ""
    """why there is no interval"""


@dataclass(frozen=True)
class _Distribution:
    alpha: float
    alphas: np.ndarray
    """sorted bootstrapped alphas, after KALPHA's corrections"""
    n_pairs: int


def _rank(x: float) -> int:
    return math.floor(x + 1e-9)  # R (1 - ci) / 2 is often an integer up to rounding


def _distribution(
    p: Prepared, n_resamples: int, rng: np.random.Generator, n_pairs: int | None = None
) -> _Distribution:
    n_values = p.coded.n_values
    n_total = p.n_pairable
    # cells without pairs are exactly 0 in both evaluations (sums of zero products), which
    # matters: M counts the non-zero cells and only those are drawn from
    o = coincidences(p.codes, p.m, n_values)
    delta = delta_matrix(p.level, p.x, n_values)
    s_expected = expected_sum(p.level, p.x, p.n)
    d_expected = s_expected / (n_total * (n_total - 1))
    s_observed = observed_sum(p.level, p.codes, p.m, p.x, n_values)  # as alpha() computes it
    alpha_value = 1.0 - (n_total - 1) * s_observed / s_expected

    if n_pairs is None:
        n_coders = int((p.coded.codes >= 0).any(axis=1).sum())
        n_pairs = min(25 * int(np.count_nonzero(o)), math.floor((n_coders - 1) * n_total / 2 + 0.5))

    upper_c, upper_k = np.triu_indices(n_values)
    probability = np.where(upper_c == upper_k, 1.0, 2.0) * o[upper_c, upper_k] / n_total
    used = probability > 0
    probability = probability[used] / probability[used].sum()
    cell_delta = delta[upper_c, upper_k][used]

    alphas = np.empty(n_resamples)
    n_cells = probability.size
    step = max(1, _BLOCK_CELLS // min(n_cells, n_pairs))
    for start in range(0, n_resamples, step):
        size = min(step, n_resamples - start)
        if n_cells <= n_pairs:
            sums = rng.multinomial(n_pairs, probability, size=size) @ cell_delta
        else:
            sums = cell_delta[rng.choice(n_cells, size=(size, n_pairs), p=probability)].sum(1)
        alphas[start : start + size] = 1.0 - sums / (n_pairs * d_expected)

    alphas[alphas < -1.0] = -1.0
    ones = np.flatnonzero(alphas == 1.0)
    diagonal = np.diag(o) / n_total
    if ones.size:
        if np.count_nonzero(diagonal) == 1:
            alphas[ones] = 0.0
        else:
            no_variation = math.floor(n_resamples * float((diagonal**n_pairs).sum()) + 0.5)
            alphas[ones[:no_variation]] = 0.0
    alphas.sort()
    return _Distribution(alpha=alpha_value, alphas=alphas, n_pairs=n_pairs)


def _positive_integer(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool) and int(x) >= 1


def bootstrap_alpha(
    data: Any,
    level: str = "nominal",
    n_resamples: int = 10_000,
    seed: int | None = None,
    minimums: Sequence[float] = (0.667, 0.800),
    ci: float = 0.95,
    value_domain: Sequence[Hashable] | None = None,
    n_pairs: int | None = None,
    method: str = "units",
    clusters: Sequence[Hashable] | np.ndarray | None = None,
    interval: str = "augmented",
    resamples: resampling.Resamples | None = None,
    min_units: int = MIN_UNITS,
) -> BootstrapResult:
    """Krippendorff's alpha with a bootstrapped confidence interval and q(alpha_min).

    ``method="units"`` (default) resamples the units, or whole clusters of units when
    ``clusters`` gives each unit's cluster (e.g. the source of each sentence), recomputes alpha
    on each resample, and gives the ``interval`` at level ``ci``: "augmented" (BCa's levels read
    off resamples that may hold a chance pseudo-cluster; resampling.py says why), "bca" or
    "percentile". With
    fewer than ``min_units`` pairable units or clusters holding them, low and high are None and
    ``note`` says why. ``resamples`` shares one set of draws between several calls (its
    clusters are the integer labels 0..n_clusters - 1 of ``clusters``).
    ``method="kalpha"`` is Hayes & Krippendorff's (2007) algorithm (the module docstring);
    ``n_pairs`` replaces its number of pairs drawn per resample, M.

    ``seed`` makes the result reproducible. ``minimums`` are the smallest acceptable alphas,
    e.g. 0.667 (tentative conclusions) and 0.800; ``q[minimum]`` is the bootstrapped
    probability that alpha is below it. Raises ValueError where ``alpha`` does.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}; expected one of {INTERVALS}")
    if not _positive_integer(n_resamples):
        raise ValueError(f"n_resamples must be a positive integer, not {n_resamples!r}")
    if n_pairs is not None and not _positive_integer(n_pairs):
        raise ValueError(f"n_pairs must be a positive integer, not {n_pairs!r}")
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be strictly between 0 and 1, not {ci!r}")
    if method == "kalpha":
        return _kalpha(data, level, n_resamples, seed, minimums, ci, value_domain, n_pairs)
    n_units = len(data[0]) if len(data) else 0
    if resamples is None:
        _, n_clusters = resampling.encode_clusters(clusters, n_units)
        resamples = resampling.Resamples(max(n_clusters, 1), int(n_resamples), seed)
    (result,) = bootstrap_alpha_many(
        [(data, level, clusters)], resamples, minimums, ci, value_domain, interval, min_units
    )
    if isinstance(result, ValueError):
        raise result
    return result


@dataclass
class _Pending:
    parts: resampling.ClusterParts
    extra: np.ndarray | None
    """the chance pseudo-cluster (interval "augmented")"""
    estimate: float
    pairable_clusters: np.ndarray
    common: dict[str, Any]


def _units_start(
    data: Any,
    level: str,
    clusters: Any,
    resamples: resampling.Resamples,
    ci: float,
    value_domain: Sequence[Hashable] | None,
    interval: str,
    min_units: int,
) -> BootstrapResult | _Pending:
    p = prepare(data, level, value_domain)
    n_units = p.coded.codes.shape[1]
    cluster, n_clusters = resampling.encode_clusters(clusters, n_units)
    if n_clusters > resamples.n_clusters:
        raise ValueError("clusters must be labelled 0..n_clusters - 1 of the resamples")
    s_observed = observed_sum(p.level, p.codes, p.m, p.x, p.coded.n_values)
    estimate = 1.0 - (p.n_pairable - 1) * s_observed / expected_sum(p.level, p.x, p.n)
    pairable_units = p.codes.shape[1]
    holding = np.unique(cluster[(p.coded.codes >= 0).sum(axis=0) >= 2])
    common = {"alpha": estimate, "ci": ci, "n_resamples": resamples.n_resamples, "n_pairs": None,
              "method": "units", "interval": interval, "n_clusters": int(holding.size)}  # fmt: skip
    if min(pairable_units, holding.size) < min_units:
        what = "pairable units" if pairable_units < min_units else "sources with pairable units"
        note = f"no interval: fewer than {min_units} {what}"
        return BootstrapResult(low=None, high=None, note=note, **common)
    if s_observed <= 0.0:
        note = "no interval: no disagreement in the data, so resampling cannot show any"
        return BootstrapResult(low=None, high=None, note=note, **common)
    parts = resampling.cluster_parts(p, cluster, resamples.n_clusters)
    extra = None
    if interval == "augmented":
        extra = resampling.chance_cluster(parts, resampling.augmented_values(ci))
    return _Pending(parts, extra, estimate, holding, common)


def _units_finish(
    pending: _Pending, alphas: np.ndarray, minimums: Sequence[float], ci: float, interval: str
) -> BootstrapResult:
    augmented = None
    if alphas.ndim == 2:  # second row: with the pseudo-cluster
        alphas, augmented = alphas[0], alphas[1][np.isfinite(alphas[1])]
    defined = alphas[np.isfinite(alphas)]
    if defined.size < 0.5 * alphas.size:
        note = "no interval: most resamples have no variation"
        return BootstrapResult(low=None, high=None, note=note, **pending.common)
    jackknife = None
    if interval in ("bca", "augmented"):  # clusters without pairable units leave alpha as is
        jackknife = resampling.jackknife_alphas(pending.parts)[pending.pairable_clusters]
    low, high = resampling.interval(pending.estimate, defined, ci, interval, jackknife, augmented)
    return BootstrapResult(
        low=low,
        high=high,
        q={float(a): float(np.count_nonzero(defined < a) / defined.size) for a in minimums},
        n_undefined=int(alphas.size - defined.size),
        **pending.common,
    )


def bootstrap_alpha_many(
    items: Sequence[tuple[Any, str, Sequence[Hashable] | np.ndarray | None]],
    resamples: resampling.Resamples,
    minimums: Sequence[float] = (0.667, 0.800),
    ci: float = 0.95,
    value_domain: Sequence[Hashable] | None = None,
    interval: str = "augmented",
    min_units: int = MIN_UNITS,
) -> list[BootstrapResult | ValueError]:
    """``bootstrap_alpha(method="units")`` of several ``(data, level, clusters)`` on the same
    resamples, in one pass over them (what a report with many alphas wants). Where alpha is
    undefined the list holds the ValueError instead of a result."""
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}; expected one of {INTERVALS}")
    started: list[BootstrapResult | ValueError | _Pending] = []
    for data, level, clusters in items:
        try:
            started.append(_units_start(data, level, clusters, resamples, ci, value_domain,
                                        interval, min_units))  # fmt: skip
        except ValueError as exc:
            started.append(exc)
    pending = [x for x in started if isinstance(x, _Pending)]
    alphas = iter(
        resampling.bootstrap_many([x.parts for x in pending], resamples, [x.extra for x in pending])
    )
    return [
        _units_finish(x, next(alphas), minimums, ci, interval) if isinstance(x, _Pending) else x
        for x in started
    ]


def _kalpha(
    data: Any,
    level: str = "nominal",
    n_resamples: int = 10_000,
    seed: int | None = None,
    minimums: Sequence[float] = (0.667, 0.800),
    ci: float = 0.95,
    value_domain: Sequence[Hashable] | None = None,
    n_pairs: int | None = None,
) -> BootstrapResult:
    """KALPHA (see the module docstring): resample pairs of values from the coincidence
    matrix with the expected disagreement held fixed; seeded by ``np.random.default_rng``."""
    p = prepare(data, level, value_domain)
    result = _distribution(
        p, int(n_resamples), np.random.default_rng(seed), None if n_pairs is None else int(n_pairs)
    )
    alphas = result.alphas
    tail = (1.0 - ci) / 2.0
    low = alphas[max(_rank(tail * n_resamples), 1) - 1]
    high = alphas[min(_rank((1.0 - tail) * n_resamples) + 1, n_resamples) - 1]
    return BootstrapResult(
        alpha=result.alpha,
        low=float(low),
        high=float(high),
        ci=ci,
        n_resamples=n_resamples,
        n_pairs=result.n_pairs,
        q={float(a): float(np.count_nonzero(alphas < a) / n_resamples) for a in minimums},
    )
