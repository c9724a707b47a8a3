"""Where A, C and D come from, and better care never making fewer secure children (issue: model v2).

Children live a year with one caregiver who is the same for all of them (the normative preset's means),
except one quality set to a level in 0..1; the Strange Situation at 12 months is coded by the calibrated
coder. Every level runs on the same seed (common random numbers), so a difference between levels is the
effect of the quality, plus what is left of sampling error, which the tolerance allows for: two standard
errors of a difference of two independent shares (conservative with common random numbers).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from helpers import SHIPPED, one_figure

from securebase.engine.simulation import Simulation
from securebase.instruments.ssp_coding import code, distribution
from securebase.instruments.strange_situation import observe_strange_situation
from securebase.model.state import QUALITIES
from securebase.scenario.caregiving import fixed_caregiving

LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)
SIZES = {"small": 300, "full": 1500}


@cache
def coded(n: int, **traits: float) -> dict[str, float]:
    """Shares A/B/C/D at 12 months under the normative means with ``traits`` changed, on a fixed seed."""
    scenario = one_figure(fixed_caregiving("normative", **traits).model_dump(exclude_none=True), n_children=n, days=365)
    simulation = Simulation(scenario, seed=11, params=SHIPPED.params)
    simulation.run()
    rng = np.random.default_rng(5)
    behaviour = observe_strange_situation(simulation.children, simulation.figures, "parent", rng, SHIPPED.params)
    return distribution(code(behaviour, rng, SHIPPED.coding)["classification"])


def allowance(p: float, q: float, n: int) -> float:
    """Two standard errors of the difference of two shares of ``n`` children each."""
    return 2.0 * math.sqrt((p * (1 - p) + q * (1 - q)) / n) + 1e-9


#: model v3 (issue 24): on part 1's moment-by-moment rating of resistance and avoidance, the share B *fell* as
#: consistency, sensitivity or reliability rose (small size: B 86.3% -> 66.3% over consistency 0..1); rated on the
#: pattern over the episode and refitted with part 2 (calibration-runs/2026-12-08-model-v3*), it no longer does.


@pytest.mark.slow
@pytest.mark.parametrize("quality", QUALITIES)
def test_the_share_secure_never_falls_as_one_quality_improves(quality, slow_size, request):
    if quality == "reliability" and slow_size == "small":  # not run at the full size on model v3's refit
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="model v3's refit, n 300: B 10.0%, 2.0%, 23.7%, 67.7%, 80.0% at reliability 0..1 (the fall "
                "from 0 to 0.25 exceeds two standard errors, 3.8 points; closing note of issues 24 and 25)",
            )
        )
    n = SIZES[slow_size]
    secure = [coded(n, **{quality: level})["B"] for level in LEVELS]
    for level, before, after in zip(LEVELS[1:], secure[:-1], secure[1:], strict=True):
        assert after >= before - allowance(before, after, n), (quality, level, secure)
    assert secure[-1] > secure[0] or secure[0] > 0.9, (quality, secure)  # better care, more secure overall


#: a known violation at the full size, kept visible (model v2d): at the coldest care more children are coded D, which
#: the four-way classification puts first, so A falls from warmth 0.25 to 0 by more than two standard errors
COLDEST_CARE_MORE_D = pytest.mark.xfail(
    strict=True,
    reason="model v2d, n 1,500: A 75.1% at warmth 0.25 and 71.0% at 0 (allowance 3.2 points), as D rises from 24.9% "
    "to 29.0% (B and C at most 0.1% at both); at the small size it is within the allowance",
)


@pytest.mark.slow
def test_avoidance_comes_from_rejection(slow_size, request):
    if slow_size == "full":
        request.applymarker(COLDEST_CARE_MORE_D)
    else:  # the small size on model v3 (issue 24)
        request.applymarker(
            pytest.mark.xfail(strict=True, reason="issue 24, v3p1: A 43.7%, 69.0%, 41.3%, 15.0%, 9.0% at warmth 0..1")
        )
    n = SIZES[slow_size]
    avoidant = [coded(n, warmth=level)["A"] for level in LEVELS]  # less warmth: more bids rebuffed
    for level, before, after in zip(LEVELS[1:], avoidant[:-1], avoidant[1:], strict=True):
        assert after <= before + allowance(before, after, n), (level, avoidant)
    assert avoidant[0] > avoidant[-1] + 0.3


@pytest.mark.slow
@pytest.mark.parametrize("quality", ["consistency", "reliability"])
def test_ambivalence_comes_from_inconsistent_availability(quality, slow_size, request):
    if slow_size == "small" and quality == "reliability":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="model v3 part 2 before its refit: C 28.3%, 37.7%, 30.7%, 5.7%, 0% at reliability 0..1 (a rise of "
                "9.4 points at 0.25, allowance 7.6); on part 1 alone (both mechanisms off) the rise was already there "
                "within the allowance: 45.3%, 52.3%, 58.3%, 0%, 0%; the learned fear alone 25.3%, 32.3%, 42.7%, 0.3%, 0%; "
                "the drift alone 46.7%, 55.7%, 41.3%, 8.0%, 0% (docs/model.md §13b)",
            )
        )
    n = SIZES[slow_size]
    ambivalent = [coded(n, **{quality: level})["C"] for level in LEVELS]
    for level, before, after in zip(LEVELS[1:], ambivalent[:-1], ambivalent[1:], strict=True):
        assert after <= before + allowance(before, after, n), (quality, level, ambivalent)
    assert ambivalent[0] > ambivalent[-1] + 0.1


@pytest.mark.slow
def test_disorganisation_comes_from_fright_graded_and_moderated_by_repair(slow_size):
    n = SIZES[slow_size]
    rates = (0.0, 0.2, 0.5, 1.0, 2.0)
    disorganised = [coded(n, anomalous_rate=r, anomalous_severity=0.7)["D"] for r in rates]
    for rate, before, after in zip(rates[1:], disorganised[:-1], disorganised[1:], strict=True):
        assert after >= before - allowance(before, after, n), (rate, disorganised)
    assert disorganised[-1] > disorganised[0] + 0.3
    # graded: some rate gives neither none nor nearly all
    assert any(0.1 < d < 0.9 for d in disorganised), disorganised
    unrepaired = coded(n, anomalous_rate=1.0, anomalous_severity=0.7, repair_propensity=0.0)["D"]
    repaired = coded(n, anomalous_rate=1.0, anomalous_severity=0.7, repair_propensity=1.0, repair_latency_days=0.05)
    assert repaired["D"] < unrepaired - allowance(repaired["D"], unrepaired, n)
