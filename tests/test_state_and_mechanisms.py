"""State stays in its documented ranges; bids change with age; learning slows but never stops."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIPPED, one_figure, small
from hypothesis import given, settings
from hypothesis import strategies as st

import securebase
from securebase.engine.simulation import Simulation
from securebase.model import bids
from securebase.model.state import BID_TYPES, check_ranges
from securebase.model.timescale import DAYS_PER_YEAR, per_step, plasticity


@settings(max_examples=8, deadline=None)
@given(
    preset=st.sampled_from(sorted(securebase.caregiving_presets())),
    seed=st.integers(0, 1000),
    start_age=st.floats(0.0, 3.0),
)
def test_every_state_value_stays_in_range(preset, seed, start_age):
    simulation = Simulation(
        one_figure(preset, n_children=100, days=40, start_age_years=start_age), seed=seed, params=SHIPPED.params
    )
    for _ in range(40 + simulation.scenario.history_days):
        simulation.step()
        check_ranges(simulation.children, simulation.params.gain_limit)


def test_check_ranges_catches_a_value_out_of_range():
    simulation = Simulation(one_figure("normative", n_children=10, days=2), seed=0, params=SHIPPED.params)
    simulation.children.anxiety[3] = 1.2
    with pytest.raises(AssertionError, match="anxiety"):
        check_ranges(simulation.children, simulation.params.gain_limit)


def _bid_mix(age_years: float) -> np.ndarray:
    n = 20_000
    rng = np.random.default_rng(0)
    day, table = int(age_years * DAYS_PER_YEAR), bids.repertoire_by_day()
    chosen = [bids.bid_type(table, day, i, u) for i, u in zip(rng.uniform(0.2, 0.9, n), rng.random(n), strict=True)]
    return np.bincount(chosen, minlength=len(BID_TYPES)) / n


def test_bid_repertoire_moves_from_crying_to_approaching_and_words():
    infant, toddler, child = _bid_mix(0.2), _bid_mix(1.2), _bid_mix(5.0)
    crying, smiling, _reaching, approaching, verbal = range(len(BID_TYPES))
    assert infant[crying] + infant[smiling] > 0.8
    assert infant[approaching] < 0.01
    assert infant[verbal] < 0.001
    assert toddler[approaching] > toddler[crying]
    assert child[verbal] > 0.5
    assert child[crying] < infant[crying] / 4


def test_bids_are_recorded_by_type_in_the_outputs():
    results = securebase.simulate(small("responsive-care", n_children=100, days=400), seed=0)
    summary = results.summary
    first_month, last_month = summary.iloc[:30], summary.iloc[-30:]
    assert first_month["bids_crying"].sum() > first_month["bids_approaching"].sum()
    assert last_month["bids_approaching"].sum() > last_month["bids_crying"].sum()
    assert (results.children["bids"] == results.children[[f"bids_{t}" for t in BID_TYPES]].sum(axis=1)).all()


def test_plasticity_slows_with_age_and_never_stops():
    params = SHIPPED.params
    ages = np.array([0.0, 1.0, 5.0, 15.0, 40.0, 80.0]) * DAYS_PER_YEAR
    rates = plasticity(ages, params)
    assert np.all(np.diff(rates) < 0)
    assert rates[-1] >= params.plasticity_floor > 0


def test_per_step_rates_compound_to_the_episode_rate():
    rate = 0.3
    assert (1 - per_step(rate, 40)) ** 40 == pytest.approx(1 - rate)


#: children per change, by the size of the slow tests (conftest.py: --slow-size)
CHANGE_CHILDREN = {"small": 300, "full": 1000}


def _security_after_change(age_years: float, before: str, after: str, n_children: int) -> tuple[float, float]:
    """Share secure after two years of ``before`` care from ``age_years``, and two years after it changes.

    The children start at that age with a newborn's prior (no history), so the
    test is of plasticity at that age, not of childhood learning.
    """
    scenario = securebase.parse_scenario(
        f"""
name = "change"
[population]
n_children = {n_children}
start_age_years = {age_years}
history = "none"
[[figures]]
name = "parent"
caregiving = "{before}"
[[events]]
kind = "change"
figure = "parent"
day = 730
caregiving = "{after}"
[schedule]
days = 1460
"""
    )
    summary = securebase.simulate(scenario, seed=4).summary.set_index("day")
    return float(summary.loc[729, "share_secure"]), float(summary["share_secure"].iloc[-1])


@pytest.mark.slow
@pytest.mark.parametrize("age", [2.0, 14.0])
def test_security_can_be_gained_and_lost_at_any_age(age, slow_size):
    """S8: insecure children become secure when care improves, and secure ones insecure when it worsens."""
    n = CHANGE_CHILDREN[slow_size]
    before, after = _security_after_change(age, "rejecting", "responsive", n)
    assert after > before + 0.3, (before, after)
    before, after = _security_after_change(age, "responsive", "rejecting", n)
    assert after < before - 0.3, (before, after)
