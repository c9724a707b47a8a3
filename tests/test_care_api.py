"""The engine's API for changes of care (engine/care.py, Simulation.fork/change_care/replace_figure/add_figure/
remove_figure/random_ages/schedule): per-child timing, common random numbers, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from securebase.calibration.calibration import Calibration
from securebase.engine.care import CareError
from securebase.engine.simulation import Simulation
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.scenario.schema import Scenario

PARAMS = Calibration.shipped().params


def small(n: int = 6, days: int = 30, start_age_years: float = 1.0) -> Scenario:
    return Scenario(
        name="care-api",
        population={"n_children": n, "start_age_years": start_age_years, "history": "none"},
        figures=[{"name": "parent", "caregiving": "normative", "availability": {"home": 0.9}}],
        schedule={"days": days, "episodes_per_day": 4},
    )


def warmth_column(children, figures, rng) -> pd.DataFrame:
    """An 'instrument' that reads the parent's warmth (and draws a number, to show its generator is its own)."""
    return pd.DataFrame({"child": np.arange(children.n), "value": figures.warmth[:, 0], "draw": rng.random(children.n)})


def step_days(simulation: Simulation, days: int) -> list[np.ndarray]:
    seen = []
    for _ in range(days):
        simulation.step()
        seen.append(simulation.figures.warmth[:, 0].copy())
    return seen


@pytest.mark.parametrize("kernel", ["cpu", "readable"])
def test_each_child_is_changed_on_its_own_day(kernel: str) -> None:
    simulation = Simulation(small(n=3, days=12), seed=1, params=PARAMS, kernel=kernel)
    before = simulation.figures.warmth[:, 0].copy()
    days = np.array([2, 5, 9])
    simulation.change_care("parent", {"warmth": 0.99}, who=[0, 1, 2], from_age_years=1.0 + days / DAYS_PER_YEAR,
                           until_age_years=1.0 + (days + 2) / DAYS_PER_YEAR)  # fmt: skip
    seen = step_days(simulation, 12)  # seen[d]: the warmth on day d
    for child, first in enumerate(days):
        for day in range(12):
            expected = 0.99 if first <= day < first + 2 else before[child]
            assert seen[day][child] == pytest.approx(expected), (child, day)


def test_a_ramp_moves_a_step_a_day_and_logit_shifts_stay_proportions() -> None:
    simulation = Simulation(small(n=2, days=8), seed=2, params=PARAMS)
    base = simulation.figures.sensitivity[:, 0].copy()
    simulation.change_care("parent", {"sensitivity": 0.9}, who=[0], from_age_years=1.0 + 2 / DAYS_PER_YEAR,
                           ramp_days=4)  # fmt: skip
    simulation.change_care("parent", {"sensitivity": 50.0}, who=[1], mode="logit")
    for day in range(8):
        simulation.step()
        weight = min(max(day - 1, 0), 4) / 4
        assert simulation.figures.sensitivity[0, 0] == pytest.approx(base[0] + weight * (0.9 - base[0]))
    assert base[1] < simulation.figures.sensitivity[1, 0] <= 1.0


def test_a_placement_starts_a_new_relationship_on_each_childs_day() -> None:
    simulation = Simulation(small(n=4, days=20), seed=3, params=PARAMS)
    ages = 1.0 + np.array([3, 3, 11, 15]) / DAYS_PER_YEAR
    simulation.replace_figure("parent", who=[0, 1, 2, 3], at_age_years=ages, traits={"warmth": 0.1})
    for day in range(20):
        simulation.step()
        due = np.array([3, 3, 11, 15]) <= day
        assert np.all((simulation.figures.warmth[:, 0] == 0.1) == due), day
        if day in (3, 11, 15):  # on the day itself the relationship began from the prior, then lived one day
            placed = np.flatnonzero(np.array([3, 3, 11, 15]) == day)
            assert np.all(simulation.children.known[placed, 0])


@pytest.mark.parametrize("kernel", ["cpu", "readable"])
def test_a_null_fork_lives_exactly_the_days_of_its_parent(kernel: str) -> None:
    main = Simulation(small(n=20, days=20), seed=4, params=PARAMS, kernel=kernel)
    step_days(main, 5)
    twin = main.fork()
    changed = main.fork()
    changed.change_care("parent", {"warmth": 0.2}, who=[0, 1])
    for simulation in (main, twin, changed):
        simulation.run()
    a, b, c = main.results(), twin.results(), changed.results()
    for table in ("summary", "children", "child_figures"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    # the change reaches only the children named: every other child lives the same days on the same numbers
    pd.testing.assert_frame_equal(a.children.iloc[2:], c.children.iloc[2:])
    assert not a.children.iloc[:2].equals(c.children.iloc[:2])


def test_measurements_at_per_child_ages_are_tidy_and_reproducible() -> None:
    def run() -> pd.DataFrame:
        simulation = Simulation(small(n=5, days=10), seed=5, params=PARAMS)
        simulation.schedule("warmth", warmth_column, who=[1, 3], at_age_years=1.0 + np.array([2, 10]) / DAYS_PER_YEAR)
        simulation.run()
        return simulation.results().measurements

    table = run()
    assert table["child"].tolist() == [1, 3]
    assert table["day"].tolist() == [2, 10]  # day 10 is the end of the run: the state the last day left
    assert table["age_years"].to_numpy() == pytest.approx(1.0 + np.array([2, 10]) / DAYS_PER_YEAR)
    pd.testing.assert_frame_equal(table, run())


def test_adding_and_removing_a_figure() -> None:
    simulation = Simulation(small(n=4, days=10), seed=6, params=PARAMS)
    simulation.add_figure("teacher", availability=(0.0, 0.0), who=[], caregiving="normative")
    assert simulation.figures.names == ("parent", "teacher")
    assert simulation.children.trust.shape == (4, 2)
    simulation.add_figure("teacher", who=[0, 1], at_age_years=1.0 + 3 / DAYS_PER_YEAR, caregiving="normative")
    simulation.remove_figure("parent", who=[2], at_age_years=1.0 + 4 / DAYS_PER_YEAR)
    simulation.run()
    assert simulation.figures.active[:, 1].tolist() == [True, True, False, False]
    assert simulation.figures.active[:, 0].tolist() == [True, True, False, True]


def test_life_event_ages_are_drawn_per_child_and_reproducibly() -> None:
    def ages() -> tuple[np.ndarray, np.ndarray]:
        simulation = Simulation(small(n=200, days=365), seed=7, params=PARAMS)
        return simulation.random_ages("uniform", 1.2, 1.8, probability=0.5)

    who, at = ages()
    again_who, again_at = ages()
    assert np.array_equal(who, again_who)
    assert np.array_equal(at, again_at)
    assert 60 < who.size < 140
    assert np.all((at >= 1.2) & (at < 1.8))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda s: s.change_care("nobody", {"warmth": 0.5}), "figure has value 'nobody'"),
        (lambda s: s.change_care("parent", {"kindness": 0.5}), "traits has 'kindness'"),
        (lambda s: s.change_care("parent", {"warmth": 0.5}, from_age_years=3.0), "before the run ends"),
        (lambda s: s.change_care("parent", {"warmth": 0.5}, from_age_years=0.5), "not passed yet"),
        (lambda s: s.change_care("parent", {"rupture_rate": 1.0}, mode="logit"), "expected a proportion"),
        (lambda s: s.schedule("x", warmth_column, at_age_years=2.0), "age at the end of the run"),
    ],
)
def test_bad_changes_are_refused_naming_the_argument(call, fragment: str) -> None:
    simulation = Simulation(small(), seed=0, params=PARAMS)
    with pytest.raises(CareError, match=fragment):
        call(simulation)


def test_contradicting_windows_are_refused_and_a_later_change_for_good_supersedes() -> None:
    simulation = Simulation(small(n=3, days=30), seed=0, params=PARAMS)
    age = 1.0 + np.array([2.0, 10.0]) / DAYS_PER_YEAR
    simulation.change_care("parent", {"warmth": 0.9}, who=[0], from_age_years=age[0], until_age_years=age[1])
    with pytest.raises(CareError, match="overlaps an earlier change"):
        simulation.change_care("parent", {"warmth": 0.1}, who=[0], from_age_years=1.0 + 5 / DAYS_PER_YEAR)
    simulation.change_care("parent", {"sensitivity": 0.9}, who=[0], from_age_years=1.0 + 5 / DAYS_PER_YEAR)
    simulation.change_care("parent", {"sensitivity": 0.2}, who=[0], from_age_years=1.0 + 8 / DAYS_PER_YEAR)
    simulation.run()
    assert simulation.figures.sensitivity[0, 0] == pytest.approx(0.2)
