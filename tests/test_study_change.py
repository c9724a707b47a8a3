"""The change study (S8, S9): contract, directions at quick size, and its changes of care on hand-made state."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIPPED, clear_of_zero

from securebase.engine.simulation import Simulation
from securebase.model.state import FIGURE_TRAITS
from securebase.scenario.caregiving import preset_means
from securebase.studies import change as study
from securebase.studies import check_result, get_study
from securebase.studies.base import NoProgress
from securebase.studies.running import KERNEL, run_until


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("change")


def verdicts(result, claim: str, words: str) -> list[str]:
    return [f.verdict for f in result.findings if f.claim == claim and words in f.statistic]


def test_contract(result):
    check_result(get_study("change"), result)
    ages = study.SIZES["quick"]["ages"]
    assert len([f for f in result.findings if f.claim == "S8"]) == len(ages) * 2 * len(study.KINDS)


def test_worsened_care_makes_secure_children_insecure_at_every_age(result):
    found = verdicts(result, "S8", "worsened")
    assert len(found) == 2 * len(study.SIZES["quick"]["ages"])
    assert set(found) == {"supported"}


def test_improved_care_makes_insecure_children_secure_at_every_age(result):
    assert verdicts(result, "S8", "improved at 2 years") == ["supported", "supported"]
    # at 10 years, read by the Security Scale a year later (+1.68 points [1.65, 1.71] at seed 1, minimum 0.1)
    assert verdicts(result, "S8", "improved at 10 years") == ["supported", "supported"]


@pytest.mark.xfail(
    strict=True,
    reason="model v2: at quick size the secure-history adults' advantage with a new partner is not clear of zero "
    "(exploration +0.013 [-0.016, +0.042], seed 1); insecure-history adults "
    "keep exploring as a diversion (docs/model.md §9); reported in the issue notes",
)
def test_secure_history_adults_explore_more(result):
    s9 = [f for f in result.findings if f.claim == "S9"]
    assert len(s9) == 1
    assert clear_of_zero(s9[0])
    assert s9[0].verdict == "supported"  # exploration


def test_competence_gain_is_shown_not_judged(result):
    """Re-posed (issue 28): secure-history adults start at competence's ceiling, so no gain separates the histories
    from what was left to learn; the gains stay in the tables."""
    assert [f for f in result.findings if f.claim == "S9" and "competence" in f.statistic] == []
    adults = result.tables["adults_by_history"].set_index("history")
    assert adults.loc["secure history", "competence_at_start"] > adults.loc["insecure history", "competence_at_start"]
    assert {"competence_gain", "relative_competence_gain"} <= set(adults.columns)


def test_control_arm_is_unchanged_care(result):
    table = result.tables["by_age"]
    control = table[table["arm"] == study.CONTROL]
    assert (control["care_after"].to_numpy() == [study.HISTORIES[h] for h in control["history"]]).all()
    secure = table[(table["history"] == "secure history") & (table["arm"] == study.CONTROL)]
    assert (secure["model_share_secure_before"] > 0.8).all()


def test_security_is_read_by_the_instrument_valid_at_each_age(result):
    table = result.tables["by_age"]
    readouts = {(age, when): set(rows[f"readout_{when}"]) for age, rows in table.groupby("age_of_change_years")
                for when in study.WHEN}  # fmt: skip
    # 2 years: only the Q-sort is valid; 3 years: the reunion classification; 10 and 11: the Security Scale
    assert readouts == {
        (2.0, "before"): {"security-score"},
        (2.0, "after"): {"reunion"},
        (10.0, "before"): {"security-scale"},
        (10.0, "after"): {"security-scale"},
    }
    s8 = [f for f in result.findings if f.claim == "S8"]
    reunion = [f for f in s8 if "at 2 years" in f.statistic]
    scale = [f for f in s8 if "at 10 years" in f.statistic]
    assert all("share secure (B) on the reunion classification" in f.statistic for f in reunion)
    assert all(f.units == "share of children" and f.minimum_effect is study.S8_MINIMUM for f in reunion)
    assert all("mean security-scale score" in f.statistic for f in scale)
    assert all(f.minimum_effect is study.S8_SCORE_MINIMUM["security-scale"] for f in scale)
    assert study.S8_SCORE_MINIMUM["security-scale"].value == pytest.approx(0.1)


def test_histories_differ_as_read_at_the_change(result):
    table = result.tables["by_age"]
    before = table[table["arm"] == study.CONTROL].set_index(["age_of_change_years", "history"])["security_before"]
    for age in study.SIZES["quick"]["ages"]:
        assert before[(age, "secure history")] > before[(age, "insecure history")]


def test_the_readouts_are_the_instruments_not_the_model(result):
    """The reunion gives A/B/C/D (not the model's strategy names) and the Security Scale the mean of 15 items
    answered in whole points from 1 to 4, for every arm."""
    children = result.tables["children"]
    at_2, at_10 = children[children["age_of_change_years"] == 2.0], children[children["age_of_change_years"] == 10.0]
    assert set(at_2["class_after"]) <= {"A", "B", "C", "D"}
    assert set(at_2["security_after"]) <= {0.0, 1.0}
    assert (at_2["security_after"] == (at_2["class_after"] == "B")).all()
    scores = at_10["security_after"].to_numpy()
    assert np.allclose(scores * 15, np.rint(scores * 15))
    assert scores.min() >= 1.0
    assert scores.max() <= 4.0
    assert at_2["security_before"].between(-1.0, 1.0).all()  # the Q-sort score at 2 years


def test_arms_are_measured_with_the_same_draws(result):
    """A child read the same way by the model in two arms gets the same class from the coder in both."""
    children = result.tables["children"]
    rows = children[(children["age_of_change_years"] == 2.0) & (children["history"] == "insecure history")]
    change = rows[rows["arm"] == "change"].set_index("child")
    replace = rows[rows["arm"] == "replace"].set_index("child")
    both = change["model_secure_after"] & replace["model_secure_after"]
    assert both.sum() > 50
    assert (change.loc[both, "class_after"] == replace.loc[both, "class_after"]).all()
    assert set(change["class_after"]) <= {"A", "B", "C", "D"}


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("quick", {2.0: ("security-score", "reunion"), 10.0: ("security-scale", "security-scale")}),
        (
            "full",
            {
                2.0: ("security-score", "reunion"),
                6.0: ("reunion", "security-scale"),
                10.0: ("security-scale", "security-scale"),
                15.0: ("state-of-mind", "state-of-mind"),
            },
        ),
    ],
)
def test_no_readout_day_of_either_size_falls_in_a_gap(size, expected):
    s = study.SIZES[size]
    found = {
        age: tuple(study.readout_at(day) for day in study.readout_days(age, s["follow_up"]).values())
        for age in s["ages"]
    }
    assert found == expected
    assert "general working model, not the caregiver's" in study.what_is_read("state-of-mind")


@pytest.fixture
def small():
    scenario = study.scenario(5, "quick")
    simulation = Simulation(scenario, seed=3, params=SHIPPED.params, kernel=KERNEL)
    run_until(simulation, 20, NoProgress())
    return simulation


def test_change_keeps_the_working_model_and_replace_starts_from_the_prior(small):
    who = np.array([0, 6])
    k = small.figures.index(study.CAREGIVER)
    trust_before = small.children.trust[:, k].copy()
    study.set_care(small, who, "rejecting")
    rejecting = preset_means("rejecting")
    responsive = preset_means("responsive")
    for name in FIGURE_TRAITS:
        values = getattr(small.figures, name)[:, k]
        assert np.allclose(values[who], rejecting[name])
        assert np.isclose(values[1], responsive[name])  # a secure-history child not named keeps its care
    assert np.array_equal(small.children.trust[:, k], trust_before)
    assert not np.allclose(small.children.trust[who, k], small.children.prior_trust[who])
    study.new_caregiver(small, who, "rejecting")
    assert np.allclose(small.children.trust[who, k], small.children.prior_trust[who])
    assert np.allclose(small.children.gain[who, k], small.children.prior_gain[who])
    assert np.array_equal(small.children.trust[1, k], trust_before[1])


def test_readouts_are_scheduled_on_the_day_of_the_change_and_at_the_end_of_the_follow_up():
    s = study.SIZES["quick"]
    simulation = Simulation(study.scenario(5, "quick"), seed=3, params=SHIPPED.params, kernel=KERNEL)
    study.schedule_readouts(simulation, s["ages"], s["follow_up"], SHIPPED)
    days = {item.name: set(item.day.tolist()) for item in simulation.schedules}
    for age in s["ages"]:
        for when, day in study.readout_days(age, s["follow_up"]).items():
            assert days[f"observed {when} {age:g}"] == days[f"model {when} {age:g}"] == {day}
    assert days["observed before 2"] == {study.day_of_age(2.0)}
    assert days["observed after 2"] == {study.day_of_age(2.0) + 365}


def test_partner_is_joined_at_the_adult_age_and_the_parent_leaves():
    scenario = study.scenario(5, "quick")
    adult_day = study.day_of_age(study.SIZES["quick"]["adult_age"])
    assert scenario.figures[1].from_day == adult_day
    assert scenario.events[0].kind == "leave"
    assert scenario.event_day(scenario.events[0]) == adult_day
