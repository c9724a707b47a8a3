"""The statistics studies report, each with a 95% interval (pure functions of arrays).

- mean difference: Welch's t interval (unequal variances);
- paired mean difference: t interval of the per-child differences (arms run on
  the same seed share their random numbers, so children are paired);
- difference of shares: Newcombe's hybrid score interval (method 10), which
  behaves near 0 and 1 where the Wald interval does not; for paired shares (the
  same children in two arms) its paired form (Newcombe 1998, method 10 with the
  phi correlation). A share (a boolean array) passed to ``mean``,
  ``mean_difference`` or ``paired_difference`` gets these score intervals: they
  never leave [0, 1] (or [-1, 1] for a difference) and are never zero-width;
- slope of an ordinary least-squares line: t interval of the slope;
- correlation: Fisher's z.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from securebase.studies.base import Estimate

LEVEL = 0.95


def _is_share(*arrays: np.ndarray) -> bool:
    return all(np.asarray(a).dtype == bool for a in arrays)


def mean(values: np.ndarray) -> Estimate:
    """The mean with its t interval (a share, for a boolean array: Wilson's score interval)."""
    if _is_share(values):
        return share(values)
    x = np.asarray(values, float)
    m = float(x.mean())
    half = float(stats.t.ppf(0.5 + LEVEL / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return Estimate(m, m - half, m + half)


def mean_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """mean(a) - mean(b), Welch's interval (shares, for boolean arrays: Newcombe's score interval)."""
    if _is_share(a, b):
        return share_difference(a, b)
    a, b = np.asarray(a, float), np.asarray(b, float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    d = float(a.mean() - b.mean())
    if se == 0:
        return Estimate(d, d, d)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + LEVEL / 2, df) * se)
    return Estimate(d, d - half, d + half)


def paired_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """mean(a - b) over pairs, t interval (shares, for boolean arrays: Newcombe's paired score interval)."""
    if _is_share(a, b):
        return paired_share_difference(a, b)
    return mean(np.asarray(a, float) - np.asarray(b, float))


def paired_share_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """share(a) - share(b) over pairs (a[i] and b[i] of one child): Newcombe's paired hybrid score interval.

    Newcombe (1998), Statistics in Medicine 17:2635, method 10: the Wilson intervals of the two shares combined
    with the (continuity-corrected) phi correlation of the pairs. Within [-1, 1] and never zero-width.
    """
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    n = len(a)
    both, only_a = int((a & b).sum()), int((a & ~b).sum())
    only_b, neither = int((~a & b).sum()), int((~a & ~b).sum())
    pa, pb = (both + only_a) / n, (both + only_b) / n
    la, ua = _wilson(both + only_a, n)
    lb, ub = _wilson(both + only_b, n)
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    # phi with Newcombe's continuity correction (it also keeps phi below 1: the interval is never zero-width)
    cross = both * neither - only_a * only_b
    cross = max(cross - n / 2, 0.0) if cross > 0 else cross
    phi = cross / np.sqrt(margins) if margins > 0 else 0.0
    d = pa - pb
    delta = np.sqrt(max((pa - la) ** 2 - 2 * phi * (pa - la) * (ub - pb) + (ub - pb) ** 2, 0.0))
    epsilon = np.sqrt(max((ua - pa) ** 2 - 2 * phi * (ua - pa) * (pb - lb) + (pb - lb) ** 2, 0.0))
    return Estimate(d, float(max(min(d - delta, d), -1.0)), float(min(max(d + epsilon, d), 1.0)))


def _wilson(hits: int, n: int) -> tuple[float, float]:
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    p = hits / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return max(float(centre - half), 0.0), min(float(centre + half), 1.0)  # (rounding can step past 0 or 1)


def share(hits: np.ndarray) -> Estimate:
    """A share with its Wilson score interval."""
    hits = np.asarray(hits, bool)
    low, high = _wilson(int(hits.sum()), len(hits))
    p = float(hits.mean())
    return Estimate(p, min(low, p), max(high, p))


def share_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """share(a) - share(b), Newcombe's hybrid score interval."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    pa, pb = float(a.mean()), float(b.mean())
    la, ua = _wilson(int(a.sum()), len(a))
    lb, ub = _wilson(int(b.sum()), len(b))
    d = pa - pb
    low = d - np.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    high = d + np.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    return Estimate(d, float(max(min(low, d), -1.0)), float(min(max(high, d), 1.0)))


def slope(x: np.ndarray, y: np.ndarray) -> Estimate:
    """The slope of y on x (least squares) with its t interval."""
    fit = stats.linregress(np.asarray(x, float), np.asarray(y, float))
    half = float(stats.t.ppf(0.5 + LEVEL / 2, len(x) - 2) * fit.stderr)
    return Estimate(float(fit.slope), float(fit.slope) - half, float(fit.slope) + half)


def correlation(x: np.ndarray, y: np.ndarray) -> Estimate:
    """Pearson's r with Fisher's z interval."""
    r = float(np.corrcoef(x, y)[0, 1])
    z, half = np.arctanh(r), stats.norm.ppf(0.5 + LEVEL / 2) / np.sqrt(len(x) - 3)
    return Estimate(r, float(np.tanh(z - half)), float(np.tanh(z + half)))
