"""The styles study (S12): contract, directions at quick size, and its blocks of pure care."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.engine.simulation import Simulation
from securebase.instruments.ssp_coding import CLASSES
from securebase.model.state import FIGURE_TRAITS
from securebase.studies import check_result, get_study
from securebase.studies import styles as study


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("styles")


def test_contract(result):
    check_result(get_study("styles"), result)


def test_each_pattern_produces_its_own_class_most(result):
    assert len(result.findings) == len(study.PATTERNS)
    assert [f.verdict for f in result.findings] == ["supported"] * len(study.PATTERNS)


def test_distribution_shares_sum_to_one_per_pattern(result):
    distribution = result.tables["distribution"]
    assert set(distribution["classification"]) == set(CLASSES)
    np.testing.assert_allclose(distribution.groupby("care_pattern")["share"].sum().to_numpy(), 1.0)
    children = result.tables["children"]
    assert (children.groupby("care_pattern").size() == study.SIZES["quick"]).all()


def test_blocks_get_the_traits_of_their_pattern():
    simulation = Simulation(study.scenario(n_per_pattern=2), seed=0, params=SHIPPED.params, kernel="cpu")
    assignment = study.assign_patterns(simulation, n_per_pattern=2)
    for preset in study.PATTERNS:
        rows = (assignment["care_pattern"] == preset).to_numpy()
        assert rows.sum() == 2
        for name, value in study.pattern_traits(preset).items():
            np.testing.assert_allclose(getattr(simulation.figures, name)[rows, 0], value)
    warmth = simulation.figures.warmth[:, 0]
    assert (
        warmth[assignment["care_pattern"] == "rejecting"].max()
        < warmth[assignment["care_pattern"] == "responsive"].min()
    )


def test_pure_patterns_are_fixed_numbers():
    for preset in study.PATTERNS:
        assert set(study.pattern_traits(preset)) == set(FIGURE_TRAITS)
    with pytest.raises(TypeError, match="not a fixed number"):
        study.pattern_traits("normative")
