"""The life-course study (S8, S13): contract, directions at quick size, and the split of change into development and
measurement error."""

from __future__ import annotations

import numpy as np
import pytest

from securebase.studies import check_result, get_study
from securebase.studies import life_course as study


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("life-course")


def test_contract(result):
    check_result(get_study("life-course"), result)
    assert {f.claim for f in result.findings} == {"S8", "S13"}
    assert len([f for f in result.findings if f.claim == "S13"]) == len(study.OUTCOMES)


def test_every_readout_is_the_instrument_valid_at_its_age(result):
    table = result.tables["reliability"]
    assert list(table["instrument"].unique()) == list(dict.fromkeys(name for _, name, _ in study.READOUTS))
    # each instrument reads, with its error, the state the model holds: never identical
    stable = table[table["arm"] == "stable care"]
    assert (stable["r_with_model"] < 0.999).all()


# a strict xfail on model v2d (the Strange Situation at 12 months correlated .279 with the model's read-out at this
# size); it passes on model v3's refit
def test_every_readout_is_clearly_related_to_the_state_it_reads(result):
    table = result.tables["reliability"]
    stable = table[table["arm"] == "stable care"]
    assert (stable["r_with_model"] > 0.3).all()


def test_security_follows_a_lasting_change_of_care_for_the_worse(result):
    _, worsened = (f for f in result.findings if f.claim == "S8" and "care " in f.statistic)
    assert "worsened" in worsened.statistic
    assert worsened.verdict == "supported"


@pytest.mark.xfail(
    strict=True,
    reason="model v3's refit (quick size, seed 1): care improved from 3 to 15 years raises the share secure at 19 by "
    "+0.08 [+0.023, +0.135], in the direction and clear of 0 but not of the minimum 0.05 (the model's own read-out "
    ".46 -> .54); care worsened lowers it by -0.26 [-0.36, -0.15]. Reported as it came out (closing note of issues "
    "24 and 25)",
)
def test_security_follows_a_lasting_change_of_care_for_the_better(result):
    improved, _ = (f for f in result.findings if f.claim == "S8" and "care " in f.statistic)
    assert "improved" in improved.statistic
    assert improved.verdict == "supported"


def test_continuity_is_lower_when_care_changes(result):
    continuity = result.tables["continuity"]
    a, b = study.CONTINUITY_AGES
    rows = continuity[(continuity["from_age_years"] == a) & (continuity["to_age_years"] == b)].set_index("arm")
    assert rows.loc["stable care", "r_model"] > rows.loc["changing care", "r_model"]
    assert rows.loc["stable care", "r_observed"] > rows.loc["changing care", "r_observed"]


# on model v3 part 2 at v3p1's constants continuity from 16 to 19 was total (r_model 1.000: the prototype's
# evidence accumulates, so its time constant exceeds the age; docs/model.md §7a); on model v3's refit, with care
# that drifts, it passes
def test_under_stable_care_continuity_rises_with_age_as_plasticity_declines(result):
    continuity = result.tables["continuity"]
    stable = continuity[continuity["arm"] == "stable care"]
    early = stable[(stable["from_age_years"] == 1.0) & (stable["to_age_years"] == 4.0)]["r_model"].item()
    late = stable[(stable["from_age_years"] == 16.0) & (stable["to_age_years"] == 19.0)]["r_model"].item()
    assert late > early + 0.2
    # and it is high but not total: the children go on changing even under the same care
    assert late < 0.99


def test_change_is_split_into_development_and_measurement_error(result):
    continuity = result.tables["continuity"]
    total = 1.0 - continuity["r_observed"]
    assert np.allclose(continuity["change_in_child"] + continuity["measurement_error"], total)
    # the instruments are unreliable, so they hide some continuity (the corrected r is further from 0; where care
    # changes, r is near 0 and may fall below it, and then the correction is negative too); and the children do change
    assert (continuity["r_corrected"].abs() >= continuity["r_observed"].abs() - 1e-12).all()
    assert (continuity.loc[continuity["r_observed"] > 0, "measurement_error"] >= 0).all()
    # the corrected r is capped at 1, so change is never negative; under stable care the children change at every
    # interval (under changing care, 16 -> 19 comes after every change of care, and at quick size its corrected r
    # reaches the cap: 0.750 observed, retest .70 and .78)
    assert (continuity["change_in_child"] >= 0).all()
    retest = result.tables["reliability"]["r_retest"]
    assert (retest > 0.3).all()
    assert (retest < 0.999).all()


@pytest.mark.xfail(
    strict=True,
    reason="model v3's refit (quick size, seed 1): under stable care from 16 to 19 years the corrected r reaches its "
    "cap of 1 (observed .797 against the state of mind's same-day retest r .777 and .776), so the change left to the "
    "child is 0; every other interval's is above 0 (closing note of issues 24 and 25)",
)
def test_under_stable_care_the_children_change_at_every_interval(result):
    continuity = result.tables["continuity"]
    assert (continuity.loc[continuity["arm"] == "stable care", "change_in_child"] > 0).all()


def test_school_outcomes_come_from_classes_of_simulated_children(result):
    children = result.tables["school_children"]
    assert len(children) == study.CLASSES["quick"] * study.CLASS_SIZE
    assert set(children["infant_classification"]) <= {"A", "B", "C", "D"}
    assert children.groupby("class")["child"].count().eq(study.CLASS_SIZE).all()
    outcomes = result.tables["school_outcomes"].set_index("outcome")
    assert outcomes.loc["ability", "expected_sign"] == 0  # reported, not a claim: security does not cause ability
