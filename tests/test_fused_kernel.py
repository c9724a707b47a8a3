"""The fused kernel computes the reference step: same seed, same outputs, within floating-point tolerance.

The tolerance (docs/model.md §1): NumPy's vectorised exp differs from the C
library's (numba's) in the last bit for a few percent of arguments, so values
may differ by rounding (measured: 2e-16 after one step, 1e-15 after 240 days);
every count, choice and flag must be identical.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from helpers import SHIPPED, small

from securebase.engine import fused
from securebase.engine.simulation import Simulation, simulate
from securebase.model import episode
from securebase.model.anxiety import need_magnitude
from securebase.model.caregiving import daily_attention
from securebase.model.state import HOME, SCHOOL

TOLERANCE = 1e-9


def _assert_same(reference: object, candidate: object, label: str) -> None:
    for name in reference.__dataclass_fields__:
        x, y = getattr(reference, name), getattr(candidate, name)
        assert x.dtype == y.dtype, f"{label}.{name}: dtype {y.dtype}, reference {x.dtype}"
        if np.issubdtype(x.dtype, np.floating):
            np.testing.assert_allclose(y, x, rtol=0, atol=TOLERANCE, err_msg=f"{label}.{name}")
        else:
            np.testing.assert_array_equal(y, x, err_msg=f"{label}.{name}")


@pytest.fixture(scope="module")
def lived_population() -> Simulation:
    """A mixed population a year and a half into life: ruptures pending, strategies forming."""
    scenario = small("school-year", n_children=3000, days=10, start_age_years=1.5)
    simulation = Simulation(scenario, seed=11, params=SHIPPED.params)
    while simulation.day < 1:  # day 0 brings the teacher
        simulation.step()
    return simulation


@pytest.mark.parametrize("steps_per_episode", [1.0, 240.0], ids=["developmental", "moment"])
@pytest.mark.parametrize("setting", [HOME, SCHOOL], ids=["home", "school"])
def test_one_step_agrees_with_the_reference(lived_population: Simulation, setting: int, steps_per_episode: float):
    children, figures, params = lived_population.children, lived_population.figures, lived_population.params
    n, k = children.trust.shape
    rng = np.random.default_rng(setting * 10 + int(steps_per_episode))
    bids = resolutions = 0
    for repeat in range(4):
        draws = episode.draw(rng, n, k)
        present = (draws.figure[0] < figures.availability[:, setting]) & figures.active
        need = need_magnitude(draws.child[0], params)
        attention = daily_attention(figures.consistency, rng.random((n, k)), params)
        dt_days = 1.0 / 8.0 / steps_per_episode
        expected, got = copy.deepcopy(children), copy.deepcopy(children)
        record = episode.step(expected, figures, present, attention, need, draws, params, dt_days, steps_per_episode)
        fused_record = fused.step(got, figures, present, attention, need, draws, params, dt_days, steps_per_episode)
        _assert_same(record, fused_record, f"record (step {repeat})")
        _assert_same(expected, got, f"children (step {repeat})")
        bids += int(np.count_nonzero(record.bid_type >= 0))
        resolutions += int(record.repairs.sum() + record.unrepaired.sum())
        children = expected
    # the comparison covered the branches: bids, and (a rupture falls due in a day, not a second) resolutions
    assert bids > 100
    assert resolutions > 0 or steps_per_episode > 1


def test_a_whole_run_agrees_with_the_reference():
    """Every table of a run from birth with history: counts identical, values within tolerance."""
    scenario = small("school-year", n_children=600, days=30, start_age_years=0.5)
    reference = simulate(scenario, seed=4, params=SHIPPED.params, kernel="numpy")
    candidate = simulate(scenario, seed=4, params=SHIPPED.params, kernel="fused")
    for table in ("summary", "relationships", "children", "child_figures"):
        x, y = getattr(reference, table), getattr(candidate, table)
        floats = x.select_dtypes("floating").columns
        pd.testing.assert_frame_equal(y.drop(columns=floats), x.drop(columns=floats), obj=table)
        np.testing.assert_allclose(y[floats], x[floats], rtol=0, atol=TOLERANCE, err_msg=table)


def test_the_fused_kernel_is_reproducible():
    scenario = small("school-year", n_children=300, days=5, start_age_years=0.5)
    first = simulate(scenario, seed=9, params=SHIPPED.params, kernel="fused")
    second = simulate(scenario, seed=9, params=SHIPPED.params, kernel="fused")
    pd.testing.assert_frame_equal(first.children, second.children)


def test_an_unknown_kernel_is_refused():
    with pytest.raises(ValueError, match="kernel must be one of"):
        Simulation(small("school-year", n_children=10, days=1), params=SHIPPED.params, kernel="gpu")
