"""The statistics studies report, each with a 95% interval (pure functions of arrays).

- mean difference: Welch's t interval (unequal variances);
- paired mean difference: t interval of the per-child differences (arms run on
  the same seed share their random numbers, so children are paired);
- difference of shares: Newcombe's hybrid score interval (method 10), which
  behaves near 0 and 1 where the Wald interval does not;
- slope of an ordinary least-squares line: t interval of the slope;
- correlation: Fisher's z.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from securebase.studies.base import Estimate

LEVEL = 0.95


def mean(values: np.ndarray) -> Estimate:
    """The mean with its t interval."""
    x = np.asarray(values, float)
    m = float(x.mean())
    half = float(stats.t.ppf(0.5 + LEVEL / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return Estimate(m, m - half, m + half)


def mean_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """mean(a) - mean(b), Welch's interval."""
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
    """mean(a - b) over pairs, t interval."""
    return mean(np.asarray(a, float) - np.asarray(b, float))


def _wilson(hits: int, n: int) -> tuple[float, float]:
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    p = hits / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return float(centre - half), float(centre + half)


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
    return Estimate(d, float(min(low, d)), float(max(high, d)))


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
