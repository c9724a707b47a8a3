"""Model v3 part 2, memory (issue 25 items 1 and 2; docs/model.md §7a): the mechanisms through the one step.

The prototype and the evidence are exercised through ``model.step.end_of_day`` and ``model.step.episode`` run
uncompiled on tiny populations (the compiled kernels equal them: tests/test_kernels.py), so each test reads the
mechanism as every timeline runs it.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.model import working_model as wm
from securebase.model.state import new_children
from securebase.model.step import age_tables, constants, end_of_day
from securebase.model.timescale import DAYS_PER_YEAR

PARAMS = SHIPPED.params
MEASURE_CHANGE = Path(__file__).resolve().parents[1] / "calibration-runs" / "measure_change.py"
TABLES = age_tables(PARAMS)
DAY = constants(PARAMS, 1.0)


def months(m: float) -> int:
    return round(m * DAYS_PER_YEAR / 12)


def live_days(children, days: range, set_models) -> None:
    """Run the daily learning of every child over ``days``, ``set_models(rel, day)`` setting the working models."""
    child, rel = children.arrays()
    for day in days:
        children.age_days[:] = day
        set_models(rel, day)
        for i in range(children.n):
            end_of_day(i, child, rel, TABLES, DAY)


def one_figure(trust_of_day):
    def set_models(rel, day):
        rel.trust[:, 0] = trust_of_day(day)

    return set_models


def prototype_after_change(change_month: float, read_month: float = 48, before: float = 0.1, after: float = 0.9):
    """The prototype's trust at ``read_month`` for a working model at ``before`` until ``change_month``, then
    ``after`` (one figure, evidence held constant: the prototype alone)."""
    children = new_children(1, 1)
    children.known[:] = True
    children.evidence[:] = 100.0
    change = months(change_month)
    live_days(children, range(months(read_month)), one_figure(lambda day: before if day < change else after))
    return float(children.prior_trust[0])


def test_the_timing_of_a_change_of_care_shapes_the_prototype_at_48_months() -> None:
    """An earlier change from poor to good care leaves the prototype nearer the good care; a later one leaves more
    of the early history (issue 25: model v2d gave the same child at 48 months for a change at 6, 18 or 30 months:
    its prior forgot with a time constant of about two months)."""
    at = {m: prototype_after_change(m) for m in (6, 18, 30)}
    assert at[6] > at[18] + 0.1 > at[30] + 0.2
    assert 0.1 < at[30] < 0.9  # neither frozen at the early history nor erased by the later care


def test_stability_of_the_prototype_levels_off_above_zero() -> None:
    """The share of the prototype that early experience keeps falls with time but stays well above zero (Fraley
    2002's prototype form): a first 18 months at 0 and good care (1) after leave the prototype below 1 at 19 years,
    and the later decade moves it less than the earlier one."""
    children = new_children(1, 1)
    children.known[:] = True
    children.evidence[:] = 100.0
    first = months(18)
    early_left = {}
    start = 0
    for year in (4, 10, 19):
        end = round(year * DAYS_PER_YEAR)
        live_days(children, range(start, end), one_figure(lambda day: 0.0 if day < first else 1.0))
        early_left[year] = 1.0 - float(children.prior_trust[0])
        start = end
    assert early_left[4] > early_left[10] > early_left[19] > 0.05
    assert (early_left[4] - early_left[10]) / 6 > (early_left[10] - early_left[19]) / 9


def test_a_figure_generalises_to_the_prototype_in_proportion_to_the_evidence_it_rests_on() -> None:
    """Two figures whose working models differ: the prototype settles nearer the one resting on more evidence
    (contact); a figure with no evidence does not move it (model v2d: a plain mean over known figures)."""
    children = new_children(2, 2)
    children.known[:] = True

    def set_models(rel, day):
        rel.trust[:, 0], rel.trust[:, 1] = 0.2, 0.8
        rel.evidence[0] = (300.0, 100.0)
        rel.evidence[1] = (300.0, 0.0)

    live_days(children, range(8 * 365), set_models)
    # 300 : 100 of evidence: the prototype heads for 0.35, never the plain mean 0.5
    assert children.prior_trust[0] == pytest.approx(0.35, abs=0.02)
    assert children.prior_trust[1] == pytest.approx(0.2, abs=0.02)


def test_a_figure_seen_half_as_often_rests_on_about_half_the_evidence() -> None:
    evidence = {}
    for name, per_day in (("daily", 6.0), ("half", 3.0)):
        e = 0.0
        for _ in range(4 * 365):
            e = wm.forget_evidence(wm.add_evidence(e, per_day), 1.0, PARAMS.evidence_memory_days)
        evidence[name] = e
    assert evidence["half"] / evidence["daily"] == pytest.approx(0.5, rel=0.01)
    assert evidence["daily"] == pytest.approx(6.0 / -math.expm1(-1.0 / PARAMS.evidence_memory_days) - 6.0, rel=0.01)


def test_an_estimate_is_read_by_its_lower_confidence_bound() -> None:
    p = PARAMS
    bounds = [wm.credible(0.7, e, p.prototype_weight, p.uncertainty_caution) for e in (0.0, 5.0, 50.0, 5000.0)]
    assert bounds == sorted(bounds)
    assert bounds[0] < 0.7 - 0.1
    assert bounds[-1] == pytest.approx(0.7, abs=0.01)
    assert wm.credible(0.7, 0.0, p.prototype_weight, 0.0) == 0.7
    assert wm.credible(0.05, 0.0, p.prototype_weight, 3.0) == 0.0  # never below 0


def test_miscues_of_an_insecure_prototype_draw_less_warmth_from_a_new_figure_only() -> None:
    p = PARAMS
    secure = wm.miscued_warmth(0.8, 0.0, 0.0, p.gain_limit, p.miscue)
    avoidant = wm.miscued_warmth(0.8, -1.5, 0.0, p.gain_limit, p.miscue)
    ambivalent = wm.miscued_warmth(0.8, 1.5, 0.0, p.gain_limit, p.miscue)
    familiar = wm.miscued_warmth(0.8, -1.5, 1.0, p.gain_limit, p.miscue)
    assert secure == familiar == 0.8
    assert avoidant == ambivalent < 0.8
    assert wm.miscued_warmth(0.8, -1.5, 0.5, p.gain_limit, p.miscue) > avoidant


def test_indiscriminate_approach_teaches_nothing_of_the_figure() -> None:
    """The part of a bid addressed to a stranger only through indiscriminate approach counts as no evidence of it
    (Zeanah et al. 2005: a risk, not a way to learn faster); a familiar figure's bid, or an infant's undirected
    one, teaches in full."""
    p = PARAMS
    stranger, undirected = 0.1, 0.0
    with_approach = wm.reach(stranger, undirected, 0.0, p.indiscriminate_approach)
    discriminating = wm.reach(stranger, undirected, 0.0, 0.0)
    assert wm.discriminating(discriminating, with_approach) == pytest.approx(stranger / with_approach)
    assert wm.discriminating(wm.reach(1.0, 0.0, 0.0, 0.0), wm.reach(1.0, 0.0, 0.0, 0.5)) == 1.0
    infant = wm.reach(0.0, 1.0, 0.0, 0.0)
    assert wm.discriminating(infant, wm.reach(0.0, 1.0, 0.0, p.indiscriminate_approach)) == 1.0


def test_the_sensitive_period_weighs_early_days_most_and_never_stops() -> None:
    s = TABLES.prototype_plasticity
    assert s[0] == 1.0
    assert s[months(18)] < s[months(6)] < 1.0
    assert s[-1] == pytest.approx(PARAMS.prototype_plasticity_floor, abs=1e-6)
    assert s[-1] > 0.0
    assert wm.prototype_rate(1.0, 0.0, PARAMS.prior_rate_per_day) == pytest.approx(
        1.0 / (1.0 / PARAMS.prior_rate_per_day + 1.0)
    )


def test_meeting_a_figure_starts_its_evidence_at_zero() -> None:
    from securebase.model.state import meet

    children = new_children(2, 2)
    children.evidence[:] = 9.0
    meet(children, np.array([[True, False], [False, False]]))
    assert children.evidence.tolist() == [[0.0, 9.0], [9.0, 9.0]]


def test_through_the_simulation_an_earlier_change_to_good_care_leaves_a_better_prototype_at_48_months() -> None:
    """The whole path (the engine's days and episodes, evidence from real contact): rejecting care from birth
    turned responsive at 6, 18 or 30 months, forks of one population read at 48 months. The earlier the change,
    the more the child expects of a new figure (its prototype); a new carer and the same carer changed differ
    (calibration-runs/2026-12-07-model-v3p2-memory-change.txt has the full-size figures)."""
    from securebase.engine.simulation import Simulation
    from securebase.scenario.caregiving import preset_means
    from securebase.scenario.schema import Scenario
    from securebase.studies.base import NoProgress
    from securebase.studies.running import KERNEL, run_until

    scenario = Scenario(
        name="memory-timing",
        population={"n_children": 12, "start_age_years": 0.0},
        figures=[{"name": "parent", "caregiving": "rejecting", "availability": {"home": 0.9}}],
        schedule={"days": months(48) + 1},
    )
    main = Simulation(scenario, seed=3, params=PARAMS, kernel=KERNEL)
    everyone = np.arange(12)
    prior = {}
    for month in (6, 18, 30):
        run_until(main, months(month), NoProgress())
        for kind in ("change", "replace"):
            branch = main.fork()
            if kind == "change":
                branch.change_care("parent", preset_means("responsive"), who=everyone)
            else:
                branch.replace_figure("parent", who=everyone, traits=preset_means("responsive"))
            run_until(branch, months(48), NoProgress())
            prior[(month, kind)] = branch.children.prior_trust.copy()
    for kind in ("change", "replace"):
        assert (prior[(6, kind)] > prior[(18, kind)] + 0.05).all()
        assert (prior[(18, kind)] > prior[(30, kind)] + 0.05).all()
    assert not np.allclose(prior[(18, "change")], prior[(18, "replace")], rtol=0, atol=1e-4)


def test_a_secure_teacher_raises_what_the_child_expects_of_the_next_one() -> None:
    """Evidence from a teacher generalises to the prototype in proportion to contact: after two years with a
    responsive teacher (a third of the child's episodes, 5 to 7 years) the child expects more of the next teacher
    than after a rejecting one, paired per child (full size: +.0038 [+.0036, +.0039] against the drawn teacher,
    calibration-runs/2026-12-07-model-v3p2-memory-change.txt)."""
    from securebase.engine.simulation import Simulation
    from securebase.scenario.caregiving import preset_means
    from securebase.studies.base import NoProgress
    from securebase.studies.running import KERNEL, run_until

    spec = importlib.util.spec_from_file_location("measure_change", MEASURE_CHANGE)
    measure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(measure)
    n = 16
    first, second, _ = (round(y * DAYS_PER_YEAR) for y in measure.TEACHER_YEARS)
    main = Simulation(measure.teacher_scenario(n), seed=5, params=PARAMS, kernel=KERNEL)
    run_until(main, first, NoProgress())
    expected = {}
    for preset in ("responsive", "rejecting"):
        branch = main.fork()
        branch.change_care("teacher", preset_means(preset), who=np.arange(n))
        run_until(branch, second + 14, NoProgress())
        expected[preset] = branch.children.trust[:, branch.figures.index("next_teacher")].copy()
    assert (expected["responsive"] > expected["rejecting"]).all()
