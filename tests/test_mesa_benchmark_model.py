"""The Mesa model of the benchmark is the securebase model: same population, same dynamics in distribution.

Two comparisons: from the benchmark's start (five-year-olds with familiar figures, no history), and from a lived
history (two-year-olds whose strategies were learned under intermittent care, meeting a new teacher): there
amplification pays or not (model/caregiving.py credit_to_figure) and an unfamiliar figure is learned through the
prior's filter, which newborns and familiar figures barely show. A port that drifts from model/ fails the second.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.engine.simulation import Simulation
from securebase.scenario import Scenario, load_scenario

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "mesa_model.py"


def _load_mesa_model():
    # benchmarks/ is scripts, not a package: load the module by path
    name = "securebase_benchmark_mesa_model"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _PATH)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules[name]


mesa_model = _load_mesa_model()

DAYS, SEED = 30, 11
#: children in the comparison, by the size of the slow tests (conftest.py: --slow-size)
N_CHILDREN = {"small": 2000, "full": 10_000}
#: a real difference moves a mean by many standard errors at this size; chance alone rarely by four
Z_LIMIT = 4.0


def _children(model) -> list:
    return sorted(model.agents, key=lambda agent: agent.unique_id)  # agent i is child i of the reference


def _state(model) -> dict[str, np.ndarray]:
    children = _children(model)
    state = {name: np.array([getattr(c, name) for c in children]) for name in ("anxiety", "felt_security")}
    state["competence"] = np.array([c.competence for c in children])
    for k, spec in enumerate(model.scenario.figures):
        state[f"trust_{spec.name}"] = np.array([c.relationships[k].trust for c in children])
    return state


def _reference_state(simulation: Simulation) -> dict[str, np.ndarray]:
    c = simulation.children
    state = {"anxiety": c.anxiety.copy(), "felt_security": c.felt_security.copy(), "competence": c.competence.copy()}
    for k, name in enumerate(simulation.figures.names):
        state[f"trust_{name}"] = c.trust[:, k].copy()
    return state


@pytest.fixture(scope="module")
def both_runs(slow_size: str) -> tuple[list[dict], list[dict], object]:
    """Daily per-child state of the reference and of the Mesa model, same scenario and seed."""
    scenario = mesa_model.benchmark_scenario(N_CHILDREN[slow_size], DAYS)
    simulation = Simulation(scenario, seed=SEED, params=SHIPPED.params)
    model = mesa_model.SecureBaseModel(scenario, seed=SEED)
    reference, mesa = [], []
    for _ in range(DAYS):
        simulation.step()
        model.step()
        reference.append(_reference_state(simulation))
        mesa.append(_state(model))
    return reference, mesa, model


def _paired_z(x: np.ndarray, y: np.ndarray) -> float:
    """Mean difference in standard errors, child by child.

    Both runs draw the same children with the same figures (the Mesa model reuses the reference's
    population draw) and differ only in their random streams, so the per-child differences are
    independent with mean 0 when the dynamics are the same; pairing removes the spread between
    children and makes the test sharper than comparing two independent means.
    """
    d = x - y
    return float(d.mean() / (d.std(ddof=1) / np.sqrt(d.size)))


@pytest.mark.slow
def test_same_figures_as_the_reference(both_runs):
    _, _, model = both_runs
    simulation = Simulation(model.scenario, seed=SEED, params=SHIPPED.params)
    children = _children(model)
    for k in range(len(model.scenario.figures)):
        for trait in ("warmth", "sensitivity", "rupture_rate", "repair_latency_days"):
            mesa_values = [getattr(c.relationships[k], trait) for c in children]
            np.testing.assert_array_equal(getattr(simulation.figures, trait)[:, k], mesa_values)


@pytest.mark.slow
def test_final_day_means_agree(both_runs):
    reference, mesa, _ = both_runs
    z = {name: _paired_z(reference[-1][name], mesa[-1][name]) for name in reference[-1]}
    assert all(abs(value) < Z_LIMIT for value in z.values()), z
    # the model moved: trust towards the new teacher was learned, competence grew
    assert mesa[-1]["trust_teacher"].mean() > 0.55
    assert mesa[-1]["competence"].mean() > 0.005


@pytest.mark.slow
def test_daily_means_over_the_run_agree(both_runs):
    """Anxiety and felt security averaged over every day of the run (less noisy than one day)."""
    reference, mesa, _ = both_runs
    for name in ("anxiety", "felt_security"):
        x = np.mean([day[name] for day in reference], axis=0)
        y = np.mean([day[name] for day in mesa], axis=0)
        assert abs(_paired_z(x, y)) < Z_LIMIT, name


@pytest.mark.slow
def test_datacollector_reports_the_daily_means(both_runs):
    _, mesa, model = both_runs
    table = model.datacollector.get_model_vars_dataframe()
    assert len(table) == DAYS + 1  # the start, then once a day
    for name in ("anxiety", "felt_security", "competence", "trust_parent", "trust_teacher"):
        assert table[name].iloc[1:].to_numpy() == pytest.approx([day[name].mean() for day in mesa]), name


def test_same_seed_same_numbers():
    first = mesa_model.run_mesa(n_children=200, days=3, seed=5)
    second = mesa_model.run_mesa(n_children=200, days=3, seed=5)
    other = mesa_model.run_mesa(n_children=200, days=3, seed=6)
    table = first.datacollector.get_model_vars_dataframe()
    assert table.equals(second.datacollector.get_model_vars_dataframe())
    for name, values in _state(first).items():
        np.testing.assert_array_equal(values, _state(second)[name])
    assert not table.equals(other.datacollector.get_model_vars_dataframe())


# ---- from a lived history ------------------------------------------------------------------------------------------

HISTORY_DAYS, HISTORY_SEED, HISTORY_AGE_YEARS = 20, 5, 2.0
#: children in the comparison from a history: the port before model v2c's unavailability rule was 37 standard
#: errors off at 2,000 children (gain with the parent), so 1,000 see a drift of that kind clearly
N_HISTORY = {"small": 1000, "full": 10_000}
#: what is compared at the end, per child: the child's state and, for each figure, the working model and familiarity,
#: and what model v3 part 2 remembers of it (fear and its history of alarm, the evidence, the drift of care)
CHILD_STATE = ("anxiety", "felt_security", "competence", "prior_gain", "prior_unavailability", "prior_fear")
RELATIONSHIP_STATE = (
    "trust", "gain", "unavailability", "rejection", "familiarity", "fear", "alarm_history", "evidence", "care_drift",
)  # fmt: skip


def history_scenario(n_children: int) -> Scenario:
    """Two-year-olds raised by an intermittently available parent, meeting a teacher at school on day 0."""
    school_year = load_scenario("school-year")
    return Scenario.model_validate(
        {
            "name": "mesa-history",
            "population": {"n_children": n_children, "start_age_years": HISTORY_AGE_YEARS, "history": "simulate"},
            "figures": [
                {"name": "parent", "role": "parent", "caregiving": "intermittent",
                 "availability": {"home": 0.9, "school": 0.0}},
                {"name": "teacher", "role": "teacher", "caregiving": "integration-teacher",
                 "availability": {"home": 0.0, "school": 0.8}, "from_day": 0},
            ],
            "schedule": {**school_year.schedule.model_dump(), "days": HISTORY_DAYS},
        }
    )  # fmt: skip


def _history_state(children: list, simulation: Simulation | None = None) -> dict[str, np.ndarray]:
    """The compared state, from the Mesa agents, or from ``simulation`` when given."""
    if simulation is not None:
        c = simulation.children
        state = {name: getattr(c, name).copy() for name in CHILD_STATE}
        for k, figure in enumerate(simulation.figures.names):
            state |= {f"{name}_{figure}": getattr(c, name)[:, k].copy() for name in RELATIONSHIP_STATE}
        return state
    state = {name: np.array([getattr(child, name) for child in children]) for name in CHILD_STATE}
    for k, relationship in enumerate(children[0].relationships):
        for name in RELATIONSHIP_STATE:
            state[f"{name}_{relationship.figure}"] = np.array([getattr(c.relationships[k], name) for c in children])
    return state


@pytest.fixture(scope="module")
def from_history(slow_size: str) -> tuple[dict, dict, dict]:
    """The state at day 0 after the simulated history, and at the end in the reference and in the Mesa model, both
    continuing from that same state with their own random numbers."""
    simulation = Simulation(history_scenario(N_HISTORY[slow_size]), seed=HISTORY_SEED, params=SHIPPED.params)
    while simulation.day < 0:
        simulation.step()
    model = mesa_model.SecureBaseModel.from_simulation(simulation, seed=HISTORY_SEED)
    start = _history_state([], simulation)
    for name, values in _history_state(_children(model)).items():  # the Mesa model starts where the history ended
        np.testing.assert_array_equal(values, start[name], err_msg=name)
    for _ in range(HISTORY_DAYS):
        simulation.step()
        model.step()
    return start, _history_state([], simulation), _history_state(_children(model))


@pytest.mark.slow
def test_the_history_gives_a_state_where_amplification_and_familiarity_matter(from_history):
    start, reference, _ = from_history
    amplifying = start["gain_parent"] > 0.2
    assert amplifying.mean() > 0.5  # most children have learned to amplify with the intermittent parent
    assert start["unavailability_parent"][amplifying].mean() > 0.3  # who is often unavailable to ordinary bids
    assert (start["familiarity_teacher"] == 0).all()  # the teacher is new: met on day 0
    assert 0.1 < reference["familiarity_teacher"].mean() < 0.9  # and is still becoming familiar at the end


@pytest.mark.slow
def test_from_a_lived_history_the_final_means_agree(from_history):
    _, reference, mesa = from_history
    z = {name: _paired_z(reference[name], mesa[name]) for name in reference}
    assert all(abs(value) < Z_LIMIT for value in z.values()), z


@pytest.mark.slow
def test_from_a_lived_history_care_drifts_as_far(from_history):
    """The drift of care (model/drift.py) has mean 0 with or without its daily steps; how far it has moved, its
    square per child, tells a port that steps it as the engine does from one that does not (or at another size)."""
    _, reference, mesa = from_history
    for figure in ("parent", "teacher"):
        name = f"care_drift_{figure}"
        assert reference[name].std() > 0.1, name  # care drifted in the reference
        assert abs(_paired_z(reference[name] ** 2, mesa[name] ** 2)) < Z_LIMIT, name
