"""Same seed, same numbers; different seed, different numbers; a resumed run equals an uninterrupted one."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import SHIPPED

import securebase
from securebase.engine.simulation import Simulation


def test_same_seed_gives_identical_tables(tiny_school_year):
    first = securebase.simulate(tiny_school_year, seed=42)
    second = securebase.simulate(tiny_school_year, seed=42)
    for name, table in first.tables().items():
        pd.testing.assert_frame_equal(table, second.tables()[name], check_exact=True, obj=name)


def test_different_seeds_differ(tiny_school_year):
    first = securebase.simulate(tiny_school_year, seed=1).children
    second = securebase.simulate(tiny_school_year, seed=2).children
    assert not first["anxiety"].equals(second["anxiety"])


def test_resume_from_checkpoint_matches_uninterrupted(tiny_school_year, tmp_path):
    uninterrupted = securebase.simulate(tiny_school_year, seed=9)
    simulation = Simulation(tiny_school_year, seed=9, params=SHIPPED.params)
    for _ in range(130):  # part way through the history
        simulation.step()
    checkpoint = tmp_path / "checkpoint.pkl"
    simulation.save(checkpoint)
    del simulation
    resumed = Simulation.resume(checkpoint).run()
    for name, table in uninterrupted.tables().items():
        pd.testing.assert_frame_equal(table, resumed.tables()[name], check_exact=True, obj=name)


def test_one_child_runs_the_same_code():
    scenario = securebase.load_scenario("responsive-care")
    scenario = scenario.model_copy(
        update={
            "population": scenario.population.model_copy(update={"n_children": 1}),
            "schedule": scenario.schedule.model_copy(update={"days": 30}),
        }
    )
    results = securebase.simulate(scenario, seed=0)
    assert len(results.children) == 1
    assert len(results.summary) == 30


@pytest.mark.parametrize("name", securebase.preset_scenarios())
def test_every_built_in_scenario_runs_at_a_small_size(name):
    scenario = securebase.load_scenario(name)
    scenario = scenario.model_copy(
        update={"population": scenario.population.model_copy(update={"n_children": 20, "start_age_years": 0.1})}
    )
    scenario = scenario.model_copy(update={"schedule": scenario.schedule.model_copy(update={"days": 10})})
    results = securebase.simulate(scenario, seed=0)
    assert len(results.children) == 20
