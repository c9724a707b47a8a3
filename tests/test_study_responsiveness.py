"""The responsiveness study (S1, S2): contract, directions at quick size, and its arm assignment."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIPPED, clear_of_zero

from securebase.engine.simulation import Simulation
from securebase.model.state import FIGURE_TRAITS, QUALITIES
from securebase.studies import check_result, get_study
from securebase.studies import responsiveness as study


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("responsiveness")


def test_contract(result):
    check_result(get_study("responsiveness"), result)


def test_each_quality_lowers_anxiety(result):
    s1 = [f for f in result.findings if f.claim == "S1"]
    assert len(s1) == len(QUALITIES)
    # the direction for each quality (consistency's slope is near its minimum effect at quick size)
    assert all(clear_of_zero(f) for f in s1)


def test_s1_minimum_is_what_its_reason_says():
    """5 points of anxiety from the lowest level studied to the highest (issue 28: the value said 5 points per unit)."""
    assert study.S1_MINIMUM.value == pytest.approx(0.05 / (max(study.LEVELS) - min(study.LEVELS)))
    assert f"{min(study.LEVELS):g} to {max(study.LEVELS):g}" in study.S1_MINIMUM.reason


def test_lower_anxiety_goes_with_security_exploration_and_learning(result):
    s2 = [f for f in result.findings if f.claim == "S2"]
    assert len(s2) == 3
    assert all(f.verdict == "supported" for f in s2)


def test_one_row_per_child_and_per_arm(result):
    children, arms = result.tables["children"], result.tables["arms"]
    assert len(arms) == len(study.arms())
    assert children["child"].is_unique
    assert (arms["n_children"] == len(children) // len(arms)).all()


def test_other_traits_fixed_at_normative_means():
    care = study.base_caregiving()
    assert care.warmth == pytest.approx(0.72)
    assert care.reliability == pytest.approx(0.78)
    assert all(isinstance(getattr(care, name), float) for name in FIGURE_TRAITS)


def test_each_block_gets_only_its_quality_changed():
    simulation = Simulation(study.scenario(n_per_arm=3, days=1), seed=0, params=SHIPPED.params, kernel="cpu")
    assignment = study.assign_arms(simulation, n_per_arm=3)
    figures = simulation.figures
    for quality in QUALITIES:
        mine = (assignment["quality"] == quality).to_numpy()
        values = getattr(figures, quality)[:, 0]
        np.testing.assert_allclose(values[mine], assignment["level"].to_numpy()[mine])
        base = getattr(study.base_caregiving(), quality)
        np.testing.assert_allclose(values[~mine], base)
