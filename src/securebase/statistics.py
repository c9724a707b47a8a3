"""Every interval the package reports, built on scipy.stats and statsmodels (small pure functions of arrays).

One home for the methods, so that a run's summary page, the studies, the trials and the calibration all give
the same interval for the same data:

- a share: Wilson's score interval (``statsmodels.stats.proportion.proportion_confint``);
- a difference of two independent shares: Newcombe's hybrid score interval (Newcombe 1998, method 10;
  ``confint_proportions_2indep(method="newcomb")``); of paired shares (the same children twice): its paired
  form (Newcombe 1998b, method 10 with the phi correlation), which no library offers, built on the Wilson
  intervals here;
- an odds ratio: Woolf's logit interval, 0.5 added to every cell when one is empty (Haldane's correction);
- a mean: the t interval (``statsmodels.stats.weightstats``); a difference of means: Welch's or Student's t
  interval (the same); Cohen's d: the large-sample interval (Hedges & Olkin 1985, eq. 5.14);
- a least-squares slope: the t interval of ``scipy.stats.linregress``; Pearson's r: Fisher's z
  (``scipy.stats.pearsonr``); a difference of two estimates with their own intervals: Zou's MOVER (2007);
- anything else: a percentile bootstrap over children (``scipy.stats.bootstrap``).

Every interval is 95% unless ``level`` says otherwise. statsmodels is imported inside the functions that use
it: it takes about a second to import, and the command line imports this module only for some commands.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from scipy import stats

LEVEL = 0.95


class Interval(NamedTuple):
    """An estimate with the ends of its interval."""

    value: float
    low: float
    high: float


def _around(value: float, low: float, high: float, floor: float = -math.inf, ceiling: float = math.inf) -> Interval:
    """The interval made to hold its estimate and to stay within [floor, ceiling] (rounding can step past them)."""
    return Interval(float(value), float(max(min(low, value), floor)), float(min(max(high, value), ceiling)))


def normal_quantile(level: float = LEVEL) -> float:
    """The standard normal quantile of a two-sided ``level`` interval (1.96 for 95%)."""
    return float(stats.norm.ppf(0.5 + level / 2.0))


# ---- shares ---------------------------------------------------------------------------------------------


def share(hits: int, n: int, level: float = LEVEL) -> Interval:
    """``hits`` of ``n``, with Wilson's score interval (within [0, 1]; zero-width never)."""
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(hits, n, alpha=1.0 - level, method="wilson")
    return _around(hits / n, low, high, 0.0, 1.0)


def share_of(flags: np.ndarray, level: float = LEVEL) -> Interval:
    """The share of True in ``flags`` (booleans, or 0 and 1), with Wilson's score interval."""
    flags = np.asarray(flags, bool)
    return share(int(flags.sum()), int(flags.size), level)


def share_difference(hits_a: int, n_a: int, hits_b: int, n_b: int, level: float = LEVEL) -> Interval:
    """``hits_a / n_a - hits_b / n_b`` for independent groups, with Newcombe's hybrid score interval."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(
        hits_a, n_a, hits_b, n_b, method="newcomb", compare="diff", alpha=1.0 - level
    )
    return _around(hits_a / n_a - hits_b / n_b, low, high, -1.0, 1.0)


def paired_share_difference(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> Interval:
    """share(a) - share(b) over pairs (a[i] and b[i] of one child): Newcombe's paired hybrid score interval.

    Newcombe (1998), Statistics in Medicine 17:2635, method 10: the Wilson intervals of the two shares combined
    with the (continuity-corrected) phi correlation of the pairs. Within [-1, 1] and never zero-width.
    """
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    n = len(a)
    both, only_a = int((a & b).sum()), int((a & ~b).sum())
    only_b, neither = int((~a & b).sum()), int((~a & ~b).sum())
    pa, la, ua = share(both + only_a, n, level)
    pb, lb, ub = share(both + only_b, n, level)
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    # phi with Newcombe's continuity correction (it also keeps phi below 1: the interval is never zero-width)
    cross = both * neither - only_a * only_b
    cross = max(cross - n / 2, 0.0) if cross > 0 else cross
    phi = cross / math.sqrt(margins) if margins > 0 else 0.0
    d = pa - pb
    delta = math.sqrt(max((pa - la) ** 2 - 2 * phi * (pa - la) * (ub - pb) + (ub - pb) ** 2, 0.0))
    epsilon = math.sqrt(max((ua - pa) ** 2 - 2 * phi * (ua - pa) * (pb - lb) + (pb - lb) ** 2, 0.0))
    return _around(d, d - delta, d + epsilon, -1.0, 1.0)


def odds_ratio(hits_a: int, n_a: int, hits_b: int, n_b: int, level: float = LEVEL) -> Interval:
    """The odds ratio of group a against group b with Woolf's logit interval (Haldane's 0.5 in every cell when a
    cell is empty: then the estimate is the corrected one too, as statsmodels' ``logit-adjusted`` gives it)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    empty_cell = min(hits_a, n_a - hits_a, hits_b, n_b - hits_b) == 0
    half = 0.5 if empty_cell else 0.0
    value = ((hits_a + half) * (n_b - hits_b + half)) / ((n_a - hits_a + half) * (hits_b + half))
    method = "logit-adjusted" if empty_cell else "logit"
    low, high = confint_proportions_2indep(
        hits_a, n_a, hits_b, n_b, method=method, compare="odds-ratio", alpha=1.0 - level
    )
    return Interval(float(value), float(low), float(high))


# ---- means ----------------------------------------------------------------------------------------------


def mean(values: np.ndarray, level: float = LEVEL) -> Interval:
    """The mean with its t interval (zero-width when every value is the same; NaN ends for one value)."""
    x = np.asarray(values, float)
    m = float(x.mean())
    if x.size < 2:
        return Interval(m, math.nan, math.nan)
    if np.all(x == x[0]):  # no spread: nothing to be uncertain about
        return Interval(m, m, m)
    from statsmodels.stats.weightstats import DescrStatsW

    # statsmodels rather than scipy.stats.ttest_1samp: scipy warns on data that are nearly the same (a model
    # read-out can be), and the test suite turns warnings into errors
    low, high = DescrStatsW(x).tconfint_mean(alpha=1.0 - level)
    return _around(m, low, high)


def mean_bands(means: np.ndarray, sds: np.ndarray, n: int, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """The t intervals of many means at once, each of ``n`` values with standard deviation ``sds``: (low, high)."""
    means, sds = np.asarray(means, float), np.asarray(sds, float)
    if n < 2:
        return np.full_like(means, np.nan), np.full_like(means, np.nan)
    below, above = stats.t.interval(level, n - 1)
    standard_error = sds / math.sqrt(n)
    return means + below * standard_error, means + above * standard_error


def mean_difference(a: np.ndarray, b: np.ndarray, level: float = LEVEL, equal_variances: bool = False) -> Interval:
    """mean(a) - mean(b) of independent groups: Welch's t interval (Student's with ``equal_variances``)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = float(a.mean() - b.mean())
    if np.all(a == a[0]) and np.all(b == b[0]):  # neither group varies: nothing to be uncertain about
        return Interval(d, d, d)
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    # (statsmodels, not scipy.stats.ttest_ind, for the reason in ``mean``: one group may not vary)
    compared = CompareMeans(DescrStatsW(a), DescrStatsW(b))
    low, high = compared.tconfint_diff(alpha=1.0 - level, usevar="pooled" if equal_variances else "unequal")
    return _around(d, low, high)


def paired_difference(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> Interval:
    """mean(a - b) over pairs: the t interval of the per-pair differences."""
    return mean(np.asarray(a, float) - np.asarray(b, float), level)


def cohens_d(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> Interval:
    """Cohen's d of a against b (pooled SD) with its large-sample interval (Hedges & Olkin 1985, eq. 5.14)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    n_a, n_b = a.size, b.size
    pooled = math.sqrt(((n_a - 1) * a.var(ddof=1) + (n_b - 1) * b.var(ddof=1)) / (n_a + n_b - 2))
    if pooled == 0:
        return Interval(math.nan, math.nan, math.nan)
    d = float(a.mean() - b.mean()) / pooled
    half = normal_quantile(level) * math.sqrt((n_a + n_b) / (n_a * n_b) + d * d / (2 * (n_a + n_b)))
    return Interval(d, d - half, d + half)


# ---- lines, correlations and other statistics -----------------------------------------------------------


def slope(x: np.ndarray, y: np.ndarray, level: float = LEVEL) -> Interval:
    """The least-squares slope of y on x with its t interval."""
    fit = stats.linregress(np.asarray(x, float), np.asarray(y, float))
    below, above = stats.t.interval(level, len(x) - 2)
    return Interval(float(fit.slope), float(fit.slope + below * fit.stderr), float(fit.slope + above * fit.stderr))


def correlation(x: np.ndarray, y: np.ndarray, level: float = LEVEL) -> Interval:
    """Pearson's r with Fisher's z interval; NaN where either variable does not vary (no correlation to speak of)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.all(x == x[0]) or np.all(y == y[0]):
        return Interval(math.nan, math.nan, math.nan)
    with warnings.catch_warnings():
        # nearly constant data (a model read-out can be) still have an r; np.corrcoef gave it without a word
        warnings.simplefilter("ignore", stats.NearConstantInputWarning)
        result = stats.pearsonr(x, y)
        low, high = result.confidence_interval(level)
    return Interval(float(result.statistic), float(low), float(high))


def difference(a: Interval, b: Interval) -> Interval:
    """a - b of two independent estimates from their own intervals: Zou's MOVER (Zou & Donner 2008; for
    correlations Zou 2007), the method behind Newcombe's interval for a difference of shares."""
    d = a.value - b.value
    low = d - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = d + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return Interval(d, low, high)


def bootstrap(
    statistic: Callable[..., float],
    samples: Sequence[Sequence[np.ndarray]],
    rng: np.random.Generator,
    resamples: int,
    level: float = LEVEL,
) -> Interval:
    """``statistic(*samples)`` with a percentile bootstrap interval.

    Each sample is a tuple of arrays of one group of children (e.g. two classifications of the same children):
    a resample draws children, so the arrays of a sample stay paired; the samples are drawn independently.
    ``statistic`` takes one tuple of arrays per sample.
    """
    samples = [tuple(np.asarray(a) for a in sample) for sample in samples]
    value = statistic(*samples)

    def of_indices(*picks: np.ndarray) -> float:
        return statistic(*(tuple(a[pick] for a in sample) for sample, pick in zip(samples, picks, strict=True)))

    children = [np.arange(len(sample[0])) for sample in samples]
    result = stats.bootstrap(
        children, of_indices, n_resamples=resamples, vectorized=False, method="percentile",
        confidence_level=level, rng=rng,
    )  # fmt: skip
    return Interval(float(value), float(result.confidence_interval.low), float(result.confidence_interval.high))
