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
    alphas_from_columns,
    alphas_from_sums,
    augmented_values,
    bootstrap_many,
    chance_cluster,
    cluster_parts,
    columns,
    encode_clusters,
    interval,
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


def test_default_is_the_unit_bootstrap_with_the_augmented_interval():
    data = _data(n_units=300)
    result = bootstrap_alpha(data, n_resamples=2000, seed=5)
    assert (result.method, result.interval, result.n_pairs) == ("units", "augmented", None)
    assert result.alpha == alpha(data)
    assert result.low < result.alpha < result.high
    percentile = bootstrap_alpha(data, n_resamples=2000, seed=5, interval="percentile")
    assert percentile.alpha == result.alpha and percentile.low != result.low
    bca = bootstrap_alpha(data, n_resamples=2000, seed=5, interval="bca")
    assert bca.alpha == result.alpha and bca.q == result.q  # q from the plain resamples
    # the pseudo-cluster only adds disagreement: the low end moves down, a little at 300 units
    assert bca.low - 0.02 < result.low < bca.low and result.high <= bca.high
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


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_chance_cluster_has_the_data_frequencies_and_alpha_zero(level):
    data = _data(r=0.9)
    p = prepare(data, level)
    cluster, n_clusters = encode_clusters(None, data.shape[1])
    parts = cluster_parts(p, cluster, n_clusters)
    extra = chance_cluster(parts, 4.0)
    sums = columns(parts).sum(axis=0)
    if level == "ordinal":
        v = parts.n_values
        frequencies, own = extra.reshape(v, v).sum(axis=1), sums.reshape(v, v).sum(axis=1)
    else:
        frequencies, own = extra[1:], sums[1:]
    assert frequencies.sum() == pytest.approx(4.0)
    assert frequencies == pytest.approx(4.0 * own / own.sum())
    # coded at chance: drowning the data in copies of it takes alpha to 0 (as 1 / n..)
    many = sums + 1e9 * extra
    assert alphas_from_columns(parts, many[None, :])[0] == pytest.approx(0.0, abs=1e-6)
    # and one copy lowers alpha: it is disagreement the data did not show
    assert alphas_from_columns(parts, (sums + extra)[None, :])[0] < alpha(data, level)


def test_augmented_values_is_z_squared():
    assert augmented_values(0.95) == pytest.approx(1.959964**2)
    assert augmented_values(0.90) == pytest.approx(1.644854**2)


def test_augmented_alphas_are_the_resamples_with_the_pseudo_cluster_added():
    data = _data()
    p = prepare(data, "ordinal")
    cluster, n_clusters = encode_clusters(None, data.shape[1])
    parts = cluster_parts(p, cluster, n_clusters)
    extra = chance_cluster(parts, 3.84)
    resamples = Resamples(n_clusters, 300, seed=8)
    plain_only = bootstrap_many([parts], resamples)[0]
    plain, augmented = bootstrap_many([parts, parts], resamples, [None, extra])[1]
    assert np.array_equal(plain, plain_only)
    copies = resamples.extra
    assert copies.shape == (300,) and set(np.unique(copies)) <= set(range(12))
    assert 0.8 < copies.mean() < 1.2 and 0.7 < copies.var() < 1.3  # Poisson(1)
    counts = np.concatenate(list(resamples.blocks())).astype(float)
    expected = alphas_from_columns(parts, counts @ columns(parts) + copies[:, None] * extra)
    assert augmented == pytest.approx(expected, abs=1e-12)
    assert np.array_equal(Resamples(n_clusters, 300, seed=8).extra, copies)  # seeded


def test_augmented_interval_reads_bca_levels_off_the_augmented_alphas():
    rng = np.random.default_rng(3)
    alphas = rng.normal(0.8, 0.05, 4000)
    jackknife = rng.normal(0.8, 0.01, 60)
    bca = interval(0.81, alphas, 0.95, "bca", jackknife)
    assert interval(0.81, alphas, 0.95, "augmented", jackknife, alphas) == pytest.approx(bca)
    lower = alphas - 0.1
    got = interval(0.81, alphas, 0.95, "augmented", jackknife, lower)
    assert got == pytest.approx((bca[0] - 0.1, bca[1] - 0.1))
    with pytest.raises(ValueError, match="augmented alphas"):
        interval(0.81, alphas, 0.95, "augmented", jackknife)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown method"):
        bootstrap_alpha(_data(), method="pairs")
    with pytest.raises(ValueError, match="unknown interval"):
        bootstrap_alpha(_data(), interval="studentized")
    with pytest.raises(ValueError, match="one cluster per unit"):
        bootstrap_alpha(_data(), clusters=[1, 2, 3])


def _coverage(n_coders, n_units, r, samples, seed, level="nominal", interval="augmented"):
    """Share of intervals holding the population alpha (bench/coverage.py's model), and how
    many missed it with alpha below the interval."""
    prevalence = {"nominal": [0.4, 0.3, 0.2, 0.1], "ordinal": [0.1, 0.2, 0.4, 0.2, 0.1]}[level]
    rng = np.random.default_rng(seed)

    def simulate(m, u):
        truth = rng.choice(len(prevalence), size=u, p=prevalence)
        noise = rng.choice(len(prevalence), size=(m, u), p=prevalence)
        return np.where(rng.random((m, u)) < r, truth, noise).astype(float)

    # population alpha of this model: the disagreeing pairs fall like chance pairs, so
    # D_o = (1 - r^2) D_e and alpha = r^2 (for ordinal too: its deltas follow the prevalence)
    truth = r * r
    held = given = below = 0
    for sample in range(samples):
        data = simulate(n_coders, n_units)
        result = bootstrap_alpha(data, level, n_resamples=400, seed=sample, interval=interval)
        if result.low is not None:
            given += 1
            held += result.low <= truth <= result.high
            below += truth < result.low
    return held / given, below


@pytest.mark.parametrize(("n_coders", "n_units", "r"), [(2, 50, 0.8), (3, 30, 0.7)])
def test_coverage_of_two_small_cells(n_coders, n_units, r):
    # a regression guard with a fixed seed: 150 samples, so about +-3.6 points at 2 sd
    coverage, _ = _coverage(n_coders, n_units, r, samples=150, seed=2024)
    assert 0.90 <= coverage <= 0.99


def test_coverage_where_bca_misses_the_rare_large_ordinal_disagreements():
    # ordinal, r = 0.95, 50 units: BCa's misses were nearly all below (truth under its low end)
    # because the data lack the rare 1-vs-5 disagreements; the pseudo-cluster restores them
    coverage, below = _coverage(3, 50, 0.95, samples=150, seed=2025, level="ordinal")
    bca, bca_below = _coverage(3, 50, 0.95, samples=150, seed=2025, level="ordinal",
                               interval="bca")  # fmt: skip
    assert 0.92 <= coverage <= 0.99 and coverage > bca
    assert below < bca_below


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


def test_pooled_unitizing_without_any_unit_is_undefined_not_an_error():
    # sources two coders finished without marking anything (a date filter that matches none)
    sources = [{"coders": ["a", "b"], "length": 10, "units": []}] * 2
    resample = np.array([[0, 1]], dtype=np.int16)
    for pooled in (pooled_unitizing(sources), pooled_unitizing(sources, [0, 1], [resample])):
        assert list(pooled) == [None]
        value, draws = pooled[None]
        assert np.isnan(value) and draws is None
