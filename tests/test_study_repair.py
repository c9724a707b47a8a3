"""The repair study (S5): contract, directions at quick size, and the common ruptures of its arms."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import clear_of_zero

from securebase.studies import check_result, get_study
from securebase.studies import repair as study


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("repair")


def findings(result, kind: str, other: str) -> dict[str, bool]:
    """Whether the model shows the claimed direction (interval clear of zero), by outcome, for one kind of rupture
    and one comparison. Not the verdict: at quick size several of these effects are smaller than the minimum
    effect that would matter (5 points), and the report says so."""
    label = study.KINDS[kind]
    chosen = [f for f in result.findings if f.statistic.startswith(label) and f"minus {other}" in f.statistic]
    assert len(chosen) == len(study.OUTCOMES)
    return {column: clear_of_zero(f) for (column, _, _), f in zip(study.OUTCOMES, chosen, strict=True)}


def test_contract(result):
    check_result(get_study("repair"), result)
    assert len(result.findings) == 2 * 2 * len(study.OUTCOMES)


def test_prompt_apology_beats_no_repair_and_slow_repair_on_trust_exploration_and_anxiety(result):
    for other in ("no repair", "slow repair"):
        shown = findings(result, "adult", other)
        assert {column: shown[column] for column in ("trust", "mean_exploration", "mean_anxiety")} == dict.fromkeys(
            ("trust", "mean_exploration", "mean_anxiety"), True
        ), (other, shown)


# a strict xfail on model v3 part 1's start constants (+0.020 [-0.042, +0.083]); it passes on model v3's refit
def test_prompt_apology_raises_the_share_secure(result):
    for other in ("no repair", "slow repair"):
        assert findings(result, "adult", other)["secure"], other


def test_prompt_soothing_of_tantrums_lowers_anxiety_and_frees_exploration(result):
    for other in ("no repair", "slow repair"):
        shown = findings(result, "tantrum", other)
        assert shown["mean_exploration"]
        assert shown["mean_anxiety"]
    assert findings(result, "tantrum", "no repair")["trust"]
    # not asserted (not shown at quick size): the share secure after tantrums, which an unrepaired tantrum
    # moves only through trust and anxiety (it frightens no one), and trust, prompt minus slow soothing


def test_arms_meet_the_same_adult_ruptures(result):
    children = result.tables["children"]
    adult = children[children["rupture_kind"] == "adult"]
    counts = adult.pivot(index="child", columns="arm", values="adult_ruptures")
    assert (counts.to_numpy() > 0).all()
    assert (counts.to_numpy() == counts[["no repair"]].to_numpy()).all()
    tantrum = children[children["rupture_kind"] == "tantrum"]
    assert (tantrum["adult_ruptures"] == 0).all()
    assert tantrum["tantrums"].sum() > 0
    assert (children[children["arm"] == "no repair"]["repairs"] == 0).all()


def test_caregiver_differs_only_in_repair_habits():
    arms = study.scenarios("adult", "quick")
    traits = [a.figures[0].caregiving.model_dump() for a in arms.values()]
    for t in traits[1:]:
        differing = {k for k in t if t[k] != traits[0][k]}
        assert differing <= {"repair_propensity", "repair_latency_days"}
    assert np.isclose(traits[0]["rupture_rate"], study.ADULT_RUPTURE_RATE)
    tantrum = study.scenarios("tantrum", "quick")
    assert all(a.figures[0].caregiving.rupture_rate == 0.0 for a in tantrum.values())
