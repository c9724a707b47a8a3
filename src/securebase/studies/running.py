"""Running a study's arms: the same children under different conditions.

Every arm runs with the same seed, so the arms share their random numbers
(common random numbers, docs/model.md §1): child i meets the same needs in
every arm, and differences between arms come from the conditions, not from
luck. Arms run on the compiled CPU kernel.
"""

from __future__ import annotations

from securebase.engine.results import Results
from securebase.engine.simulation import Simulation
from securebase.model.parameters import ModelParameters
from securebase.scenario.schema import Scenario
from securebase.studies.base import Progress

KERNEL = "cpu"


def total_days(scenario: Scenario) -> int:
    """Days a run lives: its simulated history and its scenario."""
    return scenario.history_days + scenario.schedule.days


def run_until(simulation: Simulation, day: int, progress: Progress) -> Simulation:
    """Step ``simulation`` until it reaches ``day`` (a scenario day; history days are negative)."""
    while simulation.day < min(day, simulation.end_day):
        simulation.step()
        progress.update(1)
    return simulation


def run_arms(arms: dict[str, Scenario], seed: int, params: ModelParameters, progress: Progress) -> dict[str, Results]:
    """Run each arm to its end with the same seed; the progress bar counts simulated days of all arms."""
    progress.reset(total=sum(total_days(s) for s in arms.values()))
    results = {}
    for name, scenario in arms.items():
        simulation = Simulation(scenario, seed=seed, params=params, kernel=KERNEL)
        run_until(simulation, simulation.end_day, progress)
        results[name] = simulation.results()
    return results
