"""securebase/statistics.py, the one home of the package's intervals, against independent computations:
statsmodels and scipy called directly, textbook formulas, and worked examples from the papers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import proportion
from statsmodels.stats.weightstats import DescrStatsW

from securebase import statistics

Z = stats.norm.ppf(0.975)


@pytest.mark.parametrize(("hits", "n"), [(0, 40), (3, 40), (20, 40), (40, 40), (81, 263)])
def test_a_share_is_wilsons_interval(hits: int, n: int) -> None:
    value, low, high = statistics.share(hits, n)
    p = hits / n  # Wilson (1927), written out
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    assert value == p
    assert low == pytest.approx(max(centre - half, 0.0), abs=1e-12)
    assert high == pytest.approx(min(centre + half, 1.0), abs=1e-12)
    assert 0.0 <= low <= value <= high <= 1.0
    assert low < high


def test_newcombes_worked_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, table II, example (a): 56/70 - 48/80, method 10
    value, low, high = statistics.share_difference(56, 70, 48, 80)
    assert value == pytest.approx(0.2)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


@pytest.mark.parametrize(("x1", "n1", "x0", "n0"), [(45, 100, 30, 100), (0, 20, 20, 20), (7, 7, 0, 9), (5, 30, 5, 30)])
def test_a_difference_of_shares_is_statsmodels_newcombe(x1: int, n1: int, x0: int, n0: int) -> None:
    value, low, high = statistics.share_difference(x1, n1, x0, n0)
    expected = proportion.confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff")
    assert (low, high) == pytest.approx(tuple(np.clip(expected, -1, 1)), rel=1e-12)
    assert -1.0 <= low <= value <= high <= 1.0


@pytest.mark.parametrize(("both", "only_a", "only_b", "neither"), [(12, 5, 1, 2), (30, 2, 9, 59), (0, 0, 40, 0)])
def test_a_paired_difference_of_shares_is_newcombes_method_10(
    both: int, only_a: int, only_b: int, neither: int
) -> None:
    a = np.array([True] * both + [True] * only_a + [False] * only_b + [False] * neither)
    b = np.array([True] * both + [False] * only_a + [True] * only_b + [False] * neither)
    n = a.size
    value, low, high = statistics.paired_share_difference(a, b)
    # written out from Newcombe (1998b), method 10: statsmodels' Wilson intervals of the two margins, combined
    # with the phi correlation of the pairs (its numerator corrected for continuity: max(AD - BC - n/2, 0))
    pa, pb = (both + only_a) / n, (both + only_b) / n
    la, ua = proportion.proportion_confint(both + only_a, n, method="wilson")
    lb, ub = proportion.proportion_confint(both + only_b, n, method="wilson")
    cross = both * neither - only_a * only_b
    cross = max(cross - n / 2, 0) if cross > 0 else cross
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    phi = cross / math.sqrt(margins) if margins else 0.0
    delta = math.sqrt((pa - la) ** 2 - 2 * phi * (pa - la) * (ub - pb) + (ub - pb) ** 2)
    epsilon = math.sqrt((ua - pa) ** 2 - 2 * phi * (ua - pa) * (pb - lb) + (pb - lb) ** 2)
    assert value == pytest.approx(pa - pb)
    assert low == pytest.approx(max(pa - pb - delta, -1.0))
    assert high == pytest.approx(min(pa - pb + epsilon, 1.0))
    assert low < high


@pytest.mark.parametrize(("x1", "n1", "x0", "n0"), [(45, 100, 30, 100), (12, 80, 20, 95), (0, 20, 5, 20)])
def test_an_odds_ratio_is_woolfs_logit_interval(x1: int, n1: int, x0: int, n0: int) -> None:
    value, low, high = statistics.odds_ratio(x1, n1, x0, n0)
    a, b, c, d = x1, n1 - x1, x0, n0 - x0
    if min(a, b, c, d) == 0:  # Haldane's half in every cell
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    assert value == pytest.approx(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert (low, high) == pytest.approx((value * math.exp(-Z * se), value * math.exp(Z * se)))


def test_a_mean_is_the_t_interval() -> None:
    x = np.random.default_rng(3).normal(2.0, 1.5, 25)
    value, low, high = statistics.mean(x)
    assert value == pytest.approx(x.mean())
    assert (low, high) == pytest.approx(tuple(stats.ttest_1samp(x, 0.0).confidence_interval(0.95)))
    assert statistics.mean(np.full(5, 0.3)) == (0.3, 0.3, 0.3)
    assert math.isnan(statistics.mean(np.array([1.0])).low)


def test_mean_bands_are_the_t_intervals_of_each_mean() -> None:
    x = np.random.default_rng(4).normal(0.5, 0.2, (3, 40))
    low, high = statistics.mean_bands(x.mean(axis=1), x.std(axis=1, ddof=1), 40)
    for row, (lo, hi) in zip(x, zip(low, high, strict=True), strict=True):
        assert (lo, hi) == pytest.approx(DescrStatsW(row).tconfint_mean(0.05))


@pytest.mark.parametrize("equal_variances", [False, True])
def test_a_difference_of_means_is_welchs_or_students_interval(equal_variances: bool) -> None:
    rng = np.random.default_rng(5)
    a, b = rng.normal(0.5, 1.0, 30), rng.normal(0.0, 2.0, 45)
    value, low, high = statistics.mean_difference(a, b, equal_variances=equal_variances)
    assert value == pytest.approx(a.mean() - b.mean())
    expected = stats.ttest_ind(a, b, equal_var=equal_variances).confidence_interval(0.95)
    assert (low, high) == pytest.approx(tuple(expected))


def test_one_group_that_does_not_vary_still_gets_an_interval() -> None:
    """A model read-out can be the same for every child of an arm (scipy's t-test warns there)."""
    a, b = np.full(15, 0.5), np.random.default_rng(12).normal(0.6, 0.05, 15)
    value, low, high = statistics.mean_difference(a, b, equal_variances=True)
    assert low < value < high


def test_a_paired_difference_is_the_t_interval_of_the_differences() -> None:
    rng = np.random.default_rng(6)
    a = rng.normal(0, 1, 30)
    b = a + rng.normal(0.2, 0.3, 30)
    assert statistics.paired_difference(a, b)[1:] == pytest.approx(DescrStatsW(a - b).tconfint_mean(0.05))


def test_cohens_d_is_hedges_and_olkins_large_sample_interval() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(0.5, 1.0, 60), rng.normal(0.0, 1.2, 75)
    pooled = math.sqrt((59 * a.var(ddof=1) + 74 * b.var(ddof=1)) / 133)
    d = (a.mean() - b.mean()) / pooled
    se = math.sqrt(135 / (60 * 75) + d * d / (2 * 135))  # Hedges & Olkin (1985) eq. 5.14
    assert statistics.cohens_d(a, b) == pytest.approx((d, d - Z * se, d + Z * se))


def test_a_slope_is_the_ols_t_interval() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(8)
    x = rng.uniform(0, 1, 50)
    y = 2.0 * x + rng.normal(0, 0.5, 50)
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    assert statistics.slope(x, y) == pytest.approx((fit.params[1], *fit.conf_int(0.05)[1]))


def test_a_correlation_is_fishers_z_interval() -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(0, 1, 40)
    y = 0.5 * x + rng.normal(0, 1, 40)
    r = np.corrcoef(x, y)[0, 1]
    half = Z / math.sqrt(40 - 3)
    assert statistics.correlation(x, y) == pytest.approx(
        (r, math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half))
    )
    assert all(math.isnan(v) for v in statistics.correlation(np.ones(5), x[:5]))


@pytest.mark.parametrize(("x1", "n1", "x0", "n0"), [(56, 70, 48, 80), (3, 40, 10, 50)])
def test_a_difference_of_two_intervals_is_the_mover_that_newcombes_interval_is(
    x1: int, n1: int, x0: int, n0: int
) -> None:
    """Zou's MOVER applied to two Wilson intervals is Newcombe's hybrid score interval (statsmodels')."""
    first = statistics.Interval(x1 / n1, *proportion.proportion_confint(x1, n1, method="wilson"))
    second = statistics.Interval(x0 / n0, *proportion.proportion_confint(x0, n0, method="wilson"))
    value, low, high = statistics.difference(first, second)
    expected = proportion.confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff")
    assert value == pytest.approx(x1 / n1 - x0 / n0)
    assert (low, high) == pytest.approx(expected)


def test_the_bootstrap_is_scipys_percentile_bootstrap_over_children() -> None:
    rng = np.random.default_rng(10)
    first = rng.integers(0, 3, 80)
    second = np.where(rng.random(80) < 0.7, first, rng.integers(0, 3, 80))

    def agreement(pair: tuple[np.ndarray, np.ndarray]) -> float:
        return float(np.mean(pair[0] == pair[1]))

    value, low, high = statistics.bootstrap(agreement, [(first, second)], np.random.default_rng(11), 500)
    direct = stats.bootstrap(
        (first, second), lambda f, s: np.mean(f == s), paired=True, vectorized=False, n_resamples=500,
        method="percentile", rng=np.random.default_rng(11),
    )  # fmt: skip
    assert value == agreement((first, second))
    assert low <= value <= high
    # the same method on the same data: the ends agree to within the bootstrap's own noise at 500 resamples
    assert low == pytest.approx(direct.confidence_interval.low, abs=0.05)
    assert high == pytest.approx(direct.confidence_interval.high, abs=0.05)


def test_no_module_writes_an_interval_by_hand() -> None:
    """Every interval goes through securebase/statistics.py: no normal or t quantile, 1.96 or Wilson formula
    elsewhere in the package."""
    import re
    from pathlib import Path

    source = Path(statistics.__file__).parent
    by_hand = re.compile(r"1\.96|\.ppf\(0\.5 \+|norm\.ppf|t\.ppf|proportion_confint|sqrt\(p \* \(1 - p\)")
    found = [
        f"{path.relative_to(source)}: {line.strip()}"
        for path in source.rglob("*.py")
        if path.name != "statistics.py" or path.parent != source
        for line in path.read_text(encoding="utf-8").splitlines()
        if by_hand.search(line)
    ]
    assert found == []
