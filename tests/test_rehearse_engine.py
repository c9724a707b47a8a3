"""The engine's public methods the rehearsal plays through: a figure's conduct set at the moment scale
(Simulation.set_traits) and a rupture held open until the adult's next response decides it (hold_rupture,
settle_rupture); and the rehearsal's use of them (no code outside engine/ writes the state's arrays)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.engine.care import CareError
from securebase.engine.driver import Driver
from securebase.engine.simulation import Simulation
from securebase.engine.uniforms import draw
from securebase.model.state import ADULT_RUPTURE, NO_RUPTURE
from securebase.scenario.schema import Scenario

PARAMS = SHIPPED.params
ROOT = Path(__file__).resolve().parents[1]


def two_figures(n: int = 3) -> Simulation:
    scenario = Scenario(
        name="moments",
        population={"n_children": n, "start_age_years": 4.0, "history": "none"},
        figures=[
            {"name": "parent", "caregiving": "normative", "availability": {"home": 0.9}},
            {"name": "teacher", "role": "teacher", "caregiving": "normative", "availability": {"school": 0.8}},
        ],
        schedule={"days": 10, "episodes_per_day": 8},
    )
    return Simulation(scenario, seed=5, params=PARAMS)


def moment_steps(simulation: Simulation, figure: int, steps: int, seed: int) -> None:
    """``steps`` 5-second steps with ``figure`` alone with the children (as the rehearsal and moments.py run them)."""
    children, figures = simulation.children, simulation.figures
    present = np.zeros((children.n, figures.n_figures), bool)
    present[:, figure] = True
    attention = np.ones((children.n, figures.n_figures))
    need = np.full(children.n, 0.01)
    rng = np.random.default_rng(seed)
    driver = Driver("cpu")
    for _ in range(steps):
        u = draw(rng, children.n, figures.n_figures)
        driver.step(children, figures, present, attention, need, u.child, PARAMS, 5 / 86_400, 360.0)


def test_set_traits_sets_now_for_the_children_named_and_is_refused_with_a_clear_message() -> None:
    simulation = two_figures()
    before = simulation.figures.warmth.copy()
    simulation.set_traits("teacher", {"warmth": 0.05, "rupture_rate": 500.0}, who=[0, 2])
    assert simulation.figures.warmth[[0, 2], 1].tolist() == [0.05, 0.05]
    assert simulation.figures.warmth[1, 1] == before[1, 1]
    assert np.array_equal(simulation.figures.warmth[:, 0], before[:, 0])
    assert simulation.figures.rupture_rate[0, 1] == 500.0  # a rate over seconds may be high: only its sign is checked
    simulation.set_traits("teacher", {"warmth": np.array([0.1, 0.2, 0.3])})
    assert simulation.figures.warmth[:, 1].tolist() == [0.1, 0.2, 0.3]
    assert not simulation.care  # nothing registered: the conduct is the state's, and a fork copies it
    assert simulation.fork().figures.warmth[:, 1].tolist() == [0.1, 0.2, 0.3]
    for traits, message in (
        ({"warmth": 1.5}, r"traits\.warmth has value 1\.5; expected a proportion in \[0, 1\]"),
        ({"rupture_rate": -1.0}, r"traits\.rupture_rate has value -1\.0; expected a rate of 0 or more"),
        ({"warmth": float("nan")}, r"traits\.warmth has value nan"),
        ({"kindness": 0.5}, r"traits has 'kindness'; expected traits among"),
        ({}, "traits is empty"),
    ):
        with pytest.raises(CareError, match=message):
            simulation.set_traits("teacher", traits)
    with pytest.raises(CareError, match="figure has value 'nobody'"):
        simulation.set_traits("nobody", {"warmth": 0.5})
    assert simulation.figures.warmth[:, 1].tolist() == [0.1, 0.2, 0.3]  # a refusal changes nothing


def test_the_conduct_set_is_what_the_next_step_uses() -> None:
    """Two copies of the same children, one with a teacher who ruptures at every step: only it has ruptures."""
    calm, sharp = two_figures(), two_figures()
    sharp.set_traits("teacher", {"rupture_rate": 86_400.0 / 5.0})  # a rupture chance of 1 per 5-second step
    calm.set_traits("teacher", {"rupture_rate": 0.0})
    moment_steps(calm, 1, 3, seed=1)
    moment_steps(sharp, 1, 3, seed=1)
    assert np.all(calm.children.rupture_kind[:, 1] == NO_RUPTURE)
    assert np.all(sharp.children.rupture_kind[:, 1] != NO_RUPTURE)


def test_a_held_rupture_waits_and_settling_it_repairs_or_closes_it() -> None:
    simulation = two_figures()
    simulation.set_traits("teacher", {"rupture_rate": 86_400.0 / 5.0, "repair_propensity": 0.0})
    moment_steps(simulation, 1, 1, seed=2)
    simulation.set_traits("teacher", {"rupture_rate": 0.0})
    assert np.all(simulation.children.rupture_kind[:, 1] == ADULT_RUPTURE)
    simulation.hold_rupture("teacher")
    for _ in range(2):  # two days (school days, with the teacher): past unrepaired_after_days (1), had it not been held
        simulation.step()
    assert np.all(simulation.children.rupture_kind[:, 1] == ADULT_RUPTURE), "a held rupture closed by itself"
    trust = simulation.children.trust[:, 1].copy()
    elapsed = simulation.settle_rupture("teacher", np.array([True, False, True]))
    assert np.all(elapsed >= 2.0)  # days since the rupture opened
    moment_steps(simulation, 1, 1, seed=4)
    assert np.all(simulation.children.rupture_kind[:, 1] == NO_RUPTURE)
    change = simulation.children.trust[:, 1] - trust
    assert change[1] < 0.0  # left: costs trust
    # repaired two days late: on the moment scale (repair_timescale_minutes, docs/model.md §8) a repair that late
    # mends little, so it need not gain trust (model v3: -0.00004 for one child), but it costs less than none
    assert change[0] > change[1]
    assert change[2] > change[1]
    assert np.all(np.isnan(simulation.settle_rupture("teacher", True)))  # none open: nothing to settle


def test_the_rehearsal_writes_no_state_array_itself() -> None:
    """rehearse/ and web/ change the child and the figures only through the engine's methods: no assignment to an
    element of the state's arrays and no private engine method (``Simulation._join`` and the like)."""
    found = []
    for path in [*(ROOT / "src/securebase/rehearse").glob("*.py"), *(ROOT / "src/securebase/web").glob("*.py")]:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AugAssign) else []  # fmt: skip
            for target in targets:
                if isinstance(target, ast.Subscript):
                    text = ast.unparse(target)
                    if any(word in text for word in ("children.", "figures.", ".sim.", "simulation.")):
                        found.append(f"{path.name}: {text}")
            private = isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
            if private and ast.unparse(node.value) in ("sim", "self.sim", "simulation"):
                found.append(f"{path.name}: {ast.unparse(node)}")
    assert not found, found
