"""Bootstrapped alpha, method="kalpha" (Hayes & Krippendorff 2007): determinism, known moments,
corrections. The unit bootstrap (the default) is tested in test_resampling.py."""

import math

import numpy as np
import pytest

from coding.reliability.stats import alpha, coincidence_matrix, percent_agreement
from coding.reliability.stats import bootstrap_alpha as any_bootstrap
from coding.reliability.stats.alpha import prepare
from coding.reliability.stats.bootstrap import _distribution


def _coded_data(n_coders=3, n_units=1000, agreement=0.8, n_values=5, missing=0.1, seed=0):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_values, size=n_units)
    noise = rng.integers(0, n_values, size=(n_coders, n_units))
    data = np.where(rng.random((n_coders, n_units)) < agreement, truth, noise).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


def bootstrap_alpha(*args, **kwargs):
    return any_bootstrap(*args, method="kalpha", **kwargs)


def _alphas(data, n_resamples, seed, level="nominal"):
    return _distribution(prepare(data, level), n_resamples, np.random.default_rng(seed))


def test_same_seed_same_result_and_alpha_is_the_data_alpha():
    data = _coded_data()
    first = bootstrap_alpha(data, n_resamples=2000, seed=42)
    assert first == bootstrap_alpha(data, n_resamples=2000, seed=42)
    assert first != bootstrap_alpha(data, n_resamples=2000, seed=43)
    assert first.alpha == alpha(data)
    assert first.n_resamples == 2000 and first.ci == 0.95


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_interval_contains_alpha_for_reasonable_data(level):
    result = bootstrap_alpha(_coded_data(), level=level, n_resamples=5000, seed=1)
    assert result.low < result.alpha < result.high
    assert result.high - result.low < 0.2


def test_q_is_monotone_in_the_minimum():
    minimums = [0.5, 0.6, 0.65, 0.667, 0.7, 0.72, 0.75, 0.8, 0.9]
    result = bootstrap_alpha(_coded_data(), n_resamples=5000, seed=2, minimums=minimums)
    q = [result.q[m] for m in minimums]
    assert q == sorted(q)
    assert q[0] == 0.0 and q[-1] == 1.0  # alpha is about 0.75 here
    assert all(0.0 <= v <= 1.0 for v in q)


def test_number_of_pairs_drawn():
    data = _coded_data(missing=0.1)
    _, o = coincidence_matrix(data)
    n_total = o.sum()
    n_coders = data.shape[0]
    # M = min(25 q, (m - 1) n.. / 2), q = non-zero cells of the coincidence matrix
    expected = min(25 * np.count_nonzero(o), round((n_coders - 1) * n_total / 2))
    assert bootstrap_alpha(data, n_resamples=10, seed=0).n_pairs == expected
    # few values (q small): M = 25 q
    assert expected == 25 * np.count_nonzero(o)


def test_n_pairs_override_narrows_the_interval():
    data = _coded_data()
    kalpha = bootstrap_alpha(data, n_resamples=4000, seed=3)
    more = bootstrap_alpha(data, n_resamples=4000, seed=3, n_pairs=4 * kalpha.n_pairs)
    assert more.n_pairs == 4 * kalpha.n_pairs
    # the spread scales with 1 / sqrt(M): about half as wide
    ratio = (more.high - more.low) / (kalpha.high - kalpha.low)
    assert ratio == pytest.approx(0.5, abs=0.08)


@pytest.mark.parametrize(
    ("n_values", "n_pairs"),
    [(5, None), (20, 60)],  # few cells: multinomial counts; more cells than draws: direct draws
)
def test_distribution_mean_and_spread_match_the_resampling_model(n_values, n_pairs):
    # Nominal: each drawn pair has delta 0 or 1, off the diagonal with probability D_o; the sum
    # of M draws is Binomial(M, D_o), so alpha* = 1 - S / (M D_e) has mean alpha and standard
    # deviation sqrt(D_o (1 - D_o) / M) / D_e (the corrections do not bite for these data).
    data = _coded_data(agreement=0.7, n_values=n_values, seed=3)
    n_resamples = 20_000
    p = prepare(data, "nominal")
    dist = _distribution(p, n_resamples, np.random.default_rng(4), n_pairs)
    d_o = 1 - percent_agreement(data)
    _, o = coincidence_matrix(data)
    n, n_c = o.sum(), o.sum(axis=1)
    d_e = (n * n - n_c @ n_c) / (n * (n - 1))
    assert 1 - d_o / d_e == pytest.approx(alpha(data), abs=1e-12)
    sd = math.sqrt(d_o * (1 - d_o) / dist.n_pairs) / d_e
    assert dist.alphas.std() == pytest.approx(sd, rel=0.03)
    assert abs(dist.alphas.mean() - alpha(data)) < 4 * sd / math.sqrt(n_resamples)


def test_percentile_interval_positions():
    data = _coded_data(seed=5)
    dist = _alphas(data, 10_000, seed=6)
    result = bootstrap_alpha(data, n_resamples=10_000, seed=6, minimums=(0.7,))
    # KALPHA: the 250th and the 9751st of 10,000 sorted values (1-based)
    assert result.low == dist.alphas[249]
    assert result.high == dist.alphas[9750]
    assert result.q[0.7] == np.count_nonzero(dist.alphas < 0.7) / 10_000


def test_alphas_below_minus_one_are_clipped_and_no_variation_counts_as_zero():
    # 2 coders, units (a,a) x 3 and (a,b): n_a = 7, n_b = 1, n.. = 8,
    # D_e = (64 - 49 - 1) / (8 * 7) = 1/4; cells o_aa, o_ab, o_ba -> M = min(75, 4) = 4.
    # alpha* = 1 - k / (4 * 1/4) = 1 - k for k = 0..4 pairs off the diagonal: 1, 0, -1, -2, -3.
    # -2 and -3 become -1; only one diagonal cell is non-zero, so every alpha* = 1 (all four
    # pairs (a, a), no variation) becomes 0.
    data = [["a", "a", "a", "a"], ["a", "a", "a", "b"]]
    dist = _alphas(data, 20_000, seed=7)
    assert dist.n_pairs == 4
    assert set(np.unique(dist.alphas)) == {-1.0, 0.0}
    # P(k >= 2) with k ~ Binomial(4, p_ab = 2/8 = 1/4)
    p_at_least_two = 1 - (3 / 4) ** 4 - 4 * (1 / 4) * (3 / 4) ** 3
    share = np.mean(dist.alphas == -1.0)
    assert share == pytest.approx(p_at_least_two, abs=4 * math.sqrt(0.25 / 20_000))


def test_expected_number_of_no_variation_resamples_set_to_zero():
    # Units (a,a), (b,b), (a,b): o_aa = o_bb = 2, o_ab = o_ba = 1, n.. = 6, M = min(100, 3) = 3.
    # Cells (a,a), (b,b), (a,b) each drawn with probability 1/3; D_e = (36 - 18) / 30 = 0.6,
    # alpha* = 1 - k / 1.8 for k pairs (a,b): never 0, so zeros come only from the correction.
    # alpha* = 1 when all 3 pairs are diagonal (probability 8/27); of those, KALPHA sets
    # nx = round(R * (p_aa^3 + p_bb^3)) = round(R * 2/27) to 0.
    data = [["a", "b", "a"], ["a", "b", "b"]]
    n_resamples = 27_000
    dist = _alphas(data, n_resamples, seed=8)
    assert dist.n_pairs == 3
    assert np.count_nonzero(dist.alphas == 0.0) == round(n_resamples * 2 / 27)
    # the remaining alpha* = 1: about R * (8/27 - 2/27) = 6000 (binomial sd about 75)
    assert np.count_nonzero(dist.alphas == 1.0) == pytest.approx(6000, abs=300)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_resamples": 0}, "n_resamples"),
        ({"n_resamples": 2.5}, "n_resamples"),
        ({"ci": 1.0}, "ci"),
        ({"ci": 0}, "ci"),
        ({"n_pairs": 0}, "n_pairs"),
        ({"level": "cardinal"}, "unknown level"),
    ],
)
def test_bootstrap_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_alpha(_coded_data(n_units=20), **kwargs)
    with pytest.raises(ValueError, match="no variation"):
        bootstrap_alpha([[1, 1], [1, 1]])
