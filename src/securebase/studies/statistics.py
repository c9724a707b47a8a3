"""The statistics studies report, each an :class:`Estimate` with its 95% interval (pure functions of arrays).

The methods are securebase/statistics.py's (scipy and statsmodels); this module picks one per kind of data:

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

from securebase import statistics as methods
from securebase.studies.base import Estimate

LEVEL = methods.LEVEL


def _is_share(*arrays: np.ndarray) -> bool:
    return all(np.asarray(a).dtype == bool for a in arrays)


def mean(values: np.ndarray) -> Estimate:
    """The mean with its t interval (a share, for a boolean array: Wilson's score interval)."""
    if _is_share(values):
        return share(values)
    return Estimate(*methods.mean(values, LEVEL))


def mean_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """mean(a) - mean(b), Welch's interval (shares, for boolean arrays: Newcombe's score interval)."""
    if _is_share(a, b):
        return share_difference(a, b)
    return Estimate(*methods.mean_difference(a, b, LEVEL))


def paired_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """mean(a - b) over pairs, t interval (shares, for boolean arrays: Newcombe's paired score interval)."""
    if _is_share(a, b):
        return paired_share_difference(a, b)
    return Estimate(*methods.paired_difference(a, b, LEVEL))


def paired_share_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """share(a) - share(b) over pairs (a[i] and b[i] of one child): Newcombe's paired hybrid score interval."""
    return Estimate(*methods.paired_share_difference(a, b, LEVEL))


def share(hits: np.ndarray) -> Estimate:
    """A share with its Wilson score interval."""
    return Estimate(*methods.share_of(hits, LEVEL))


def share_difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """share(a) - share(b), Newcombe's hybrid score interval."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    return Estimate(*methods.share_difference(int(a.sum()), a.size, int(b.sum()), b.size, LEVEL))


def slope(x: np.ndarray, y: np.ndarray) -> Estimate:
    """The slope of y on x (least squares) with its t interval."""
    return Estimate(*methods.slope(x, y, LEVEL))


def correlation(x: np.ndarray, y: np.ndarray) -> Estimate:
    """Pearson's r with Fisher's z interval."""
    return Estimate(*methods.correlation(x, y, LEVEL))
