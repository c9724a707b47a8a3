"""The trial's statistics (trials/analysis.py) against statsmodels and scipy on known data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import proportion

from securebase.trials import analysis


def by_name(comparisons: list[analysis.Comparison]) -> dict[str, analysis.Comparison]:
    return {c.statistic: c for c in comparisons}


@pytest.mark.parametrize(("x1", "n1", "x0", "n0"), [(45, 100, 30, 100), (12, 80, 20, 95), (300, 500, 280, 520)])
def test_shares_against_statsmodels(x1: int, n1: int, x0: int, n0: int) -> None:
    found = by_name(analysis.compare_shares(x1, n1, x0, n0))
    rd = found["risk difference"]
    low, high = proportion.confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff")
    assert rd.value == pytest.approx(x1 / n1 - x0 / n0)
    assert (rd.low, rd.high) == pytest.approx((low, high), rel=1e-9)
    odds = found["odds ratio"]
    low, high = proportion.confint_proportions_2indep(x1, n1, x0, n0, method="logit", compare="odds-ratio")
    assert odds.value == pytest.approx((x1 / (n1 - x1)) / (x0 / (n0 - x0)))
    assert (odds.low, odds.high) == pytest.approx((low, high), rel=1e-9)
    z_test = proportion.test_proportions_2indep(x1, n1, x0, n0, method="score", compare="diff", correction=False)
    assert rd.p_value == pytest.approx(z_test.pvalue, rel=1e-6)
    d = found["logit-method d"]
    assert d.value == pytest.approx(math.log(odds.value) * math.sqrt(3) / math.pi)
    assert d.low == pytest.approx(math.log(odds.low) * math.sqrt(3) / math.pi)


def test_an_empty_cell_gets_haldanes_half() -> None:
    odds = by_name(analysis.compare_shares(0, 20, 5, 20))["odds ratio"]
    assert odds.value == pytest.approx((0.5 * 15.5) / (20.5 * 5.5))
    assert 0 < odds.low < odds.value < odds.high


def test_means_against_scipy() -> None:
    rng = np.random.default_rng(0)
    arm, control = rng.normal(0.5, 1.0, 60), rng.normal(0.0, 1.2, 75)
    found = by_name(analysis.compare_means(arm, control))
    result = stats.ttest_ind(arm, control, equal_var=True)
    assert found["mean difference"].p_value == pytest.approx(result.pvalue)
    low, high = result.confidence_interval(0.95)
    assert (found["mean difference"].low, found["mean difference"].high) == pytest.approx((low, high))
    pooled = math.sqrt((59 * arm.var(ddof=1) + 74 * control.var(ddof=1)) / 133)
    d = (arm.mean() - control.mean()) / pooled
    assert found["Cohen's d"].value == pytest.approx(d)
    se = math.sqrt(135 / (60 * 75) + d * d / (2 * 135))  # Hedges & Olkin (1985) eq. 5.14
    assert found["Cohen's d"].low == pytest.approx(d - stats.norm.ppf(0.975) * se)


def test_power_and_the_n_for_80_percent() -> None:
    share, low, high = analysis.power_from(np.array([True] * 160 + [False] * 40))
    assert share == 0.8
    assert low < 0.8 < high
    assert analysis.n_for_power([50, 100, 200], [0.5, 0.7, 0.9]) == pytest.approx(150.0)
    assert analysis.n_for_power([50, 100], [0.85, 0.9]) == 50.0
    assert analysis.n_for_power([50, 100], [0.3, 0.5]) is None


def test_a_risk_difference_with_no_events_is_not_a_zero_width_interval() -> None:
    """Wald's interval said [0, 0] when neither arm had a child in the class; Newcombe's never is zero-width."""
    rd = by_name(analysis.compare_shares(0, 50, 0, 50))["risk difference"]
    assert rd.value == 0.0
    assert -1.0 <= rd.low < 0.0 < rd.high <= 1.0
