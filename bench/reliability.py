"""Benchmark: our Krippendorff's alpha against the `krippendorff` package, and the bootstrap.

    .venv/bin/python bench/reliability.py [--rounds 3]

Seeded data: 20 coders x 100,000 units, 20 categories, each coder giving the unit's "true"
category with probability 0.7 (else a random one), 30% of the values missing. Nominal alpha is
computed by both implementations in alternating rounds; the best time of each is reported with
the speed ratio and the difference between the two values. Then a 10,000-resample bootstrap
(KALPHA's algorithm) on 3 coders x 1,000 units, nominal and interval.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import krippendorff  # noqa: E402
import numpy as np  # noqa: E402

from coding.reliability.stats import alpha, bootstrap_alpha  # noqa: E402


def coded_data(n_coders: int, n_units: int, n_values: int, missing: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_values, size=n_units)
    noise = rng.integers(0, n_values, size=(n_coders, n_units))
    data = np.where(rng.random((n_coders, n_units)) < 0.7, truth, noise).astype(np.float64)
    data[rng.random(data.shape) < missing] = np.nan
    return data


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    data = coded_data(n_coders=20, n_units=100_000, n_values=20, missing=0.3, seed=20240501)
    ours_times, theirs_times = [], []
    ours = theirs = float("nan")
    for _ in range(args.rounds):
        seconds, ours = timed(lambda: alpha(data, "nominal"))
        ours_times.append(seconds)
        seconds, theirs = timed(
            lambda: krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        )
        theirs_times.append(seconds)
    best_ours, best_theirs = min(ours_times), min(theirs_times)
    print("nominal alpha, 20 coders x 100,000 units, 20 categories, 30% missing")
    print(f"  coding.reliability.stats.alpha   {best_ours:8.3f} s   alpha = {ours:.12f}")
    print(f"  krippendorff.alpha         {best_theirs:8.3f} s   alpha = {float(theirs):.12f}")
    print(f"  speed ratio                {best_theirs / best_ours:8.1f} x")
    difference = abs(ours - float(theirs))
    verdict = "agree" if difference < 1e-9 else "DIFFER"
    print(f"  |difference|               {difference:.1e}  ({verdict} at 1e-9)")

    small = coded_data(n_coders=3, n_units=1_000, n_values=5, missing=0.1, seed=7)
    print("bootstrap, 10,000 resamples, 3 coders x 1,000 units")
    for level in ("nominal", "interval"):
        seconds, result = timed(
            lambda level=level: bootstrap_alpha(small, level, n_resamples=10_000, seed=1)
        )
        print(
            f"  {level:9s} {seconds:8.3f} s   alpha = {result.alpha:.4f}   "
            f"95% CI [{result.low:.4f}, {result.high:.4f}]   M = {result.n_pairs}   "
            f"q(0.800) = {result.q[0.8]:.4f}"
        )
    assert "django" not in sys.modules, "coding.reliability must not import Django"


if __name__ == "__main__":
    main()
