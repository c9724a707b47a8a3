"""Events change the figures as documented; outputs carry the glossary's columns (Ctrl-C losing nothing: test_signals.py)."""

from __future__ import annotations

import numpy as np
from helpers import SHIPPED, small

import securebase
from securebase.engine.events import apply_event
from securebase.engine.simulation import Simulation

BASE = """
name = "events"
[population]
n_children = 400
start_age_years = 1.0
history = "none"
[[figures]]
name = "parent"
caregiving = "responsive"
availability = {{ home = 0.9 }}
{extra}
[schedule]
days = 60
"""


def _run(extra: str, seed: int = 0) -> Simulation:
    simulation = Simulation(securebase.parse_scenario(BASE.format(extra=extra)), seed=seed, params=SHIPPED.params)
    simulation.run()
    return simulation


def test_change_event_alters_care_for_a_period_and_restores_it():
    simulation = _run(
        """
[[events]]
kind = "change"
figure = "parent"
day = 10
until_day = 30
caregiving = "frightening"
"""
    )
    summary = simulation.results().summary.set_index("day")
    assert summary.loc[10:29, "adult_ruptures"].mean() > 5 * summary.loc[0:9, "adult_ruptures"].mean()
    assert summary.loc[31:, "adult_ruptures"].mean() < summary.loc[10:29, "adult_ruptures"].mean() / 5
    np.testing.assert_allclose(simulation.figures.rupture_rate, 0.2)  # restored


def test_replace_event_reaches_a_fraction_and_restarts_the_relationship():
    simulation = _run("")
    event = securebase.parse_scenario(
        BASE.format(
            extra='[[events]]\nkind = "replace"\nfigure = "parent"\nday = 5\ncaregiving = "rejecting"\nfraction = 0.5\n'
        )
    ).events[0]
    trust_before = simulation.children.trust[:, 0].copy()
    apply_event(event, simulation.figures, simulation.children, np.random.default_rng(0))
    replaced = simulation.figures.warmth[:, 0] == 0.1
    assert 0.4 < replaced.mean() < 0.6
    # a new person: the relationship starts from the child's prior; the others carry on
    np.testing.assert_array_equal(simulation.children.trust[replaced, 0], simulation.children.prior_trust[replaced])
    np.testing.assert_array_equal(simulation.children.trust[~replaced, 0], trust_before[~replaced])


def test_leave_event_removes_the_figure():
    simulation = _run('[[events]]\nkind = "leave"\nfigure = "parent"\nday = 30\n')
    summary = simulation.results().summary.set_index("day")
    assert summary.loc[31:, "bids"].sum() == 0
    assert summary.loc[:29, "bids"].sum() > 0
    assert not simulation.figures.active.any()


def test_tables_use_glossary_columns_and_counts_add_up(tiny_school_year):
    scenario = tiny_school_year.model_copy(
        update={"output": tiny_school_year.output.model_copy(update={"trajectories": True})}
    )
    results = securebase.simulate(scenario, seed=3)
    for column in ("anxiety", "felt_security", "exploration", "competence", "bids", "adult_ruptures", "repairs"):
        assert column in results.summary.columns
    assert {"trust", "fear", "strategy", "warmth", "sensitivity"} <= set(results.child_figures.columns)
    assert set(results.children["strategy"]) <= {*securebase.STRATEGIES, "none"}
    children = results.children
    assert (children["warm_responses"] <= children["responses"]).all()
    assert (children["responses"] <= children["bids"]).all()
    assert results.trajectories is not None
    assert results.trajectories["day"].nunique() == len(range(0, scenario.schedule.days, 7))
    assert len(results.summary) == scenario.schedule.days + scenario.history_days


def test_small_helper_keeps_scenario_valid():
    scenario = small("school-year", n_children=10, days=3)
    assert scenario.population.n_children == 10
