"""The simulated child: a history made by the engine, and the trainee as a new figure.

The child lives its years under the scenario's home care in a ``Simulation`` of one child
(engine/simulation.py); the trainee is a second figure who joins on the first day of the term,
its relationship seeded from the child's general prior (``Simulation.add_figure``, the engine's
care API: a new person for the child). The engine's history is the same for the same scenario,
seed and constants, so it is made once per process and copied.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from securebase.engine.simulation import Simulation
from securebase.model.parameters import ModelParameters
from securebase.rehearse.repertoire import NEUTRAL, TRAITS
from securebase.rehearse.scenario import RehearsalScenario
from securebase.scenario.schema import Scenario

HOME_FIGURE, TRAINEE = "home", "trainee"
#: the first and last episodes of a school day spent at school (the engine's default school day)
SCHOOL_EPISODES = (2, 6)


def engine_scenario(scenario: RehearsalScenario) -> Scenario:
    """The engine's scenario: one child, the home figure from birth, the trainee at school from day 0."""
    return Scenario.model_validate(
        {
            "name": scenario.name,
            "population": {"n_children": 1, "start_age_years": scenario.age_years, "history": "simulate"},
            "figures": [
                {
                    "name": HOME_FIGURE,
                    "role": "parent",
                    "caregiving": scenario.home.caregiving,
                    "availability": {"home": scenario.home.availability, "school": 0.0},
                },
                {
                    "name": TRAINEE,
                    "role": "teacher",
                    "caregiving": "normative",  # replaced by the trainee's responses before any episode
                    "availability": {"home": 0.0, "school": scenario.term.availability},
                    "from_day": 0,
                },
            ],
            "schedule": {
                "days": scenario.term.days + 1,
                "episodes_per_day": 8,
                "school": {"days_per_week": 5, "episodes": list(SCHOOL_EPISODES)},
            },
        }
    )


_CACHE: OrderedDict[tuple, Simulation] = OrderedDict()
_LOCK = threading.Lock()
_CACHE_SIZE = 32
_MAKING: dict[tuple, threading.Lock] = {}


def child_at_start(scenario: RehearsalScenario, seed: int, params: ModelParameters) -> Simulation:
    """A Simulation at day 0 of the term: the child's history lived, the trainee just met (a fresh copy)."""
    key = (scenario.model_dump_json(), seed, tuple(sorted(params.to_dict().items())))
    with _LOCK:
        making = _MAKING.setdefault(key, threading.Lock())
    with making:  # many trainees starting the same child at once: one makes the history, the others wait for it
        with _LOCK:
            cached = _CACHE.get(key)
            if cached is not None:
                _CACHE.move_to_end(key)
                return copy.deepcopy(cached)
        simulation = _history(scenario, seed, params)
        with _LOCK:
            _CACHE[key] = simulation
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
            _MAKING.pop(key, None)
    return copy.deepcopy(simulation)


def _history(scenario: RehearsalScenario, seed: int, params: ModelParameters) -> Simulation:
    simulation = Simulation(engine_scenario(scenario), seed=seed, params=params)
    while simulation.day < 0:
        simulation.step()
    simulation.summary.clear()  # the history's records are not needed; the state carries it
    simulation.relationships.clear()
    # the trainee joins today as a new person: the relationship starts from the child's general prior (the
    # availability at school is the scenario figure's); its conduct is set by the environment before any step
    simulation.add_figure(TRAINEE, traits={**{name: NEUTRAL[name] for name in TRAITS}, "rupture_rate": 0.0,
                                           "anomalous_rate": 0.0})  # fmt: skip
    return simulation
