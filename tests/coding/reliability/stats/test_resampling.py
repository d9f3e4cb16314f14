"""The unit (cluster) bootstrap of alpha and alpha_U: exact per resample, seeded, covering."""

import numpy as np
import pytest

from coding.reliability.stats import (
    Resamples,
    alpha,
    bootstrap_alpha,
    pooled_unitizing,
    unitizing_alpha,
)
from coding.reliability.stats.alpha import prepare
from coding.reliability.stats.resampling import (
    alphas_from_sums,
    cluster_parts,
    encode_clusters,
    jackknife_alphas,
)


def _data(n_coders=3, n_units=120, r=0.8, missing=0.1, seed=0, n_values=4):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_values, size=n_units)
    noise = rng.integers(0, n_values, size=(n_coders, n_units))
    data = np.where(rng.random((n_coders, n_units)) < r, truth, noise).astype(float) + 1
    data[rng.random(data.shape) < missing] = np.nan
    return data


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_each_resample_is_the_alpha_of_the_resampled_clusters(level):
    data = _data()
    clusters = np.repeat(np.arange(40), 3)  # three units ("sentences") per cluster ("source")
    p = prepare(data, level)
    cluster, n_clusters = encode_clusters(clusters, data.shape[1])
    parts = cluster_parts(p, cluster, n_clusters)
    (block,) = Resamples(n_clusters, 5, seed=3).blocks()
    got = alphas_from_sums(parts, block.astype(float))
    for counts, value in zip(block, got, strict=True):
        # the resample spelled out: each cluster's units repeated as often as it was drawn
        columns = np.concatenate([np.flatnonzero(clusters == c).repeat(k) for c, k in
                                  enumerate(counts)])  # fmt: skip
        assert value == pytest.approx(alpha(data[:, columns], level), abs=1e-10)
    assert alphas_from_sums(parts, np.ones((1, n_clusters)))[0] == pytest.approx(alpha(data, level))
    left_out = jackknife_alphas(parts, n_clusters)
    assert left_out[7] == pytest.approx(alpha(data[:, clusters != 7], level))


def test_same_seed_same_draws_whatever_is_asked_first():
    first = np.concatenate(list(Resamples(50, 600, seed=1).blocks()))
    again = Resamples(50, 600, seed=1)
    assert np.array_equal(np.concatenate(list(again.blocks())), first)
    assert np.array_equal(np.concatenate(list(again.blocks())), first)  # cached
    assert first.shape == (600, 50) and (first.sum(axis=1) == 50).all()
    data = _data()
    assert bootstrap_alpha(data, seed=4, n_resamples=500) == bootstrap_alpha(
        data, seed=4, n_resamples=500
    )


def test_default_is_the_unit_bootstrap_with_a_bca_interval():
    data = _data(n_units=300)
    result = bootstrap_alpha(data, n_resamples=2000, seed=5)
    assert (result.method, result.interval, result.n_pairs) == ("units", "bca", None)
    assert result.alpha == alpha(data)
    assert result.low < result.alpha < result.high
    percentile = bootstrap_alpha(data, n_resamples=2000, seed=5, interval="percentile")
    assert percentile.alpha == result.alpha and percentile.low != result.low
    # clustering the units in threes widens nothing away: the point estimate is the same
    clustered = bootstrap_alpha(data, n_resamples=2000, seed=5, clusters=np.arange(300) // 3)
    assert clustered.alpha == result.alpha and clustered.n_clusters == 100


def test_clustered_units_give_a_wider_interval_when_they_are_alike():
    # the three sentences of a source repeat one unit: resampling sentences would pretend to
    # three times the information there is
    base = _data(n_units=100, seed=6)
    data = np.repeat(base, 3, axis=1)
    sources = np.repeat(np.arange(100), 3)
    naive = bootstrap_alpha(data, n_resamples=2000, seed=7)
    by_source = bootstrap_alpha(data, n_resamples=2000, seed=7, clusters=sources)
    ratio = (by_source.high - by_source.low) / (naive.high - naive.low)
    assert ratio == pytest.approx(np.sqrt(3), rel=0.15)


def test_kalpha_keeps_todays_figures_for_the_same_seed():
    # computed with the implementation before the unit bootstrap existed (same seed, data)
    rng = np.random.default_rng(0)
    d = np.where(rng.random((3, 300)) < 0.8, rng.integers(0, 4, 300), rng.integers(0, 4, (3, 300)))
    d = d.astype(float)
    d[rng.random(d.shape) < 0.1] = np.nan
    r = bootstrap_alpha(d, "nominal", n_resamples=2000, seed=11, method="kalpha")
    assert (r.alpha, r.low, r.high, r.n_pairs, r.q) == pytest.approx(
        (0.6148826641257906, 0.5588285814064784, 0.6724636437714764, 400, {0.667: 0.9605, 0.8: 1.0})
    )
    r = bootstrap_alpha(d, "ordinal", n_resamples=2000, seed=11, method="kalpha")
    assert (r.low, r.high) == pytest.approx((0.5639156039767637, 0.7168364410198991))


@pytest.mark.parametrize(
    ("data", "kwargs", "note"),
    [
        (_data(n_units=9, missing=0), {}, "no interval: fewer than 10 pairable units"),
        (_data(n_units=40, missing=0), {"clusters": np.arange(40) // 5},
         "no interval: fewer than 10 sources with pairable units"),
        ([[1, 2] * 10, [1, 2] * 10], {}, "no interval: no disagreement in the data"),
    ],
)  # fmt: skip
def test_no_interval_where_none_is_meaningful(data, kwargs, note):
    result = bootstrap_alpha(data, n_resamples=200, seed=0, **kwargs)
    assert result.low is None and result.high is None and result.q == {}
    assert result.note.startswith(note)
    assert result.alpha == alpha(data)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown method"):
        bootstrap_alpha(_data(), method="pairs")
    with pytest.raises(ValueError, match="unknown interval"):
        bootstrap_alpha(_data(), interval="studentized")
    with pytest.raises(ValueError, match="one cluster per unit"):
        bootstrap_alpha(_data(), clusters=[1, 2, 3])


def _coverage(n_coders, n_units, r, samples, seed):
    """Share of default intervals holding the population alpha (bench/coverage.py's model)."""
    prevalence = np.array([0.4, 0.3, 0.2, 0.1])
    rng = np.random.default_rng(seed)

    def simulate(m, u):
        truth = rng.choice(4, size=u, p=prevalence)
        noise = rng.choice(4, size=(m, u), p=prevalence)
        return np.where(rng.random((m, u)) < r, truth, noise).astype(float)

    # population alpha of this model: 1 - (1 - r^2) D / D_e with D = D_e, i.e. r^2
    truth = r * r
    held = given = 0
    for sample in range(samples):
        result = bootstrap_alpha(simulate(n_coders, n_units), n_resamples=400, seed=sample)
        if result.low is not None:
            given += 1
            held += result.low <= truth <= result.high
    return held / given


@pytest.mark.parametrize(("n_coders", "n_units", "r"), [(2, 50, 0.8), (3, 30, 0.7)])
def test_coverage_of_two_small_cells(n_coders, n_units, r):
    # a regression guard with a fixed seed: 150 samples, so about +-3.6 points at 2 sd
    assert 0.90 <= _coverage(n_coders, n_units, r, samples=150, seed=2024) <= 0.99


def test_pooled_unitizing_of_one_source_is_unitizing_alpha():
    units = [("a", 0, 10, "x"), ("b", 2, 10, "x"), ("a", 20, 30, "y"), ("b", 22, 35, "y"),
             ("c", 0, 9, "x")]  # fmt: skip
    direct = unitizing_alpha(units, 0, 50, coders=["a", "b", "c"])
    pooled = pooled_unitizing([{"coders": ["a", "b", "c"], "length": 50, "units": units}])
    assert pooled[None][0] == pytest.approx(direct["alpha"])
    assert pooled["x"][0] == pytest.approx(direct["per_category"]["x"])


def test_pooled_unitizing_joins_sources_with_gaps_ending_at_their_source():
    # every coder's first source ends with a unit, so no gap runs across the join and the
    # joined continuum is exactly the pooled one
    one = [("a", 0, 4, "x"), ("b", 1, 4, "x"), ("a", 6, 10, "x"), ("b", 5, 10, "x")]
    two = [("a", 2, 5, "x"), ("b", 2, 6, "x"), ("a", 7, 9, "x")]
    joined = one + [(c, s + 10, e + 10, k) for c, s, e, k in two]
    direct = unitizing_alpha(joined, 0, 20, coders=["a", "b"])
    sources = [{"coders": ["a", "b"], "length": 10, "units": one},
               {"coders": ["a", "b"], "length": 10, "units": two}]  # fmt: skip
    pooled = pooled_unitizing(sources)
    assert pooled[None][0] == pytest.approx(direct["alpha"])
    # and a resample counting the second source twice is the pooled alpha_U of three sources
    resample = np.array([[1, 2]], dtype=np.int16)
    _, draws = pooled_unitizing(sources, [0, 1], [resample])[None]
    assert draws[0] == pytest.approx(
        pooled_unitizing([sources[0], sources[1], sources[1]])[None][0]
    )
