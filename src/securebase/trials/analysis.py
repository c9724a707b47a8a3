"""A trial's statistics: an intervention arm against the control, for a share (a classification) or a mean.

Shares: the risk difference (Newcombe's hybrid score interval), the odds ratio (Woolf's logit interval; 0.5
added to every cell when one is empty, Haldane's correction), the logit-method d (ln OR x sqrt(3) / pi; Chinn
2000) with the odds ratio's interval carried over, and the two-sided pooled two-proportion z-test. Means: the
difference, Cohen's d with the pooled SD and its large-sample interval (Hedges & Olkin 1985, eq. 5.14),
and Student's two-sample t-test. Every interval is 95% unless ``level`` says otherwise; the intervals are
securebase/statistics.py's, the tests scipy's and statsmodels'.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from securebase import statistics as methods

LOGIT_D = math.sqrt(3.0) / math.pi


@dataclass(frozen=True)
class Comparison:
    """One statistic of an arm against the control: its value, interval and the test's p-value."""

    statistic: str
    value: float
    low: float
    high: float
    p_value: float

    def to_dict(self) -> dict[str, float | str]:
        return asdict(self)


def two_proportion_p(x1: int, n1: int, x0: int, n0: int) -> float:
    """The two-sided p-value of the pooled two-proportion z-test (1 when there is no variation at all)."""
    from statsmodels.stats.proportion import proportions_ztest

    if x1 + x0 in (0, n1 + n0):  # every child in the class or none: the test's standard error is zero
        return 1.0
    return float(proportions_ztest([x1, x0], [n1, n0])[1])


def compare_shares(x1: int, n1: int, x0: int, n0: int, level: float = 0.95) -> list[Comparison]:
    """Arm (``x1`` of ``n1`` in the class) against control (``x0`` of ``n0``)."""
    p_value = two_proportion_p(x1, n1, x0, n0)
    odds = methods.odds_ratio(x1, n1, x0, n0, level)
    return [
        Comparison("share in arm", *methods.share(x1, n1, level), math.nan),
        Comparison("share in control", *methods.share(x0, n0, level), math.nan),
        Comparison("risk difference", *methods.share_difference(x1, n1, x0, n0, level), p_value),
        Comparison("odds ratio", *odds, p_value),
        Comparison("logit-method d", *(math.log(v) * LOGIT_D for v in odds), p_value),
    ]


def student_p(arm: np.ndarray, control: np.ndarray) -> float:
    """The two-sided p-value of Student's two-sample t-test (equal variances); 1 or 0 when neither arm varies."""
    if arm.size < 2 or control.size < 2:
        return math.nan
    if np.all(arm == arm[0]) and np.all(control == control[0]):  # a model read-out can be the same for every child
        return 1.0 if arm[0] == control[0] else 0.0
    from statsmodels.stats.weightstats import ttest_ind

    # (statsmodels, not scipy.stats.ttest_ind: scipy warns when one arm does not vary, and tests make it an error)
    return float(ttest_ind(arm, control, usevar="pooled")[1])


def compare_means(arm: np.ndarray, control: np.ndarray, level: float = 0.95) -> list[Comparison]:
    """Arm against control for a continuous reading (each at least 2 children)."""
    arm, control = np.asarray(arm, float), np.asarray(control, float)
    p_value = student_p(arm, control)
    return [
        Comparison("mean in arm", *methods.mean(arm, level), math.nan),
        Comparison("mean in control", *methods.mean(control, level), math.nan),
        Comparison("mean difference", *methods.mean_difference(arm, control, level, equal_variances=True), p_value),
        Comparison("Cohen's d", *methods.cohens_d(arm, control, level), p_value),
    ]


def primary_p(values_arm: np.ndarray, values_control: np.ndarray, binary: bool) -> float:
    """The p-value the power curve counts: the two-proportion z-test for a share, Student's t for a mean."""
    if binary:
        return two_proportion_p(int(values_arm.sum()), values_arm.size, int(values_control.sum()), values_control.size)
    return student_p(values_arm, values_control)


def power_from(significant: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """The share of significant replicates with its Wilson interval."""
    return tuple(methods.share_of(significant, level))


def n_for_power(sizes: list[int], power: list[float], target: float = 0.8) -> float | None:
    """The N per arm where the curve first reaches ``target``, interpolated linearly between the sizes run.

    None when no size reached it; the smallest size when it already did.
    """
    for i, (n, p) in enumerate(zip(sizes, power, strict=True)):
        if p >= target:
            if i == 0:
                return float(n)
            n_before, p_before = sizes[i - 1], power[i - 1]
            return n_before + (target - p_before) * (n - n_before) / (p - p_before)
    return None
