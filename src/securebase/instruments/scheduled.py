"""A scenario's ``[[measures]]``: checked against the instruments' table, then scheduled on a run.

A scenario file names an instrument, a figure and the ages at which every child is measured; the run
(``securebase run``, ``securebase.simulate``) schedules each through the engine's ``Simulation.schedule``
and its rows are the run's ``measurements`` table. The scenario's own schema checks the figure and that the
ages are lived (scenario/schema.py); this module checks what only the instruments know: the instrument's
name and the ages it is valid at (catalogue.py), before the run starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from securebase.instruments.ages import TOLERANCE_DAYS
from securebase.instruments.catalogue import INSTRUMENTS
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.scenario.load import ScenarioError
from securebase.scenario.schema import Scenario

if TYPE_CHECKING:  # the runners load the model's kernels: imported when a run schedules, not to check a file
    from securebase.engine.simulation import Simulation
    from securebase.instruments.registry import InstrumentSettings


class MeasureError(ScenarioError):
    """A scenario measure the instruments cannot take; the message names the field, its value and what was expected."""


def check_measures(scenario: Scenario) -> None:
    """Raise MeasureError for the first measure whose instrument is unknown or that asks an age it is not valid at."""
    for i, measure in enumerate(scenario.measures):
        info = INSTRUMENTS.get(measure.instrument)
        if info is None:
            raise MeasureError(
                f"scenario '{scenario.name}': field 'measures[{i}].instrument' has value {measure.instrument!r}; "
                f"expected one of {', '.join(INSTRUMENTS)}."
            )
        low, high = info.valid_months
        slack = TOLERANCE_DAYS / DAYS_PER_YEAR
        for j, age in enumerate(measure.at_age_years):
            if not low / 12.0 - slack <= age <= high / 12.0 + slack:
                raise MeasureError(
                    f"scenario '{scenario.name}': field 'measures[{i}].at_age_years[{j}]' has value {age:g}; expected "
                    f"an age at which the {info.name} instrument is valid, {low / 12.0:.3g} to {high / 12.0:.3g} years "
                    f"({info.source})."
                )


def schedule_measures(simulation: Simulation, settings: InstrumentSettings) -> None:
    """Check the scenario's measures and schedule each, at each of its ages, on ``simulation`` (before it runs)."""
    from securebase.instruments.registry import instrument

    check_measures(simulation.scenario)
    for measure in simulation.scenario.measures:
        run = instrument(measure.instrument, measure.figure, settings)
        for age in measure.at_age_years:
            simulation.schedule(measure.name, run, at_age_years=age)
