"""The unit-level (cluster) bootstrap of Krippendorff's alpha.

What is resampled are the *clusters* of units: each unit by default, or whole sources with all
their sentences when the sentences of a source are the units (they are not independent). A
resample draws as many clusters as there are, with replacement; cluster c drawn k times counts
k times. Alpha is a ratio of sums over units, so it is recomputed per resample from per-cluster
contributions, without touching the data again:

- the observed disagreement sum S_o = sum_u sum_ck N_uc N_uk delta_ck / (m_u - 1) is a sum of
  per-unit terms d_u; per resample S_o* = counts @ d (per cluster);
- the value frequencies n_c = sum_u N_uc likewise: n* = counts @ N, and from them n..* and the
  expected disagreement S_e* (closed forms, distance.py);
- ordinal deltas depend on the frequencies, so for ordinal data the per-cluster coincidence
  matrices are summed instead (counts @ O, a V x V matrix per resample) and the deltas
  recomputed from each resample's frequencies.

alpha* = 1 - (n..* - 1) S_o* / S_e*. A resample without variation (S_e* = 0) has no alpha and is
left out (``n_undefined`` says how many). Everything is matrix products over blocks of
resamples; the draws of a ``Resamples`` can be shared by every alpha of one report, so all
figures rest on the same resampled sources.

The interval is BCa (Efron 1987): percentiles of the bootstrapped alphas shifted by the bias
correction z0 = Phi^-1(share of alpha* below alpha) and the acceleration a from the jackknife
(leave one cluster out), or the plain percentile interval (``interval="percentile"``).

The default, ``interval="augmented"``, reads BCa's two levels off a second distribution: the
same resamples, each with a Poisson(1) number of copies of a *chance pseudo-cluster* added
(``chance_cluster``): z^2 (3.84 at 95%) pairable values coded at chance from the observed
value frequencies, i.e. a cluster whose alpha is 0. Why: with high agreement the data often
lack the rare large disagreements that dominate D_o (1 vs 5 on an ordinal scale), so no
resample has them and BCa's interval sits too high (ordinal cells covered 89-92.5%, the misses
almost all below). Like the z^2 pseudo-observations of Agresti & Coull (1998) for a proportion,
the pseudo-cluster lets resamples hold disagreement the sample did not show; its weight fades
as 1/n.., so large samples get BCa's interval, and the point estimate stays the plain alpha.
The count is Poisson(1) because that is what a resample gives one more cluster.
bench/coverage.py compares the three.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from coding.reliability.stats.alpha import Prepared
from coding.reliability.stats.coincidence import count_table, unit_blocks
from coding.reliability.stats.distance import delta_matrix
from coding.reliability.stats.observed import squared_counts

BLOCK = 256
"""resamples drawn per block; block i always comes from the i-th child of the seed"""
_CACHE_CELLS = 1 << 25  # keep the counts of up to this many resample x cluster cells (64 MB)
ORDINAL_MAX_VALUES = 64
_NORMAL = NormalDist()


class Resamples:
    """Seeded bootstrap draws of ``n_clusters`` clusters: ``counts[r, c]``, the number of times
    cluster c is in resample r. Deterministic for a seed, whatever is asked of it first."""

    def __init__(self, n_clusters: int, n_resamples: int, seed: int | None) -> None:
        if n_clusters < 1:
            raise ValueError("nothing to resample: no clusters")
        self.n_clusters = int(n_clusters)
        self.n_resamples = int(n_resamples)
        self.seed = seed
        n_blocks = math.ceil(self.n_resamples / BLOCK)
        sequence = np.random.SeedSequence(seed)
        self._children = sequence.spawn(n_blocks)
        self._extra_seed = sequence.spawn(1)[0]  # after the blocks: they stay as they were
        self._extra: np.ndarray | None = None
        self._cache: list[np.ndarray] | None = None
        self._keep = self.n_resamples * self.n_clusters <= _CACHE_CELLS

    @property
    def extra(self) -> np.ndarray:
        """Per resample, how many copies of a pseudo-cluster it holds: Poisson(1), what a
        resample gives any one cluster (for ``interval="augmented"``)."""
        if self._extra is None:
            rng = np.random.default_rng(self._extra_seed)
            self._extra = rng.poisson(1.0, self.n_resamples).astype(np.float64)
        return self._extra

    def _block(self, i: int) -> np.ndarray:
        size = min(BLOCK, self.n_resamples - i * BLOCK)
        c = self.n_clusters
        drawn = np.random.default_rng(self._children[i]).integers(0, c, size=(size, c))
        drawn += (np.arange(size) * c)[:, None]
        counts = np.bincount(drawn.ravel(), minlength=size * c).reshape(size, c)
        return counts.astype(np.int16 if c < 32_000 else np.int32)

    def blocks(self) -> Iterator[np.ndarray]:
        """The counts, block by block of resamples (blocks x clusters)."""
        if self._cache is not None:
            yield from self._cache
            return
        kept = []
        for i in range(len(self._children)):
            block = self._block(i)
            if self._keep:
                kept.append(block)
            yield block
        if self._keep:
            self._cache = kept


@dataclass(frozen=True)
class ClusterParts:
    """Per-cluster contributions to alpha's sums (rows: clusters)."""

    level: str
    observed: np.ndarray | None
    """d_c, observed disagreement sums (not for ordinal)"""
    counts: np.ndarray | None
    """N_c., value frequencies (not for ordinal)"""
    coincidences: np.ndarray | None
    """ordinal only: per-cluster coincidence matrices, flattened (clusters x V*V)"""
    delta: np.ndarray | None
    """fixed V x V deltas (ratio only)"""
    x: np.ndarray | None
    """fixed positions (interval)"""
    n_values: int


def _unit_observed(
    level: str, codes: np.ndarray, m: np.ndarray, x: np.ndarray | None, n_values: int
) -> np.ndarray:
    """Per pairable unit: sum_ck N_uc N_uk delta_ck / (m_u - 1), for fixed deltas."""
    if level == "nominal":
        return (m * m - squared_counts(codes, n_values)) / (m - 1.0)
    out = np.empty(codes.shape[1])
    delta = delta_matrix(level, x, n_values)
    for units in unit_blocks(codes.shape[1], n_values + 1):
        table = count_table(codes[:, units], n_values).astype(np.float64)
        out[units] = np.einsum("uc,cd,ud->u", table, delta, table) / (m[units] - 1.0)
    return out


def cluster_parts(p: Prepared, cluster: np.ndarray, n_clusters: int) -> ClusterParts:
    """Per-cluster sums of a prepared data set; ``cluster[u]`` for each unit of the data (the
    pairable ones are picked here)."""
    cluster = cluster[(p.coded.codes >= 0).sum(axis=0) >= 2]
    used = np.flatnonzero(p.n)  # only values that occur among the pairable values
    remap = np.full(p.coded.n_values + 1, -1, dtype=np.int64)
    remap[used] = np.arange(used.size)
    codes = remap[p.codes]  # -1 stays -1 via the last slot
    n_values = int(used.size)
    m = p.m
    if p.level == "ordinal":
        if n_values > ORDINAL_MAX_VALUES:
            raise ValueError(
                f"the unit bootstrap handles ordinal data with up to {ORDINAL_MAX_VALUES} "
                f"distinct values (here {n_values}); use method='kalpha'"
            )
        o = np.zeros((n_clusters, n_values * n_values))
        for units in unit_blocks(codes.shape[1], n_values * n_values):
            table = count_table(codes[:, units], n_values).astype(np.float64)
            outer = table[:, :, None] * table[:, None, :]
            idx = np.arange(n_values)
            outer[:, idx, idx] -= table
            outer /= (m[units] - 1.0)[:, None, None]
            np.add.at(o, cluster[units], outer.reshape(len(outer), -1))
        return ClusterParts(p.level, None, None, o, None, None, n_values)
    x = None if p.x is None else p.x[used]
    d = np.bincount(
        cluster, weights=_unit_observed(p.level, codes, m, x, n_values), minlength=n_clusters
    )
    mask = codes >= 0
    keys = (np.broadcast_to(cluster, codes.shape) * n_values + codes)[mask]
    counts = np.bincount(keys, minlength=n_clusters * n_values).reshape(n_clusters, n_values)
    delta = delta_matrix("ratio", x, n_values) if p.level == "ratio" else None
    return ClusterParts(p.level, d, counts.astype(np.float64), None, delta, x, n_values)


def _expected(level: str, n: np.ndarray, x: np.ndarray | None, delta: np.ndarray | None):
    total = n.sum(axis=1)
    if level == "nominal":
        return total, total * total - np.einsum("bv,bv->b", n, n)
    if level == "ratio":
        return total, np.einsum("bv,vw,bw->b", n, delta, n)
    # interval: 2 n.. sum_c n_c (x_c - mean)^2, x fixed (1-D) or per resample (2-D, ordinal)
    xs = x if x.ndim == 2 else np.broadcast_to(x, n.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.einsum("bv,bv->b", n, xs) / total
    centred = xs - mean[:, None]
    return total, 2.0 * total * np.einsum("bv,bv->b", n, centred * centred)


def columns(parts: ClusterParts) -> np.ndarray:
    """The per-cluster sums as one clusters x K matrix: what a resample's weights multiply."""
    if parts.level == "ordinal":
        return parts.coincidences
    return np.column_stack([parts.observed, parts.counts])


def alphas_from_columns(parts: ClusterParts, sums: np.ndarray) -> np.ndarray:
    """alpha for each row of ``sums`` (weights @ ``columns(parts)``)."""
    if parts.level == "ordinal":
        v = parts.n_values
        o = sums.reshape(-1, v, v)
        n = o.sum(axis=2)
        x = np.cumsum(n, axis=1) - n / 2.0
        diff = x[:, :, None] - x[:, None, :]
        s_observed = np.einsum("bcd,bcd->b", o, diff * diff)
        total, s_expected = _expected("interval", n, x, None)
    else:
        s_observed, n = sums[:, 0], sums[:, 1:]
        total, s_expected = _expected(parts.level, n, parts.x, parts.delta)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = 1.0 - (total - 1.0) * s_observed / s_expected
    result[~(s_expected > 1e-9 * np.maximum(total * total, 1.0))] = np.nan
    return result


def alphas_from_sums(parts: ClusterParts, weights: np.ndarray) -> np.ndarray:
    """alpha for each row of ``weights`` (rows x clusters: how often each cluster counts)."""
    return alphas_from_columns(parts, weights @ columns(parts))


def chance_cluster(parts: ClusterParts, n_values: float) -> np.ndarray:
    """The per-cluster sums (a row like those of ``columns(parts)``) of a pseudo-cluster of
    ``n_values`` pairable values coded at chance: coincidences n_values p p^T from the
    observed value frequencies p, so its alpha is 0 (as if its values were drawn at random).
    Added to resamples, it lets them show disagreement the sample did not (``interval``)."""
    sums = columns(parts).sum(axis=0)
    if parts.level == "ordinal":
        v = parts.n_values
        n = sums.reshape(v, v).sum(axis=1)
        p = n / n.sum()
        return n_values * np.outer(p, p).ravel()
    n = sums[1:]
    p = n / n.sum()
    delta = parts.delta if parts.level == "ratio" else delta_matrix(parts.level, parts.x, n.size)
    return np.concatenate([[n_values * float(p @ delta @ p)], n_values * p])


def augmented_values(ci: float) -> float:
    """Pseudo-values in the chance cluster at level ``ci``: z^2, Agresti & Coull's number of
    pseudo-observations (3.84 at 95%)."""
    return _NORMAL.inv_cdf(0.5 + ci / 2.0) ** 2


def bootstrap_many(
    parts: Sequence[ClusterParts],
    resamples: Resamples,
    extra: Sequence[np.ndarray | None] | None = None,
) -> list[np.ndarray]:
    """The alpha of every resample for several data sets on the same clusters: one product of
    the drawn counts with all their per-cluster sums side by side, block by block.

    ``extra[i]``, where given, is a pseudo-cluster (``chance_cluster``) for data set i: its
    array then has a second row, the alphas of the same resamples each with
    ``resamples.extra`` copies of it added."""
    if not parts:
        return []
    extra = list(extra) if extra is not None else [None] * len(parts)
    stacked = [columns(p) for p in parts]
    edges = np.cumsum([0] + [c.shape[1] for c in stacked])
    matrix = np.hstack(stacked)
    out = [np.empty((1 if e is None else 2, resamples.n_resamples)) for e in extra]
    copies = resamples.extra if any(e is not None for e in extra) else None
    start = 0
    for block in resamples.blocks():
        sums = block.astype(np.float64) @ matrix
        rows = slice(start, start + len(block))
        for i, p in enumerate(parts):
            own = sums[:, edges[i] : edges[i + 1]]
            out[i][0, rows] = alphas_from_columns(p, own)
            if extra[i] is not None:
                added = own + copies[rows, None] * extra[i][None, :]
                out[i][1, rows] = alphas_from_columns(p, added)
        start += len(block)
    return [x[0] if e is None else x for x, e in zip(out, extra, strict=True)]


def bootstrap_alphas(parts: ClusterParts, resamples: Resamples) -> np.ndarray:
    """The alpha of every resample (NaN where a resample has no variation)."""
    return bootstrap_many([parts], resamples)[0]


def jackknife_alphas(parts: ClusterParts, n_clusters: int | None = None) -> np.ndarray:
    """alpha with each cluster left out in turn."""
    sums = columns(parts)
    return alphas_from_columns(parts, sums.sum(axis=0)[None, :] - sums)


def interval(
    estimate: float,
    alphas: np.ndarray,
    ci: float,
    kind: str,
    jackknife: np.ndarray | None = None,
    augmented: np.ndarray | None = None,
) -> tuple[float, float]:
    """Percentile, BCa or augmented interval of the (defined, any order) bootstrapped alphas.

    "augmented" takes BCa's levels (from ``alphas`` and ``jackknife``) as quantiles of
    ``augmented``, the defined alphas of the resamples with the chance pseudo-cluster added
    (``bootstrap_many`` with ``extra``; module docstring)."""
    ordered = np.sort(alphas)
    tail = (1.0 - ci) / 2.0
    levels = [tail, 1.0 - tail]
    if kind in ("bca", "augmented"):
        below = np.count_nonzero(ordered < estimate) + 0.5 * np.count_nonzero(ordered == estimate)
        share = below / ordered.size
        jack = jackknife[np.isfinite(jackknife)] if jackknife is not None else np.empty(0)
        if 0.0 < share < 1.0 and jack.size >= 3:
            z0 = _NORMAL.inv_cdf(share)
            centred = jack.mean() - jack
            spread = float((centred * centred).sum())
            accel = float((centred**3).sum()) / (6.0 * spread**1.5) if spread > 0 else 0.0
            adjusted = []
            for level in levels:
                z = z0 + _NORMAL.inv_cdf(level)
                denominator = 1.0 - accel * z
                adjusted.append(_NORMAL.cdf(z0 + z / denominator) if denominator > 0 else 1.0)
            levels = adjusted
    if kind == "augmented":
        if augmented is None or not augmented.size:
            raise ValueError("the augmented interval needs the augmented alphas")
        ordered = augmented
    low, high = np.quantile(ordered, levels)
    return float(low), float(high)


def percentile_interval(alphas: np.ndarray, ci: float) -> tuple[float, float]:
    """The percentile interval of bootstrapped values (any order)."""
    tail = (1.0 - ci) / 2.0
    low, high = np.quantile(alphas, [tail, 1.0 - tail])
    return float(low), float(high)


def encode_clusters(
    clusters: Sequence[Hashable] | np.ndarray | None, n_units: int
) -> tuple[np.ndarray, int]:
    """Cluster labels -> integer codes 0..C-1 (each unit its own cluster when None)."""
    if clusters is None:
        return np.arange(n_units), n_units
    labels = np.asarray(clusters) if not isinstance(clusters, np.ndarray) else clusters
    if labels.ndim != 1 or labels.size != n_units:
        raise ValueError(f"clusters must give one cluster per unit ({n_units}), not {labels.shape}")
    if labels.dtype.kind in "iu" and labels.size and labels.min() >= 0:
        return labels.astype(np.int64), int(labels.max()) + 1
    try:
        _, codes = np.unique(labels, return_inverse=True)
    except TypeError:
        index: dict[Any, int] = {}
        codes = np.array([index.setdefault(x, len(index)) for x in clusters])
    return codes.astype(np.int64), int(codes.max()) + 1 if codes.size else 0
