"""Coverage of the 95% bootstrap intervals of alpha: the unit bootstrap against KALPHA's.

    .venv/bin/python bench/coverage.py [--samples 200] [--resamples 1000]
        [--coders 2 3 5] [--units 20 50 200 2000] [--agreement 0.6 0.8 0.95] [--levels nominal]

Simulation (as in issue 16): each coder codes a unit's true category with probability r, else a
category drawn from the prevalence (4 nominal categories with prevalence .4/.3/.2/.1, or a
5-point ordinal scale with prevalence .1/.2/.4/.2/.1); with 20% missing, each value is missing
with probability 0.2. The population alpha of a setting comes from one data set of 2 coders x
1,000,000 units. For every cell of the grid (2, 3, 5 coders; 20, 50, 200, 2,000 units; r 0.6,
0.8, 0.95; 0% and 20% missing; nominal and ordinal) ``--samples`` data sets are drawn; each gets
the unit bootstrap (``--resamples`` resamples; augmented (the default), BCa and percentile from
the same resamples) and
KALPHA's bootstrap (same number of resamples). Printed per cell: the share of intervals that
hold the population alpha (coverage) and their mean width, and at the end how many cells are
within 93-97%. Data sets where the report gives no interval (no variation, fewer than 10
pairable units, or no disagreement at all, where resampling cannot show any) are skipped; the
column "none" counts them.

The number of resamples barely changes coverage (it changes the Monte Carlo noise of each
interval's ends, not their expected place); the report uses 10,000. With 200 samples a
coverage's standard error is about 1.5 points, so 93-97% is about +-1.3 standard errors around
95%: a few cells outside it are expected by chance alone (``--samples 400`` halves the variance).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from coding.reliability.stats import (  # noqa: E402
    alpha,
    alpha_result,
    bootstrap_alpha,
    resampling,
)
from coding.reliability.stats.alpha import prepare  # noqa: E402
from coding.reliability.stats.bootstrap import MIN_UNITS  # noqa: E402

PREVALENCE = {
    "nominal": np.array([0.4, 0.3, 0.2, 0.1]),
    "ordinal": np.array([0.1, 0.2, 0.4, 0.2, 0.1]),
}
CODERS = (2, 3, 5)
UNITS = (20, 50, 200, 2000)
AGREEMENT = (0.6, 0.8, 0.95)
MISSING = (0.0, 0.2)
LEVELS = ("nominal", "ordinal")


def simulate(
    rng: np.random.Generator, level: str, coders: int, units: int, r: float, missing: float
) -> np.ndarray:
    """A coders x units array (NaN missing) from the model in the module docstring."""
    prevalence = PREVALENCE[level]
    truth = rng.choice(prevalence.size, size=units, p=prevalence)
    noise = rng.choice(prevalence.size, size=(coders, units), p=prevalence)
    data = np.where(rng.random((coders, units)) < r, truth, noise).astype(np.float64) + 1.0
    if missing:
        data[rng.random(data.shape) < missing] = np.nan
    return data


def population_alpha(level: str, r: float) -> float:
    rng = np.random.default_rng(12345)
    return alpha(simulate(rng, level, 2, 1_000_000, r, 0.0), level)


def unit_intervals(
    data: np.ndarray, level: str, n_resamples: int, seed: int
) -> dict[str, tuple[float, float]] | None:
    """Augmented, BCa and percentile intervals from the same unit resamples (the steps of
    ``bootstrap_alpha(method="units")``); None where the report gives none."""
    p = prepare(data, level)
    result = alpha_result(data, level)
    if p.codes.shape[1] < MIN_UNITS or result.observed_disagreement <= 0.0:
        return None
    estimate = result.alpha
    cluster, n_clusters = resampling.encode_clusters(None, data.shape[1])
    parts = resampling.cluster_parts(p, cluster, n_clusters)
    extra = resampling.chance_cluster(parts, resampling.augmented_values(0.95))
    resamples = resampling.Resamples(n_clusters, n_resamples, seed)
    alphas, augmented = resampling.bootstrap_many([parts], resamples, [extra])[0]
    defined = alphas[np.isfinite(alphas)]
    if defined.size < 0.5 * alphas.size:
        return None
    pairable = np.flatnonzero((p.coded.codes >= 0).sum(axis=0) >= 2)
    jackknife = resampling.jackknife_alphas(parts, n_clusters)[pairable]
    augmented = augmented[np.isfinite(augmented)]
    return {
        "augmented": resampling.interval(
            estimate, defined, 0.95, "augmented", jackknife, augmented
        ),
        "bca": resampling.interval(estimate, defined, 0.95, "bca", jackknife),
        "percentile": resampling.interval(estimate, defined, 0.95, "percentile"),
    }


def run_cell(
    level: str, coders: int, units: int, r: float, missing: float, truth: float, args
) -> dict[str, object]:
    cell = [coders, units, int(r * 100), int(missing * 100), len(level)]
    rng = np.random.default_rng([*cell, args.seed] if args.seed else cell)
    names = ("augmented", "bca", "percentile", "kalpha")
    hits = dict.fromkeys(names, 0)
    misses_below = dict.fromkeys(names, 0)
    widths = dict.fromkeys(names, 0.0)
    done = skipped = 0
    for sample in range(args.samples):
        data = simulate(rng, level, coders, units, r, missing)
        try:
            seed = sample + args.seed * 1_000_003
            intervals = unit_intervals(data, level, args.resamples, seed)
            kalpha = bootstrap_alpha(
                data, level, n_resamples=args.resamples, seed=seed, method="kalpha"
            )
        except ValueError:  # no variation
            skipped += 1
            continue
        if intervals is None:
            skipped += 1
            continue
        intervals["kalpha"] = (kalpha.low, kalpha.high)
        done += 1
        for name, (low, high) in intervals.items():
            hits[name] += low <= truth <= high
            misses_below[name] += truth < low
            widths[name] += high - low
    return {
        "done": done,
        "skipped": skipped,
        **{f"{k}_coverage": hits[k] / done if done else float("nan") for k in hits},
        **{f"{k}_below": misses_below[k] for k in hits},
        **{f"{k}_width": widths[k] / done if done else float("nan") for k in widths},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--coders", type=int, nargs="*", default=CODERS)
    parser.add_argument("--units", type=int, nargs="*", default=UNITS)
    parser.add_argument("--agreement", type=float, nargs="*", default=AGREEMENT)
    parser.add_argument("--levels", nargs="*", default=LEVELS)
    parser.add_argument(
        "--seed", type=int, default=0,
        help="another stream of data sets and resamples (0: the published figures)",
    )  # fmt: skip
    args = parser.parse_args()
    coders, agreement = args.coders, args.agreement
    truths = {(lv, r): population_alpha(lv, r) for lv in args.levels for r in agreement}
    print(f"{args.samples} samples per cell, {args.resamples} resamples per interval")
    columns = {"augmented": "augmented", "bca": "units BCa", "percentile": "units pct",
               "kalpha": "KALPHA"}  # fmt: skip
    print(
        f"{'level':8s} {'m':>2s} {'units':>5s} {'r':>5s} {'miss':>4s} {'alpha':>6s} {'n':>4s}"
        f" {'none':>4s} | " + " | ".join(f"{title:>21s}" for title in columns.values())
    )
    start = time.perf_counter()
    coverages: dict[str, list[float]] = {name: [] for name in columns}
    below = dict.fromkeys(columns, 0)
    above = dict.fromkeys(columns, 0)
    for level, m, u, r, miss in itertools.product(
        args.levels, coders, args.units, agreement, MISSING
    ):
        truth = truths[(level, r)]
        cell = run_cell(level, m, u, r, miss, truth, args)
        if not cell["done"]:
            print(f"{level:8s} {m:2d} {u:5d} {r:5.2f} {miss:4.0%} {truth:6.3f}  no data")
            continue
        shown = []
        for name in columns:
            coverage, width = cell[f"{name}_coverage"], cell[f"{name}_width"]
            coverages[name].append(coverage)
            low_misses = cell[f"{name}_below"]
            high_misses = round((1.0 - coverage) * cell["done"]) - low_misses
            below[name] += low_misses
            above[name] += high_misses
            shown.append(f"{coverage:6.1%} w {width:5.3f} {low_misses:2d}/{high_misses:<2d}")
        print(
            f"{level:8s} {m:2d} {u:5d} {r:5.2f} {miss:4.0%} {truth:6.3f} "
            f"{cell['done']:4d} {cell['skipped']:4d}"
            f" | {' | '.join(shown)}",
            flush=True,
        )
    seconds = time.perf_counter() - start
    print("per cell: coverage, mean width, misses with alpha below / above the interval")
    for name, title in columns.items():
        values = np.array(coverages[name])
        if not values.size:
            continue
        inside = int(np.count_nonzero((values >= 0.93) & (values <= 0.97)))
        print(
            f"{title:10s} within 93-97%: {inside}/{values.size}  mean {values.mean():.1%}  "
            f"range {values.min():.1%}-{values.max():.1%}  misses below/above "
            f"{below[name]}/{above[name]}"
        )
    print(f"{seconds:.0f} s")


if __name__ == "__main__":
    main()
