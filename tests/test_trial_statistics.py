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


def test_plausibility_flags_fire_on_hand_made_estimates() -> None:
    assert analysis.plausibility_flags("Cohen's d", 0.4, 0.01) == []
    assert analysis.plausibility_flags("odds ratio", 3.0, 0.01) == []
    huge_d = analysis.plausibility_flags("Cohen's d", -15.0, 0.2)
    assert len(huge_d) == 1
    assert huge_d[0].startswith("implausibly large")
    beyond = analysis.plausibility_flags("logit-method d", 1.2)
    assert len(beyond) == 1
    assert "Bakermans-Kranenburg" in beyond[0]
    assert analysis.plausibility_flags("odds ratio", 5.8e4)[0].startswith("implausibly large: odds ratio")
    assert analysis.plausibility_flags("odds ratio", 1 / 5.8e4)[0].startswith("implausibly large: odds ratio")
    tiny_p = analysis.plausibility_flags("mean difference", 0.1, 1e-214)
    assert len(tiny_p) == 1
    assert tiny_p[0].startswith("p < 1e-10")
    assert analysis.plausibility_flags("risk difference", -0.77, changed=0.95)[0].startswith("every child")
    assert analysis.plausibility_flags("risk difference", -0.05, changed=0.2) == []


def test_p_values_below_the_floor_are_printed_as_a_bound() -> None:
    assert analysis.format_p(1e-214) == "< 1e-10"
    assert analysis.format_p(0.0312) == "0.0312"
    assert analysis.format_p(math.nan) == ""


def test_the_moderator_analysis_finds_a_known_interaction() -> None:
    """Effect = 1 + 2 x moderator: the tertiles' paired effects rise, and OLS finds the interaction of 2."""
    import pandas as pd
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(5)
    n = 600
    moderator = rng.normal(1.0, 0.3, n)
    reference = rng.normal(0.0, 1.0, n)
    arm = reference + 1.0 + 2.0 * moderator + rng.normal(0.0, 0.1, n)
    pairs = pd.DataFrame({"arm": arm, "reference": reference, "temper": moderator})
    treated = rng.permutation(np.repeat([0.0, 1.0], n // 2))
    seen = np.where(treated == 1, arm, reference)
    randomised = pd.DataFrame({"value": seen, "treated": treated, "temper": moderator})
    found = analysis.moderation(pairs, randomised, "temper")
    tertiles = found[found["sample"] == "every child"]
    assert [g.split(" ")[0] for g in tertiles["group"]] == ["low", "middle", "high"]
    assert tertiles["value"].is_monotonic_increasing
    assert (tertiles["low"] < tertiles["value"]).all()
    assert (tertiles["value"] < tertiles["high"]).all()
    expected = pd.Series(arm - reference).groupby(pd.qcut(moderator, 3)).mean().to_numpy()
    assert tertiles["value"].to_numpy() == pytest.approx(expected)
    assert tertiles["n"].tolist() == [200, 200, 200]
    interaction = found[found["sample"] == "randomised"].iloc[0]
    assert interaction["low"] < 2.0 < interaction["high"]
    centred = randomised.assign(centred=moderator - moderator.mean())
    fit = smf.ols("value ~ treated * centred", data=centred).fit()
    assert interaction["value"] == pytest.approx(fit.params["treated:centred"])
    assert interaction["p_value"] == pytest.approx(fit.pvalues["treated:centred"])


def test_a_binary_moderator_group_that_does_not_change_has_a_nonzero_width_interval() -> None:
    import pandas as pd

    pairs = pd.DataFrame({"arm": [1.0] * 30, "reference": [1.0] * 30, "temper": np.linspace(0.5, 1.5, 30)})
    randomised = pd.DataFrame({"value": [1.0] * 30, "treated": [0.0, 1.0] * 15, "temper": np.linspace(0.5, 1.5, 30)})
    found = analysis.moderation(pairs, randomised, "temper", binary=True)
    groups = found[found["sample"] == "every child"]
    assert (groups["value"] == 0.0).all()
    assert (groups["high"] > groups["low"]).all()
