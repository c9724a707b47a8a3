"""Model v3, part 2 (issue 25, items 3 and 4): fear of a figure learned over months, and care that drifts.

The mechanisms' functions (model/fright.py, model/drift.py), the step's use of them through the driver, and the
day's drift from the counter-based stream. The readable and compiled paths agree on them in tests/test_kernels.py
(its random populations carry an alarm history and a drift), the GPU's under the simulator there too.
"""

from __future__ import annotations

import copy
import math
import re

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.engine import records
from securebase.engine.days import developmental_day
from securebase.engine.driver import Driver
from securebase.engine.kernels import elementwise
from securebase.engine.uniforms import UniformStream, draw
from securebase.model.drift import drift_persistence, drift_step, drifted, normal_deviate
from securebase.model.fright import extinction_with_history, forget_alarm, history_after_repair, remember_alarm
from securebase.model.parameters import ModelParameters
from securebase.model.ruptures import repair_effectiveness
from securebase.model.state import FIGURE_TRAITS, Figures, check_ranges, meet, new_children
from securebase.model.timescale import MINUTES_PER_DAY


def one_figure(n: int, **traits: float) -> Figures:
    values = {name: np.full((n, 1), 0.5) for name in FIGURE_TRAITS}
    values.update({name: np.full((n, 1), value) for name, value in traits.items()})
    return Figures(names=("parent",), availability=np.ones((1, 2)), active=np.ones((n, 1), bool), **values)


# ---- fear learned over months ---------------------------------------------------------------------------------


def test_a_longer_history_of_alarm_slows_extinction() -> None:
    rates = [extinction_with_history(1.5, history, 30.0) for history in (0.0, 10.0, 30.0, 300.0)]
    assert rates[0] == 1.5
    assert rates == sorted(rates, reverse=True)
    assert math.isclose(rates[2], 0.75)  # half speed at the scale


def test_alarm_is_remembered_by_dose_and_forgotten_over_months() -> None:
    assert remember_alarm(2.0, 0.6) == pytest.approx(2.6)
    assert forget_alarm(10.0, 365.0, 365.0) == pytest.approx(10.0 / math.e)
    assert forget_alarm(10.0, 1.0, 365.0) > 9.9  # a day forgets almost nothing


def fear_after_calm_days(history: float, days: int, params: ModelParameters) -> np.ndarray:
    """Children afraid of a figure that no longer alarms, each with the alarm history given, after ``days`` days
    with it (the developmental day on the driver): their fear of it."""
    n = 200
    children = new_children(n, 1, age_days=365.0)
    meet(children, np.ones((n, 1), bool))
    children.familiarity[:] = 1.0
    children.trust[:] = 0.6
    children.fear[:] = 0.5
    children.alarm_history[:] = history
    figures = one_figure(n, anomalous_rate=0.0, rupture_rate=0.0, repair_propensity=1.0, sensitivity=0.7,
                         warmth=0.7, reliability=0.8, consistency=0.8)  # fmt: skip
    driver = Driver("cpu")
    population = driver.population(children, figures, records.ChildTotals.empty(n))
    stream = UniformStream(key=3)
    for _ in range(days):
        driver.drive(developmental_day(population, np.zeros(8, np.int8), stream, params, False))
    check_ranges(children, params.gain_limit)
    return children.fear[:, 0]


def test_a_child_with_a_long_history_of_alarm_keeps_its_fear_longer() -> None:
    """The same fear, the same calm figure, the same random numbers: the longer history keeps more fear, and the
    history itself has faded a little (forgotten over months), not gone."""
    params = SHIPPED.params
    short = fear_after_calm_days(0.0, 20, params)
    long = fear_after_calm_days(300.0, 20, params)
    assert long.mean() > 2 * short.mean()
    assert np.all(long >= short)


def test_without_a_history_fear_follows_the_old_extinction() -> None:
    """A history scale no history reaches is the model before part 2: fear of a calm figure falls as fast with a
    history as without one."""
    params = SHIPPED.params.with_changes(alarm_history_scale=1e12)
    np.testing.assert_allclose(fear_after_calm_days(300.0, 5, params), fear_after_calm_days(0.0, 5, params),
                               rtol=1e-6)  # 3e-10 of a history per step, over 40 steps  # fmt: skip


def test_an_alarming_moment_adds_its_fright_to_the_history_and_a_repair_takes_part_back() -> None:
    params = SHIPPED.params.with_changes(care_drift_sd_logit=0.0)
    n = 300
    children = new_children(n, 1, age_days=400.0)
    meet(children, np.ones((n, 1), bool))
    children.familiarity[:] = 1.0
    figures = one_figure(n, anomalous_rate=2.0, anomalous_severity=0.8, rupture_rate=0.0, repair_propensity=0.0,
                         sensitivity=0.5)  # fmt: skip
    draws = draw(np.random.default_rng(1), n, 1)
    present = np.ones((n, 1), bool)
    attention = np.ones((n, 1))
    Driver("cpu").step(children, figures, present, attention, np.full(n, 0.3), draws.child, params, 0.25)
    alarmed = children.alarm_history[:, 0] > 0
    assert alarmed.any()
    assert not alarmed.all()
    # the history holds the fright: severity less what a half-sensitive figure soothes
    fright = 0.8 * (1 - params.sensitivity_moderation * 0.5)
    np.testing.assert_allclose(children.alarm_history[alarmed, 0], fright)
    # the alarm opened the relationship's adult rupture, which remembers it; a repair of it, due now, with the
    # figure there, takes that alarm back from the history as far as the repair works (its effectiveness)
    np.testing.assert_allclose(children.rupture_alarm[alarmed, 0], fright)
    before = children.alarm_history[alarmed, 0].copy()
    elapsed = children.rupture_elapsed_days[alarmed, 0] + 1e-6
    children.rupture_will_repair[:] = True
    children.rupture_due_days[:] = 0.0
    calm = one_figure(n, anomalous_rate=0.0, rupture_rate=0.0, sensitivity=0.5)
    Driver("cpu").step(children, calm, present, attention, np.zeros(n), draws.child, params, 1e-6)
    effectiveness = elementwise(repair_effectiveness)(elapsed * MINUTES_PER_DAY, params.repair_timescale_minutes)
    expected = before - effectiveness * fright
    assert np.all((expected < before) & (expected > 0))
    np.testing.assert_allclose(children.alarm_history[alarmed, 0], expected, rtol=1e-9)


def test_a_repair_takes_back_only_the_alarm_it_repairs() -> None:
    assert history_after_repair(10.0, 0.5, 1.0) == pytest.approx(9.5)
    assert history_after_repair(10.0, 0.5, 0.2) == pytest.approx(9.9)
    assert history_after_repair(0.3, 0.5, 1.0) == 0.0


# ---- care that drifts -----------------------------------------------------------------------------------------


def test_drifted_leaves_a_quality_alone_without_drift_and_moves_it_in_logit_units() -> None:
    assert drifted(0.7, 0.0) == 0.7
    assert drifted(0.0, 1.0) == 0.0
    assert drifted(1.0, -1.0) == 1.0
    assert drifted(0.5, math.log(3.0)) == pytest.approx(0.75)
    assert drifted(0.7, 0.5) > 0.7 > drifted(0.7, -0.5)


def test_the_drift_process_keeps_its_stationary_sd_and_its_timescale() -> None:
    """The exact discretisation, stepped daily from normal deviates made of uniforms: after many days the drift's
    sd across relationships is the stationary sd, and its autocorrelation over the timescale is 1/e."""
    rng = np.random.default_rng(0)
    n, sd, tau = 20_000, 0.48, 180.0
    persistence = drift_persistence(1.0, tau)
    deviate = elementwise(normal_deviate)  # the model's function, compiled as a ufunc
    values = np.zeros(n)
    for _ in range(900):  # five timescales: the start at 0 is forgotten (e^-5)
        values = drift_step(values, persistence, sd, deviate(rng.random(n), rng.random(n)))
    start = values.copy()
    for _ in range(int(tau)):
        values = drift_step(values, persistence, sd, deviate(rng.random(n), rng.random(n)))
    # sampling error of an sd over 20,000 values: about sd / sqrt(2n) = 0.0024; of a correlation about 0.006
    assert values.std() == pytest.approx(sd, abs=5 * sd / math.sqrt(2 * n))
    assert np.corrcoef(start, values)[0, 1] == pytest.approx(math.exp(-1.0), abs=5 / math.sqrt(n))


def lived_days(params: ModelParameters, days: int, n: int = 300, key: int = 9):
    children = new_children(n, 1, age_days=100.0)
    meet(children, np.ones((n, 1), bool))
    figures = one_figure(n, sensitivity=0.7, warmth=0.7, reliability=0.8, consistency=0.8, anomalous_rate=0.1,
                         rupture_rate=0.3)  # fmt: skip
    driver = Driver("cpu")
    population = driver.population(children, figures, records.ChildTotals.empty(n))
    stream = UniformStream(key=key)
    for _ in range(days):
        driver.drive(developmental_day(population, np.zeros(4, np.int8), stream, params, False))
    return children, figures, stream


def test_care_drifts_daily_from_the_stream_and_the_figures_traits_stay_the_drawn_level() -> None:
    params = SHIPPED.params
    children, figures, _ = lived_days(params, 60)
    drift = children.care_drift[:, 0]
    # sd after 60 days from 0: sd * sqrt(1 - e^(-2 * 60 / tau))
    expected = params.care_drift_sd_logit * math.sqrt(1 - math.exp(-120 / params.care_drift_timescale_days))
    assert drift.std() == pytest.approx(expected, rel=0.2)  # 300 relationships: the sd's error is about 4%
    assert np.all(figures.sensitivity == 0.7)
    again, _, _ = lived_days(params, 60)
    np.testing.assert_array_equal(again.care_drift, children.care_drift)  # one seed, the same drift


def test_no_drift_draws_no_numbers() -> None:
    """With no drift the day takes the numbers it took before part 2, so the drift stays 0 and the stream is where
    it was without the draw."""
    params = SHIPPED.params.with_changes(care_drift_sd_logit=0.0)
    children, _, stream = lived_days(params, 5, n=50)
    assert np.all(children.care_drift == 0.0)
    _drifting, _, drift_stream = lived_days(SHIPPED.params, 5, n=50)
    assert drift_stream.position - stream.position == 5 * 2 * 50


def test_drift_reaches_the_child_through_the_step() -> None:
    """The same children and numbers, care drifted down or up: the better-drifted care is answered warmly more."""
    params = SHIPPED.params.with_changes(care_drift_sd_logit=0.0)
    n = 4000
    results = {}
    for sign in (-1.0, 1.0):
        children = new_children(n, 1, age_days=400.0)
        meet(children, np.ones((n, 1), bool))
        children.familiarity[:] = 1.0
        children.care_drift[:] = sign * 1.0
        figures = one_figure(n, sensitivity=0.6, warmth=0.6, reliability=0.6, anomalous_rate=0.0, rupture_rate=0.0)
        draws = draw(np.random.default_rng(2), n, 1)
        record = Driver("cpu").step(
            copy.deepcopy(children), figures, np.ones((n, 1), bool), np.ones((n, 1)), np.full(n, 0.6), draws.child,
            params, 0.25,
        )  # fmt: skip
        results[sign] = record.warm.sum() / max(record.intensity.astype(bool).sum(), 1)
    assert results[1.0] > results[-1.0]


def test_a_new_relationship_starts_without_history_or_drift() -> None:
    children = new_children(3, 2)
    children.alarm_history[:] = 5.0
    children.care_drift[:] = 0.3
    mask = np.array([[True, False]] * 3)
    meet(children, mask)
    assert np.all(children.alarm_history[:, 0] == 0.0)
    assert np.all(children.alarm_history[:, 1] == 5.0)
    assert np.all(children.care_drift[:, 0] == 0.0)
    assert np.all(children.care_drift[:, 1] == 0.3)


@pytest.mark.parametrize("name", ["alarm_history_scale", "alarm_memory_days", "care_drift_timescale_days"])
def test_a_constant_that_divides_must_be_positive(name: str) -> None:
    with pytest.raises(ValueError, match=name):
        ModelParameters(**{name: 0.0})


def test_a_calibration_file_with_a_dividing_constant_at_zero_is_refused(tmp_path) -> None:
    """A clear one-line error naming the field and the value, not a traceback from ModelParameters."""
    from importlib import resources

    from securebase.calibration.calibration import Calibration, CalibrationError

    text = resources.files("securebase.calibration").joinpath("calibrated.toml").read_text("utf-8")
    path = tmp_path / "calibration.toml"
    written = re.sub(r"(?m)^alarm_memory_days = .*$", "alarm_memory_days = 0", text)
    assert written != text  # the shipped file sets it
    path.write_text(written, "utf-8")
    with pytest.raises(CalibrationError, match=r"model\.alarm_memory_days = 0"):
        Calibration.load(path)


# ---- halving a caregiver's alarm (issue 25's measurement; calibration-runs/measure_fear_drift.py at full size) ------

HALVED_AT_YEARS = 1.5


def fear_after_halving(alarm_from_years: float, read_days: tuple[int, ...], scale: float = 4.0) -> list[float]:
    """Mean fear of the caregiver on days after its alarm halves at 18 months: normative caregivers whose alarm
    (anomalous moments and losses of temper) is ``scale`` times their own from ``alarm_from_years``, then half that."""
    from securebase.engine.simulation import Simulation
    from securebase.scenario.schema import Scenario

    start = round(HALVED_AT_YEARS * 365.25)
    scenario = Scenario(
        name="halved",
        population={"n_children": 200, "start_age_years": 0.0},
        figures=[{"name": "parent", "caregiving": "normative", "availability": {"home": 0.9}}],
        schedule={"days": start + max(read_days) + 1},
    )
    simulation = Simulation(scenario, seed=4, params=SHIPPED.params)
    alarm = ("anomalous_rate", "rupture_rate")
    own = {name: getattr(simulation.figures, name)[:, 0].copy() for name in alarm}
    simulation.change_care(
        "parent", {name: scale * own[name] for name in alarm}, from_age_years=alarm_from_years or None,
        until_age_years=HALVED_AT_YEARS,
    )  # fmt: skip
    simulation.change_care("parent", {name: scale / 2 * own[name] for name in alarm}, from_age_years=HALVED_AT_YEARS)
    means = []
    for day in read_days:
        while simulation.day < start + day:
            simulation.step()
        means.append(float(simulation.children.fear[:, 0].mean()))
    return means


def test_a_longer_history_of_the_same_alarm_keeps_more_fear_after_it_halves() -> None:
    """Graded by history: the same alarm from birth or from 12 months, halved at 18 months; 100 days on, the longer
    history keeps more fear (before part 2 the two were equal: fear followed the dose alone)."""
    (from_birth,) = fear_after_halving(0.0, (100,))
    (from_one_year,) = fear_after_halving(1.0, (100,))
    assert from_birth > 1.1 * from_one_year


@pytest.mark.xfail(
    strict=True,
    reason="fear after the alarm halves settles within weeks, not months, at the part-1 constants: of the fall of "
    "mean fear over the year after a 4x-normative alarm halves, 82% comes in the first 30 days (n 400, seed 0: "
    ".219 -> .144 at 30 days -> .128 at 365; before part 2 100%: .096 -> .053, then flat). The slow part is the "
    "history's (forgotten over alarm_memory_days); the dose-following part keeps part 1's fast extinction "
    "(fear_extinction, fitted), which the next refit may slow",
)
def test_fear_falls_over_months_after_the_alarm_halves() -> None:
    at_change, at_month, at_year = fear_after_halving(0.0, (0, 30, 365))
    assert at_change > at_year
    assert (at_change - at_month) / (at_change - at_year) < 0.5
