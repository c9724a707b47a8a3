"""Read-outs after infancy (instruments/reunion.py, security_scale.py, state_of_mind.py), mostly on hand-made states:
each moves in its documented direction, refuses ages outside its range, repeats with its seed, and errs as
much as its published reliability says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import SHIPPED, one_figure

from securebase.cli import main
from securebase.engine.simulation import Simulation
from securebase.instruments import registry, reunion, security_scale, state_of_mind
from securebase.instruments.ages import InstrumentAgeError, check_ages
from securebase.instruments.catalogue import INSTRUMENTS
from securebase.instruments.coding_error import accuracy_for_agreement, agreement_of, code_classes
from securebase.instruments.security_score import security_score
from securebase.model.state import FIGURE_TRAITS, Children, Figures, new_children
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.trials import TrialError, load_trial
from securebase.trials import catalogue as trials_catalogue

REPO = Path(__file__).resolve().parents[1]
PARAMS = SHIPPED.params


def years(age: float) -> float:
    return age * DAYS_PER_YEAR


def figures_of(n: int, names: tuple[str, ...] = ("parent",)) -> Figures:
    """Figures with given names (the read-outs use only which column a name is; the traits are not read)."""
    k = len(names)
    traits = {name: np.full((n, k), 0.5) for name in FIGURE_TRAITS}
    return Figures(names=names, **traits, availability=np.full((k, 2), 0.5), active=np.ones((n, k), bool))


def children_at(age_years: float, n: int = 400, **relationship: float) -> Children:
    """Children of one age whose working model of the one figure (and general prior) is set by hand."""
    children = new_children(n, 1, age_days=years(age_years))
    children.known[:] = True
    children.familiarity[:] = 1.0
    for name, value in relationship.items():
        getattr(children, name)[:] = value
    return children


def shares(classes: np.ndarray, of: tuple[str, ...]) -> dict[str, float]:
    return {c: float(np.mean(classes == c)) for c in of}


# ---- the coder's error ----------------------------------------------------------------------------------


@pytest.mark.parametrize("agreement", [0.75, 0.8, 0.85, 0.9])
def test_coder_accuracy_gives_the_agreement_it_was_set_from(agreement: float) -> None:
    accuracy = accuracy_for_agreement(agreement, 4)
    assert agreement_of(accuracy, 4) == pytest.approx(agreement)
    assert accuracy > agreement  # each coder is right more often than two coders agree


def test_coder_accuracy_refuses_agreement_below_chance() -> None:
    with pytest.raises(ValueError, match="agreement must be between chance"):
        accuracy_for_agreement(0.2, 4)


def test_a_coder_never_gives_a_wrong_class_it_should_not_and_spreads_errors_evenly() -> None:
    rng = np.random.default_rng(1)
    coded = code_classes(np.zeros(40_000, np.int64), 0.7, 4, rng)
    counts = np.bincount(coded, minlength=4) / coded.size
    assert counts[0] == pytest.approx(0.7, abs=0.01)
    assert np.allclose(counts[1:], 0.1, atol=0.01)


# ---- the reunion (2.5 to 7 years) ----------------------------------------------------------------------


def caring_figures(n: int) -> Figures:
    """An ordinary caregiver for the separation-reunion: no ruptures, no anomalous behaviour."""
    figures = figures_of(n)
    for name in ("rupture_rate", "anomalous_rate", "anomalous_severity", "intrusiveness"):
        getattr(figures, name)[:] = 0.0
    figures.sensitivity[:] = figures.warmth[:] = figures.reliability[:] = 0.7
    figures.availability[:] = [[0.9, 0.0]]
    return figures


def reunion_shares(age_years: float = 4.0, n: int = 1000, seed: int = 2, **state: float) -> dict[str, float]:
    children = children_at(age_years, n=n, **{"trust": 0.6, **state})
    rng = np.random.default_rng(seed)
    coded = reunion.observe_reunion(children, caring_figures(n), "parent", rng, PARAMS, SHIPPED.coding)
    return shares(coded["classification"].to_numpy(), reunion.CLASSES)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"gain": 0.0, "fear": 0.0}, "B"),  # an open signal, no fear (a strict xfail on model v3 part 1 alone)
        ({"gain": -1.0}, "A"),  # suppressed signalling: minimising
        ({"gain": 1.0}, "C"),  # amplified signalling: heightening
        ({"fear": 0.3}, "D"),  # fear of the figure: controlling/disorganised
    ],
)
def test_reunion_codes_the_strategy_with_the_figure(state: dict[str, float], expected: str) -> None:
    assert reunion_shares(**state)[expected] > 0.8


def test_more_trust_in_the_figure_fewer_c() -> None:
    """Trust calms the child at the reunion (the secure base): fewer children stay unsettled and are coded C."""
    low, high = reunion_shares(n=3000, trust=0.05), reunion_shares(n=3000, trust=0.9)
    assert high["C"] < low["C"]


@pytest.mark.xfail(
    strict=True,
    reason="model v3's refit: trust 0.05 -> 0.9 raises the share B at the reunion by 0.005 (87.6% -> 88.1%), under "
    "the 0.01 asked, as C falls by as much (closing note of issues 24 and 25)",
)
def test_more_trust_in_the_figure_more_b() -> None:
    low, high = reunion_shares(n=3000, trust=0.05), reunion_shares(n=3000, trust=0.9)
    assert high["B"] > low["B"] + 0.01


@pytest.mark.parametrize(("age_years", "system"), [(3.0, "cassidy-marvin"), (4.6, "main-cassidy"), (6.5, "main-cassidy")])
def test_the_system_follows_the_age(age_years: float, system: str) -> None:
    children = children_at(age_years, n=3)
    coded = reunion.observe_reunion(children, caring_figures(3), "parent", np.random.default_rng(0), PARAMS)
    assert (coded["system"] == system).all()


@pytest.mark.slow
def test_two_reunion_coders_agree_as_the_published_systems_do(slow_size: str) -> None:
    """On a simulated mixed-risk population at 3 and at 5 years, two coders of the same reunions agree within
    the published bands (the coder is the calibration's; model v2d, n 2,000: 88.0% at 3 years, 87.5% at 5)."""
    n = 300 if slow_size == "small" else 2000
    simulation = Simulation(one_figure("mixed-risk", n_children=n, days=int(5.05 * DAYS_PER_YEAR)), seed=4,
                            params=PARAMS)  # fmt: skip
    for age_years, system in ((3.0, "cassidy-marvin"), (5.0, "main-cassidy")):
        while simulation.day < int(age_years * DAYS_PER_YEAR):
            simulation.step()
        rng = np.random.default_rng(5)
        coded = reunion.observe_reunion(
            simulation.children, simulation.figures, "parent", rng, PARAMS, SHIPPED.coding, coders=2
        )
        assert (coded["system"] == system).all()
        agreement = float((coded["classification"] == coded["classification_coder2"]).mean())
        low, high = reunion.PUBLISHED_AGREEMENT[system]
        print(f"{system} at {age_years:g} years, n = {n}: two coders agree on {agreement:.1%}")
        assert low <= agreement <= high, (age_years, agreement)


@pytest.mark.parametrize("age_years", [2.0, 7.5, 12.0])
def test_reunion_refuses_ages_outside_its_range(age_years: float) -> None:
    children = children_at(age_years, n=3)
    with pytest.raises(InstrumentAgeError, match=r"reunion instrument is valid at ages 30 to 84 months"):
        reunion.observe_reunion(children, caring_figures(3), "parent", np.random.default_rng(0), PARAMS)


# ---- the Security Scale (8 to 15 years) -----------------------------------------------------------------


def _scale_mean(**state: float) -> float:
    children = children_at(10.0, n=2000, trust=0.6, rejection=0.2, unavailability=0.2, fear=0.0)
    for name, value in state.items():
        getattr(children, name)[:] = value
    scored = security_scale.security_scale(children, figures_of(children.n), "parent", np.random.default_rng(4))
    return float(scored["value"].mean())


def test_security_scale_rises_with_trust_and_falls_with_rejection_unavailability_and_fear() -> None:
    middle = _scale_mean()
    assert _scale_mean(trust=0.9) > middle + 0.1
    assert _scale_mean(rejection=0.7) < middle - 0.1
    assert _scale_mean(unavailability=0.7) < middle - 0.1
    assert _scale_mean(fear=0.7) < middle - 0.1


def test_security_scale_is_the_mean_of_15_items_scored_1_to_4() -> None:
    children = children_at(12.0, n=500, trust=0.5)
    children.trust[:, 0] = np.linspace(0.0, 1.0, children.n)
    value = security_scale.security_scale(children, figures_of(children.n), "parent", np.random.default_rng(5))["value"]
    assert value.between(1.0, 4.0).all()
    assert np.allclose(value * 15, np.rint(value * 15))
    assert security_scale.true_score(children_at(9.0, n=1, trust=1.0), figures_of(1), "parent")[0] == 4.0


def test_security_scale_errs_by_its_published_standard_error() -> None:
    """Two administrations to the same children differ by sqrt(2) x SD x sqrt(1 - alpha) (alpha .85, SD .5)."""
    children = children_at(10.0, n=20_000, trust=0.5, rejection=0.3, unavailability=0.3)
    scored = security_scale.security_scale(
        children, figures_of(children.n), "parent", np.random.default_rng(6), administrations=2
    )
    error = float((scored["value"] - scored["value_2"]).std() / np.sqrt(2.0))
    expected = security_scale.standard_error()
    assert expected == pytest.approx(0.5 * np.sqrt(0.15))
    assert error == pytest.approx(expected, rel=0.05)


@pytest.mark.parametrize("age_years", [7.0, 16.0])
def test_security_scale_refuses_ages_outside_its_range(age_years: float) -> None:
    with pytest.raises(InstrumentAgeError, match=r"security-scale instrument is valid at ages 96 to 180 months"):
        security_scale.security_scale(children_at(age_years, n=2), figures_of(2), "parent", np.random.default_rng(0))


# ---- state of mind (14 years and older) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("prior", "expected"),
    [
        ({"prior_gain": 0.0, "prior_fear": 0.0}, "F"),
        ({"prior_gain": -1.0, "prior_rejection": 0.8}, "Ds"),
        ({"prior_gain": 1.0, "prior_unavailability": 0.8}, "E"),
        ({"prior_fear": 0.8}, "U"),
    ],
)
def test_state_of_mind_reads_the_general_working_model(prior: dict[str, float], expected: str) -> None:
    people = children_at(20.0, **prior)
    people.gain[:] = 0.0  # the relationship with the figure is open: the general prior alone decides
    coded = state_of_mind.state_of_mind(people, np.random.default_rng(7), PARAMS)
    found = shares(coded["classification"].to_numpy(), state_of_mind.CLASSES)
    assert found[expected] == pytest.approx(accuracy_for_agreement(state_of_mind.AGREEMENT, 4), abs=0.05)
    assert found[expected] == max(found.values())


def test_state_of_mind_uses_the_models_own_thresholds() -> None:
    people = children_at(30.0, n=4)
    people.prior_gain[:] = [-1.01 * PARAMS.gain_threshold, 0.0, 1.01 * PARAMS.gain_threshold, 0.0]
    people.prior_fear[:] = [0.0, 0.99 * PARAMS.fear_threshold, 0.0, 1.01 * PARAMS.fear_threshold]
    true = np.asarray(state_of_mind.CLASSES)[state_of_mind.true_classes(people, PARAMS)]
    assert list(true) == ["Ds", "F", "E", "U"]


def test_coherence_rises_with_general_trust_and_falls_with_distortion_and_fear() -> None:
    def coherence(**prior: float) -> float:
        people = children_at(16.0, n=1, prior_trust=0.6, prior_gain=0.0, prior_fear=0.0)
        for name, value in prior.items():
            getattr(people, name)[:] = value
        return float(state_of_mind.true_coherence(people, PARAMS)[0])

    middle = coherence()
    assert coherence(prior_trust=0.9) > middle
    assert coherence(prior_gain=-1.0) < middle
    assert coherence(prior_gain=1.0) < middle
    assert coherence(prior_fear=0.6) < middle
    assert coherence(prior_trust=1.0) == 9.0


def test_two_judges_agree_as_aai_judges_do() -> None:
    rng = np.random.default_rng(8)
    people = children_at(18.0, n=20_000)
    people.prior_gain[:] = rng.choice([-1.0, 0.0, 1.0], people.n)
    people.prior_fear[:] = np.where(rng.random(people.n) < 0.1, 0.8, 0.0)
    people.prior_trust[:] = 0.5
    coded = state_of_mind.state_of_mind(people, rng, PARAMS, coders=2)
    agreement = float((coded["classification"] == coded["classification_coder2"]).mean())
    assert 0.75 <= agreement <= 0.85
    assert agreement == pytest.approx(state_of_mind.AGREEMENT, abs=0.012)
    # coherence: mid-scale, so that clipping does not shrink the error; the judges' sd is SD x sqrt(1 - r)
    error = float((coded["coherence"] - coded["coherence_coder2"]).std() / np.sqrt(2.0))
    assert error == pytest.approx(2.0 * np.sqrt(1.0 - 0.85), rel=0.05)


@pytest.mark.parametrize("age_years", [10.0, 13.5])
def test_state_of_mind_refuses_children_too_young(age_years: float) -> None:
    with pytest.raises(InstrumentAgeError, match=r"state-of-mind instrument is valid at ages 168 to 1200 months"):
        state_of_mind.state_of_mind(children_at(age_years, n=2), np.random.default_rng(0), PARAMS)


# ---- the same seed, the same numbers; the registry and the trials ------------------------------------------


@pytest.mark.parametrize(("name", "age_years"), [("reunion", 4.0), ("security-scale", 10.0), ("state-of-mind", 20.0)])
def test_the_same_seed_gives_the_same_numbers(name: str, age_years: float) -> None:
    rng = np.random.default_rng(9)
    children = children_at(age_years, n=300)
    children.gain[:, 0] = rng.normal(0.0, 0.6, children.n)
    children.prior_gain[:] = rng.normal(0.0, 0.6, children.n)
    children.trust[:, 0] = rng.random(children.n)
    run = registry.instrument(name, "parent", registry.InstrumentSettings(params=PARAMS))
    first, second = (run(children, figures_of(children.n), np.random.default_rng(10)) for _ in range(2))
    assert first.equals(second)
    other = run(children, figures_of(children.n), np.random.default_rng(11))
    assert not other.equals(first)
    kind_column = "classification" if INSTRUMENTS[name].kind == "classification" else "value"
    assert list(first.columns) == ["child", kind_column]


def test_every_instrument_in_the_catalogue_has_a_runner_and_the_old_names_still_work() -> None:
    assert set(registry.RUNNERS) == set(INSTRUMENTS)
    assert trials_catalogue.INSTRUMENTS is INSTRUMENTS
    for name in ("reunion", "state-of-mind"):
        assert set(INSTRUMENTS[name].classes) >= {INSTRUMENTS[name].default_class}


def test_the_security_score_refuses_school_age_children() -> None:
    children = children_at(6.0, n=2)
    with pytest.raises(InstrumentAgeError, match=r"security-score instrument is valid at ages 12 to 60 months"):
        security_score(children, figures_of(2), "parent", np.random.default_rng(0), PARAMS)


def test_an_age_within_a_day_of_the_range_is_in_it() -> None:
    check_ages("security-score", np.array([365.0, years(5.0) + 0.5]))  # 12 months is 365.25 days
    with pytest.raises(InstrumentAgeError, match=r"2 of 3 children"):
        check_ages("security-score", np.array([360.0, 400.0, years(5.5)]))


TRIAL = """
name = "bad"
n_per_arm = 20
[population]
scenario = "responsive-care"
months = 130
[[arms]]
name = "control"
[[arms]]
name = "programme"
[[arms.changes]]
kind = "change"
figure = "parent"
traits = {{ sensitivity = 0.9 }}
from_age_months = 6
until_age_months = 9
[[measures]]
name = "later"
instrument = "{instrument}"
figure = "parent"
at_age_months = {age}
[analysis]
primary = "later"
"""


@pytest.mark.parametrize(
    ("instrument", "age", "valid"),
    [("reunion", 12, "30 to 84"), ("security-scale", 60, "96 to 180"), ("state-of-mind", 120, "168 to 1200")],
)
def test_a_trial_measuring_at_an_age_outside_the_range_is_refused_at_load(
    tmp_path: Path, instrument: str, age: int, valid: str
) -> None:
    path = tmp_path / "trial.toml"
    path.write_text(TRIAL.format(instrument=instrument, age=age), encoding="utf-8")
    with pytest.raises(TrialError, match=rf"an age the {instrument} is valid at, {valid} months"):
        load_trial(path)


def test_a_trial_in_range_loads(tmp_path: Path) -> None:
    path = tmp_path / "trial.toml"
    path.write_text(TRIAL.format(instrument="reunion", age=48), encoding="utf-8")
    assert load_trial(path).spec.measures[0].instrument == "reunion"


def test_the_cli_refuses_it_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "trial.toml"
    path.write_text(TRIAL.format(instrument="state-of-mind", age=120), encoding="utf-8")
    done = CliRunner().invoke(main, ["trial", str(path), "--out", str(tmp_path / "out"), "--no-progress"])
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), repr(done.exception)
    assert "state-of-mind is valid at, 168 to 1200 months" in done.stderr
    assert not (tmp_path / "out").exists()


POPULATION = """
name = "older"
[population]
n_children = 10
start_age_years = {start}
history = "none"
[[figures]]
name = "parent"
caregiving = "normative"
availability = {{ home = 0.9 }}
[schedule]
days = 30
episodes_per_day = 4
"""

RUN_TRIAL = """
name = "later-read-outs"
seed = 3
n_per_arm = 12
[population]
scenario = "population.toml"
months = 1
[[arms]]
name = "control"
[[arms]]
name = "rejecting"
[[arms.changes]]
kind = "replace"
figure = "parent"
caregiving = "rejecting"
at_age_months = {change}
[[measures]]
name = "later"
instrument = "{instrument}"
figure = "parent"
at_age_months = {measure}
[analysis]
primary = "later"
"""


@pytest.mark.parametrize(
    ("instrument", "start", "values"),
    [("reunion", 4.0, set(reunion.CLASSES)), ("security-scale", 10.0, None), ("state-of-mind", 16.0, {"F", "Ds", "E", "U"})],
)
def test_a_trial_schedules_the_later_read_outs(
    tmp_path: Path, instrument: str, start: float, values: set[str] | None
) -> None:
    import securebase

    (tmp_path / "population.toml").write_text(POPULATION.format(start=start), encoding="utf-8")
    months = start * 12.0
    text = RUN_TRIAL.format(instrument=instrument, change=months + 0.1, measure=months + 0.9)
    (tmp_path / "trial.toml").write_text(text, encoding="utf-8")
    outcomes = securebase.run_trial(tmp_path / "trial.toml", out=tmp_path / "out").outcomes
    assert len(outcomes) == 2 * 2 * 12  # every child in every arm
    if values is None:
        assert outcomes["value"].between(1.0, 4.0).all()
    else:
        assert set(outcomes["classification"]) <= values
