"""A trial's statistics: an intervention arm against the control, for a share (a classification) or a mean.

Shares: the risk difference (Wald interval), the odds ratio (Woolf's logit interval; 0.5 added to every
cell when one is empty, Haldane's correction), the logit-method d (ln OR x sqrt(3) / pi; Chinn 2000) with
the odds ratio's interval carried over, and the two-sided pooled two-proportion z-test. Means: the
difference, Cohen's d with the pooled SD and its large-sample interval (Hedges & Olkin 1985, eq. 5.14),
and Student's two-sample t-test. Every interval is 95% unless ``level`` says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

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


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2.0))


def two_proportion_p(x1: int, n1: int, x0: int, n0: int) -> float:
    """The two-sided p-value of the pooled two-proportion z-test (1 when there is no variation at all)."""
    pooled = (x1 + x0) / (n1 + n0)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n0))
    if se == 0.0:
        return 1.0
    z = (x1 / n1 - x0 / n0) / se
    return float(2.0 * stats.norm.sf(abs(z)))


def compare_shares(x1: int, n1: int, x0: int, n0: int, level: float = 0.95) -> list[Comparison]:
    """Arm (``x1`` of ``n1`` in the class) against control (``x0`` of ``n0``)."""
    z = _z(level)
    p1, p0 = x1 / n1, x0 / n0
    p_value = two_proportion_p(x1, n1, x0, n0)
    rd = p1 - p0
    se_rd = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    a, b, c, d = float(x1), float(n1 - x1), float(x0), float(n0 - x0)
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_or = math.log(a * d / (b * c))
    se_log_or = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    low_or, high_or = log_or - z * se_log_or, log_or + z * se_log_or
    return [
        Comparison("share in arm", p1, *_wilson(x1, n1, z), math.nan),
        Comparison("share in control", p0, *_wilson(x0, n0, z), math.nan),
        Comparison("risk difference", rd, rd - z * se_rd, rd + z * se_rd, p_value),
        Comparison("odds ratio", math.exp(log_or), math.exp(low_or), math.exp(high_or), p_value),
        Comparison("logit-method d", log_or * LOGIT_D, low_or * LOGIT_D, high_or * LOGIT_D, p_value),
    ]


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # at 0 or n the interval touches the bound exactly (the sum above leaves rounding dust there)
    return (0.0 if x == 0 else centre - half), (1.0 if x == n else centre + half)


def student_p(arm: np.ndarray, control: np.ndarray) -> float:
    """The two-sided p-value of Student's two-sample t-test (equal variances); 1 or 0 when neither arm varies."""
    n1, n0 = arm.size, control.size
    if n1 < 2 or n0 < 2:
        return math.nan
    diff = float(arm.mean() - control.mean())
    pooled = ((n1 - 1) * float(arm.var(ddof=1)) + (n0 - 1) * float(control.var(ddof=1))) / (n1 + n0 - 2)
    if pooled <= 0.0:  # every child the same in each arm (a model read-out can be): no test to make
        return 1.0 if diff == 0.0 else 0.0
    t = diff / math.sqrt(pooled * (1.0 / n1 + 1.0 / n0))
    return float(2.0 * stats.t.sf(abs(t), n1 + n0 - 2))


def compare_means(arm: np.ndarray, control: np.ndarray, level: float = 0.95) -> list[Comparison]:
    """Arm against control for a continuous reading (each at least 2 children)."""
    arm, control = np.asarray(arm, float), np.asarray(control, float)
    n1, n0 = arm.size, control.size
    z = _z(level)
    m1, m0 = float(arm.mean()), float(control.mean())
    v1, v0 = float(arm.var(ddof=1)), float(control.var(ddof=1))
    pooled = math.sqrt(((n1 - 1) * v1 + (n0 - 1) * v0) / (n1 + n0 - 2))
    p_value = student_p(arm, control)
    t = float(stats.t.ppf(0.5 + level / 2.0, n1 + n0 - 2))
    se_diff = pooled * math.sqrt(1 / n1 + 1 / n0)
    diff = m1 - m0
    d = diff / pooled if pooled > 0 else math.nan
    se_d = math.sqrt((n1 + n0) / (n1 * n0) + d * d / (2 * (n1 + n0)))
    return [
        Comparison("mean in arm", m1, m1 - t * math.sqrt(v1 / n1), m1 + t * math.sqrt(v1 / n1), math.nan),
        Comparison("mean in control", m0, m0 - t * math.sqrt(v0 / n0), m0 + t * math.sqrt(v0 / n0), math.nan),
        Comparison("mean difference", diff, diff - t * se_diff, diff + t * se_diff, p_value),
        Comparison("Cohen's d", d, d - z * se_d, d + z * se_d, p_value),
    ]


def primary_p(values_arm: np.ndarray, values_control: np.ndarray, binary: bool) -> float:
    """The p-value the power curve counts: the two-proportion z-test for a share, Student's t for a mean."""
    if binary:
        return two_proportion_p(int(values_arm.sum()), values_arm.size, int(values_control.sum()), values_control.size)
    return student_p(values_arm, values_control)


def power_from(significant: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """The share of significant replicates with its Wilson interval."""
    n = int(significant.size)
    x = int(np.sum(significant))
    low, high = _wilson(x, n, _z(level))
    return x / n, low, high


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
