"""The moment time scale runs the same step: a separation and reunion on children with a history."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIPPED, small

import securebase
from securebase.engine.moments import Segment, run_moments

PROCEDURE = [
    Segment("together", 3, ("parent",), stress_per_minute=0.02),
    Segment("apart", 3, (), stress_per_minute=0.1),
    Segment("reunion", 3, ("parent",), stress_per_minute=0.02),
]


@pytest.fixture(scope="module")
def secure_infants() -> securebase.Simulation:
    simulation = securebase.Simulation(
        small("responsive-care", n_children=200, days=300), seed=2, params=SHIPPED.params
    )
    simulation.run()
    return simulation


def test_separation_raises_anxiety_and_reunion_brings_comfort(secure_infants):
    before = secure_infants.children.anxiety.copy()
    steps, _ = run_moments(
        secure_infants.children, secure_infants.figures, PROCEDURE, np.random.default_rng(0), secure_infants.params
    )
    by_segment = steps.groupby("segment", sort=False).mean(numeric_only=True)
    assert by_segment.loc["apart", "anxiety"] > by_segment.loc["together", "anxiety"] + 0.03
    assert by_segment.loc["apart", "exploration"] < by_segment.loc["together", "exploration"] - 0.05
    assert by_segment.loc["apart", "bidding"] == 0.0  # nobody there to bid to
    assert by_segment.loc["reunion", "bidding"] > by_segment.loc["together", "bidding"]
    reunion = steps[steps["segment"] == "reunion"]
    assert reunion["anxiety"].iloc[-1] < reunion["anxiety"].iloc[0]
    np.testing.assert_array_equal(secure_infants.children.anxiety, before)  # observing changes nothing


def test_unknown_figure_in_a_segment_is_an_error(secure_infants):
    with pytest.raises(ValueError, match="unknown figures"):
        run_moments(
            secure_infants.children,
            secure_infants.figures,
            [Segment("x", 1, ("stranger",))],
            np.random.default_rng(0),
            secure_infants.params,
        )
