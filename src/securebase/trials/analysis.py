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
from typing import TYPE_CHECKING

import numpy as np

from securebase import statistics as methods

if TYPE_CHECKING:
    import pandas as pd

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


#: the meta-analytic effects of randomised sensitivity and attachment interventions in early childhood: d = 0.33 on
#: parental sensitivity and d = 0.20 on infant attachment security (Bakermans-Kranenburg, van IJzendoorn & Juffer
#: 2003, Psychological Bulletin 129, 195-215, abstract); a flag, not a limit: the model is not fitted to them
PUBLISHED_D = {"sensitivity": 0.33, "security": 0.20}
#: beyond these a trial effect is flagged for the reader (modelling choices, said on the page and in docs/trials.md)
D_IMPLAUSIBLE = 3.0  # three pooled SDs: far beyond any published trial of a parenting programme
D_BEYOND_PUBLISHED = 3 * PUBLISHED_D["sensitivity"]  # three times the larger meta-analytic effect
ODDS_RATIO_IMPLAUSIBLE = 100.0
EVERY_CHILD_SHARE = 0.9  # the share of children whose class changes above which "every child flipped" is flagged
P_FLOOR = 1e-10  # p-values below are printed "< 1e-10": the digits beyond say nothing a reader can use


def plausibility_flags(statistic: str, value: float, p_value: float = math.nan, changed: float = math.nan) -> list[str]:
    """The flags an estimate earns (empty: none): an effect beyond what trials of attachment interventions report,
    an odds ratio beyond 100 (or below 1/100), a p-value below 1e-10, a class that changes for (nearly) every child.
    A flag changes nothing; it tells the reader to weigh the figure (docs/trials.md)."""
    found = []
    if statistic in ("Cohen's d", "logit-method d") and np.isfinite(value):
        if abs(value) > D_IMPLAUSIBLE:
            found.append(f"implausibly large: |d| = {abs(value):.3g} is beyond {D_IMPLAUSIBLE:g} SDs")
        elif abs(value) > D_BEYOND_PUBLISHED:
            found.append(
                f"beyond published trials: |d| = {abs(value):.3g}, more than 3 times the meta-analytic d of "
                "randomised sensitivity (0.33) and attachment (0.20) interventions (Bakermans-Kranenburg et al. 2003)"
            )
    odds = statistic == "odds ratio" and np.isfinite(value) and value > 0
    if odds and not 1 / ODDS_RATIO_IMPLAUSIBLE <= value <= ODDS_RATIO_IMPLAUSIBLE:
        found.append(f"implausibly large: odds ratio {value:.3g} is beyond {ODDS_RATIO_IMPLAUSIBLE:g} (or 1/100)")
    if np.isfinite(p_value) and p_value < P_FLOOR:
        found.append(f"p < {P_FLOOR:g}: shown as a bound (its digits say nothing); weigh the effect, not the p")
    if np.isfinite(changed) and changed >= EVERY_CHILD_SHARE:
        found.append(f"every child: the class changed for {changed:.0%} of the children")
    return found


def format_p(p_value: float) -> str:
    """A p-value for people: three significant digits, or '< 1e-10' (never '1e-214'); blank when there is none."""
    if not np.isfinite(p_value):
        return ""
    return f"< {P_FLOOR:g}" if p_value < P_FLOOR else f"{p_value:.3g}"


def moderation(
    pairs: pd.DataFrame, randomised: pd.DataFrame, moderator: str, groups: int = 3, binary: bool = False
) -> pd.DataFrame:
    """Does the effect depend on ``moderator`` (a child covariate)? Two answers, one row each:

    - the every-child (paired) effect in each ``groups``-quantile of the moderator (tertiles by default), with its
      t interval, or Newcombe's paired score interval for a share (``binary``: readings 1/0) (``pairs``: columns
      arm, reference (the readings) and the moderator, one row per child);
    - the interaction a real trial could test: OLS of the reading on arm x moderator (centred) over the children
      randomised to the two arms (``randomised``: columns value, treated (0/1) and the moderator), with its
      95% interval and p (statsmodels; for a share, a linear probability model).
    """
    import pandas as pd
    import statsmodels.formula.api as smf

    rows = []
    bins = pd.qcut(pairs[moderator], groups, duplicates="drop")  # fewer bins where the moderator has ties
    named = bins.cat.categories.size == 3
    for i, (interval, group) in enumerate(pairs.groupby(bins, observed=True)):
        name = ("low", "middle", "high")[i] if named else f"group {i + 1}"
        arm, reference = group["arm"].to_numpy(float), group["reference"].to_numpy(float)
        if len(group) < 2:
            effect = methods.Interval(math.nan, math.nan, math.nan)
        elif binary:  # a t interval of 0/1 differences is zero-width when no child in the group changes
            effect = methods.paired_share_difference(arm == 1.0, reference == 1.0)
        else:
            effect = methods.paired_difference(arm, reference)
        rows.append({"moderator": moderator, "sample": "every child", "group": f"{name} ({interval.left:.3g} to "
                     f"{interval.right:.3g})", "statistic": "paired effect", "value": effect.value,
                     "low": effect.low, "high": effect.high, "p_value": math.nan, "n": len(group)})  # fmt: skip
    data = randomised.assign(centred=randomised[moderator] - randomised[moderator].mean())
    if len(data) > 4 and data["treated"].nunique() == 2 and data["centred"].std() > 0:
        fit = smf.ols("value ~ treated * centred", data=data).fit()
        low, high = fit.conf_int().loc["treated:centred"]
        rows.append({"moderator": moderator, "sample": "randomised", "group": "all",
                     "statistic": "interaction (arm x moderator)", "value": float(fit.params["treated:centred"]),
                     "low": float(low), "high": float(high), "p_value": float(fit.pvalues["treated:centred"]),
                     "n": len(data)})  # fmt: skip
    return pd.DataFrame(rows)
