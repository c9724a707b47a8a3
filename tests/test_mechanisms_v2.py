"""The model v2 mechanisms move in their documented directions (docs/model.md), on hand-made states.

First each scalar function, then one step of the model (model/step.py, on the compiled kernel) for two
children who differ in one thing only, on the same uniforms.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.engine.driver import Driver
from securebase.instruments.strange_situation import observe_strange_situation
from securebase.model.anxiety import secure_base
from securebase.model.caregiving import credit_to_figure
from securebase.model.exploration import encouraged, intrusion_probability
from securebase.model.fright import fright
from securebase.model.state import FIGURE_TRAITS, Figures, new_children
from securebase.model.step import CHILD_DRAWS, U_ANOMALOUS, U_INTRUSION, U_NOISE, U_RUPTURE
from securebase.model.temperament import draw_temperament, reactivity_on_the_day
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.model.working_model import filtered_weight, grow_familiarity, reach, strategy_target

P = SHIPPED.params


# ---- scalar functions ------------------------------------------------------------------


def _target(rejection: float, unavailability: float, drive: float = 1.5) -> float:
    """The target with moderate drives (the directions hold for any; the calibrated ones saturate sooner)."""
    return strategy_target(
        rejection, unavailability, drive, drive, P.strategy_tolerance, P.inconsistency_tolerance, P.gain_limit
    )


def test_expected_rejection_calls_for_suppression_and_inconsistent_availability_for_amplification():
    assert _target(0.0, 0.0) == 0.0  # the best care calls for open signals
    assert _target(P.strategy_tolerance, P.inconsistency_tolerance) == 0.0  # ordinary lapses call for nothing
    assert _target(0.9, 0.0) < _target(0.6, 0.0) < 0.0  # A: more rejection, more suppression
    assert _target(0.0, 0.9) > _target(0.0, 0.7) > 0.0  # C: less available to ordinary bids, more amplification
    assert _target(1.0, 0.0, drive=50.0) == -P.gain_limit
    assert _target(0.0, 1.0, drive=50.0) == P.gain_limit


def test_the_target_falls_with_rejection_and_rises_with_unavailability_whatever_the_other():
    grid = np.linspace(0.0, 1.0, 21)
    for other in grid:
        assert np.all(np.diff([_target(r, other) for r in grid]) <= 0), other
        assert np.all(np.diff([_target(other, u) for u in grid]) >= 0), other


def test_warmth_never_calls_for_more_amplification():
    """Issue 24: the call to amplify comes from unavailability to ordinary bids and is the same at any expected
    rejection; less rejection only lets it show once the call to suppress is weaker (A towards C, never B to C)."""
    grid = np.linspace(0.0, 1.0, 21)
    for u in grid:
        called = _target(0.0, u)
        for r in grid:
            target = _target(r, u)
            assert target <= 0.0 or target == called, (r, u)


def test_an_answer_won_by_amplifying_is_credited_to_the_signal_not_the_figure():
    assert credit_to_figure(0.6, 1.0, 0.4, 0.4) == 1.0  # an ordinary signal owes its answer to the figure
    assert credit_to_figure(0.6, 1.0, 0.4, 0.2) == 1.0  # so does a suppressed one
    assert credit_to_figure(1.0, 1.0, 0.4, 0.9) == 1.0  # a fully attentive figure notices any signal
    full_day = credit_to_figure(0.6, 1.0, 0.4, 0.8)
    lapse_day = credit_to_figure(0.6, 0.2, 0.4, 0.8)
    assert lapse_day < full_day < 1.0  # on an inconsistent figure's lapse days much of an answer is won by signalling
    assert credit_to_figure(0.6, 0.2, 0.4, 0.95) < lapse_day  # the louder, the more
    assert credit_to_figure(0.0, 0.0, 0.4, 0.8) == pytest.approx(0.5)  # a figure who notices nothing by itself


def _filtered(warm: bool, prior_gain: float, familiarity: float) -> float:
    return filtered_weight(
        0.1, warm, prior_gain, familiarity, P.gain_limit, P.defensive_exclusion, P.lapse_overweighting
    )


def test_an_avoidant_history_discounts_warmth_from_a_new_figure_only():
    assert _filtered(True, -1.5, 0.0) < _filtered(True, 0.0, 0.0) == 0.1  # defensive exclusion
    assert _filtered(True, -1.5, 1.0) == pytest.approx(0.1)  # a familiar figure is learned as it is
    assert _filtered(True, -1.5, 0.0) > 0.0  # slower, never not at all (S8)


def test_an_ambivalent_history_overweights_lapses_of_a_new_figure():
    assert _filtered(False, 1.5, 0.0) > _filtered(False, 0.0, 0.0) == 0.1
    assert _filtered(False, 1.5, 1.0) == pytest.approx(0.1)
    assert _filtered(True, 1.5, 0.0) == pytest.approx(0.1)  # warmth is taken in as it is


def test_familiarity_grows_with_time_together_towards_one():
    f = 0.0
    values = []
    for _ in range(200):
        f = grow_familiarity(f, 1.0, P.familiarity_timescale_days)
        values.append(f)
    assert np.all(np.diff(values) > 0)
    assert values[-1] < 1.0
    assert values[int(P.familiarity_timescale_days) - 1] == pytest.approx(1 - np.exp(-1), abs=1e-9)
    assert grow_familiarity(0.0, 0.1, 30.0) < grow_familiarity(0.0, 1.0, 30.0)


def test_signals_reach_an_unfamiliar_adult_in_early_infancy_and_after_deprivation():
    newborn, two_years = 1.0, np.exp(-2.0 / P.undirected_timescale_years)
    assert reach(1.0, two_years, 0.8, P.indiscriminate_approach) == 1.0
    assert reach(0.0, newborn, 0.8, P.indiscriminate_approach) == 1.0
    trusting = reach(0.0, two_years, 0.8, P.indiscriminate_approach)
    deprived = reach(0.0, two_years, 0.0, P.indiscriminate_approach)
    assert trusting < 0.2 < deprived  # indiscriminate approach after deprivation (Zeanah et al. 2005)
    assert reach(0.5, two_years, 0.8, P.indiscriminate_approach) > trusting


def test_an_unfamiliar_adult_is_not_yet_a_secure_base():
    assert secure_base(0.9, 0.0, 0.0) == 0.0
    assert secure_base(0.9, 0.0, 0.5) < secure_base(0.9, 0.0, 1.0) == pytest.approx(0.9)
    assert secure_base(0.9, 0.5, 1.0) < secure_base(0.9, 0.0, 1.0)


def test_a_fright_is_graded_by_severity_and_softened_by_sensitivity():
    assert fright(0.8, 0.5, P.sensitivity_moderation) > fright(0.4, 0.5, P.sensitivity_moderation) > 0.0
    assert fright(0.8, 1.0, P.sensitivity_moderation) < fright(0.8, 0.0, P.sensitivity_moderation) == 0.8
    assert fright(0.0, 0.0, P.sensitivity_moderation) == 0.0


def test_encouragement_from_a_trusted_figure_raises_exploration_and_intrusion_is_its_own_trait():
    assert encouraged(0.5, 0.0, 0.9, P.encouragement) == 0.5
    assert encouraged(0.5, 0.9, 0.9, P.encouragement) > encouraged(0.5, 0.4, 0.9, P.encouragement) > 0.5
    assert encouraged(0.5, 0.9, 0.0, P.encouragement) == 0.5  # a stranger's encouragement is not a base's
    assert encouraged(0.95, 1.0, 1.0, 5.0) == 1.0
    assert intrusion_probability(0.8, P.intrusion_rate) > intrusion_probability(0.2, P.intrusion_rate)


def test_temperament_multipliers_are_positive_with_mean_one_and_reproducible():
    a = draw_temperament(50_000, np.random.default_rng(1), 0.25)
    b = draw_temperament(50_000, np.random.default_rng(1), 0.25)
    assert np.array_equal(a[0], b[0])
    assert np.array_equal(a[1], b[1])
    for values in a:
        assert values.min() > 0
        assert values.mean() == pytest.approx(1.0, abs=0.01)
    assert abs(np.corrcoef(*a)[0, 1]) < 0.02


def test_the_state_on_the_day_is_a_multiplier_with_mean_one_whose_spread_is_its_constant():
    assert np.array_equal(reactivity_on_the_day(100, np.random.default_rng(3), 0.0), np.ones(100))
    day = reactivity_on_the_day(50_000, np.random.default_rng(3), 0.8)
    assert np.array_equal(day, reactivity_on_the_day(50_000, np.random.default_rng(3), 0.8))  # reproducible
    assert day.min() > 0
    assert day.mean() == pytest.approx(1.0, abs=0.02)
    assert np.log(day).std() == pytest.approx(0.8, abs=0.01)


# ---- one step of the model, two children who differ in one thing -------------------------------------


#: a hand-made figure: every quality 0.6, no ruptures and no anomalous moments
FIGURE_BASE = {name: 0.6 for name in FIGURE_TRAITS} | {
    "rupture_rate": 0.0,
    "anomalous_rate": 0.0,
    "anomalous_severity": 0.5,
    "repair_latency_days": 0.2,
}


def _figures(values: dict[str, np.ndarray]) -> Figures:
    """One figure, "parent", with each trait an (n, 1) array of ``values``."""
    n = len(next(iter(values.values())))
    return Figures(names=("parent",), availability=np.ones((1, 2)), active=np.ones((n, 1), bool), **values)


def _pair(age_years: float = 2.0, **traits: tuple[float, float]) -> tuple:
    """Two children with one figure each, the same in everything but ``traits`` (figure: (child 0, child 1))."""
    children = new_children(2, 1, age_days=age_years * DAYS_PER_YEAR)
    children.known[:] = True
    children.familiarity[:] = 1.0
    children.trust[:] = 0.7
    children.anxiety[:] = 0.4
    values = {name: np.array([[v], [v]], float) for name, v in FIGURE_BASE.items()}
    for name, (first, second) in traits.items():
        values[name] = np.array([[first], [second]], float)
    return children, _figures(values)


def _step(children, figures, need=0.5, **uniforms: float):
    draws = np.full((CHILD_DRAWS, children.n), 0.5, np.float32)
    for row, value in uniforms.items():
        draws[{"noise": U_NOISE, "anomalous": U_ANOMALOUS, "rupture": U_RUPTURE, "intrusion": U_INTRUSION}[row]] = value
    return Driver("cpu").step(children, figures, np.ones((children.n, 1), bool), np.ones((children.n, 1)),
                      np.full(children.n, need), draws, P, dt_days=1.0 / 16)  # fmt: skip


def test_the_same_children_differ_more_between_two_procedures_the_more_their_state_varies_by_day():
    """Strange Situations of hand-made children who are all alike: with no day-to-day variation they differ only by
    the moments' chance; with it, their arousal when left alone differs more between children, and afresh in each
    procedure. (Read on the arousal, which the day's state acts on: since model v3 the distress shown also carries
    each moment's signal noise, docs/model.md §4b.)"""
    n = 400
    many = new_children(n, 1, age_days=DAYS_PER_YEAR)
    many.known[:] = True
    many.familiarity[:] = 1.0
    many.trust[:] = 0.7
    figures = _figures({name: np.full((n, 1), v) for name, v in FIGURE_BASE.items()})

    def distress(sd: float, seed: int) -> np.ndarray:
        params = P.with_changes(day_reactivity_sd=sd)
        seen = observe_strange_situation(many, figures, "parent", np.random.default_rng(seed), params)
        return seen[seen["episode"] == "child_alone"]["arousal"].to_numpy()

    steady, varying = (distress(0.0, 1), distress(0.0, 2)), (distress(1.0, 1), distress(1.0, 2))
    print(f"sd of arousal across children: steady {steady[0].std():.4f}, varying by day {varying[0].std():.4f}")
    assert varying[0].std() > 1.5 * steady[0].std()
    assert not np.allclose(varying[0], varying[1])


def test_an_anomalous_moment_frightens_in_proportion_to_severity():
    children, figures = _pair(anomalous_rate=(0.0, 90.0))
    _step(children, figures, anomalous=0.0)
    assert children.fear[1, 0] > children.fear[0, 0]
    graded, figures = _pair(anomalous_rate=(90.0, 90.0), anomalous_severity=(0.2, 0.9))
    _step(graded, figures, anomalous=0.0)
    assert graded.fear[1, 0] > graded.fear[0, 0] > 0.0


def test_a_sensitive_figure_frightens_less_with_the_same_anomalous_moment():
    children, figures = _pair(anomalous_rate=(90.0, 90.0), sensitivity=(0.1, 0.95))
    _step(children, figures, anomalous=0.0)
    assert children.fear[1, 0] < children.fear[0, 0]


def test_a_child_signals_less_to_an_unfamiliar_adult():
    children, figures = _pair()
    children.familiarity[0, 0] = 0.05
    record = _step(children, figures)
    assert record.intensity[0] < record.intensity[1]


def test_a_trusted_encouraging_figure_raises_exploration_an_intrusive_one_lowers_it():
    children, figures = _pair(exploration_support=(0.0, 1.0))
    _step(children, figures, need=0.05)
    assert children.exploration[1] > children.exploration[0]
    children, figures = _pair(intrusiveness=(0.0, 1.0))
    record = _step(children, figures, need=0.05, intrusion=0.0)
    assert not record.intruded[0]
    assert record.intruded[1]
    assert children.exploration[1] < children.exploration[0]


def test_an_amplifying_child_learns_that_an_inattentive_figure_is_not_available_to_ordinary_bids():
    children, figures = _pair(sensitivity=(0.3, 0.3))
    children.gain[:, 0] = [0.0, 1.0]
    record = _step(children, figures)
    assert record.answered[0]
    assert record.answered[1]
    assert children.unavailability[0, 0] == 0.0  # answered, owed to the figure
    assert children.unavailability[1, 0] > 0.0  # answered, but won by amplifying
    attentive, figures = _pair(sensitivity=(1.0, 1.0))
    attentive.gain[:, 0] = [0.0, 1.0]
    _step(attentive, figures)
    assert attentive.unavailability[1, 0] == 0.0  # a fully attentive figure: nothing was won by signalling hard


def test_negative_emotionality_raises_arousal_and_soothability_calms():
    children, figures = _pair()
    children.negative_emotionality[:] = [0.7, 1.4]
    _step(children, figures)
    assert children.anxiety[1] > children.anxiety[0]
    children, figures = _pair()
    children.soothability[:] = [0.6, 1.5]
    _step(children, figures)
    assert children.anxiety[1] < children.anxiety[0]
