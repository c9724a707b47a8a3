"""Strategies emerge from experience (S12): no strategy is ever an input.

Four populations from birth, each with one kind of care, end mostly in the
strategy attachment theory predicts for it.
"""

from __future__ import annotations

import pytest
from helpers import small

import securebase

EXPECTED = {
    "responsive-care": "secure",
    "rejecting-care": "avoidant",
    "intermittent-care": "ambivalent",
    "frightening-care": "disorganised",
}

#: children per population, by the size of the slow tests (conftest.py: --slow-size)
CHILDREN = {"small": 400, "full": 2000}


@pytest.mark.slow
@pytest.mark.parametrize(("scenario", "strategy"), EXPECTED.items())
def test_care_pattern_produces_its_strategy(scenario, strategy, slow_size):
    results = securebase.simulate(small(scenario, n_children=CHILDREN[slow_size], days=540), seed=11)
    shares = results.children["strategy"].value_counts(normalize=True)
    assert shares.get(strategy, 0.0) > 0.6, shares.to_dict()


def test_the_scenario_schema_has_no_strategy_input():
    """Nothing a scenario can say assigns a strategy."""
    from securebase.scenario.schema import Caregiving, FigureSpec, Population, Scenario

    for model in (Scenario, Population, FigureSpec, Caregiving):
        assert not any("strateg" in name for name in model.model_fields)
