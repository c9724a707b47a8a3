"""What a simulated day does, in order: the modules around the day's episodes, one protocol, one printed plan.

Each module is the host's work of one kind (figures joining, restored caregiving, the scenario's events,
changes of care, measurements, records): ``due(simulation, day)`` says whether it has work on ``day`` and
``run(simulation, day)`` does it. :data:`BEFORE` run at the start of a day, before its episodes (a module
that is due changes the host's state, so a GPU run copies the state back first and out again after);
:data:`AFTER` run once the day is lived. ``Simulation.plan()`` prints the whole order (Starsim's loop plan
is the model: what runs, in what order, each day, readable without reading the loop).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from securebase.engine import calendar, care, records
from securebase.engine.events import apply_event, restore

if TYPE_CHECKING:
    from securebase.engine.simulation import Simulation


class DayWork(Protocol):
    """A module of the day: its name (for the plan), when it has work, and the work."""

    name: str

    def due(self, sim: Simulation, day: int) -> bool: ...

    def run(self, sim: Simulation, day: int) -> None: ...


@dataclass(frozen=True)
class FiguresJoining:
    name: str = "figures joining the children's lives (scenario figures' from_day)"

    def due(self, sim: Simulation, day: int) -> bool:
        return any(spec.from_day == day and day > sim.first_day for spec in sim.scenario.figures)

    def run(self, sim: Simulation, day: int) -> None:
        for index, spec in enumerate(sim.scenario.figures):
            if spec.from_day == day and day > sim.first_day:
                sim._join(index)


@dataclass(frozen=True)
class CaregivingRestored:
    name: str = "caregiving restored at the end of a scenario event"

    def due(self, sim: Simulation, day: int) -> bool:
        return any(saved.until_day == day for saved in sim.restores)

    def run(self, sim: Simulation, day: int) -> None:
        for saved in [s for s in sim.restores if s.until_day == day]:
            restore(saved, sim.figures)
            sim.restores.remove(saved)


@dataclass(frozen=True)
class ScenarioEvents:
    name: str = "scenario events (draws from the run's event generator)"

    def due(self, sim: Simulation, day: int) -> bool:
        return any(sim.scenario.event_day(event) == day for event in sim.scenario.events)

    def run(self, sim: Simulation, day: int) -> None:
        for event in sim.scenario.events:
            if sim.scenario.event_day(event) == day:
                saved = apply_event(event, sim.figures, sim.children, sim.rng)
                if saved is not None:
                    sim.restores.append(saved)


@dataclass(frozen=True)
class ChangesOfCare:
    name: str = "changes of care registered through the API (change_care, replace/add/remove_figure)"

    def due(self, sim: Simulation, day: int) -> bool:
        return any(item.due(day) for item in sim.care)

    def run(self, sim: Simulation, day: int) -> None:
        for item in sim.care:
            if item.due(day):
                apply_change(sim, item, day)


@dataclass(frozen=True)
class Measurements:
    name: str = "measurements scheduled for today (Simulation.schedule)"

    def due(self, sim: Simulation, day: int) -> bool:
        return any(item.due(day) for item in sim.schedules)

    def run(self, sim: Simulation, day: int) -> None:
        for item in sim.schedules:
            if item.due(day):
                table = item.apply(day, sim.seed, sim.children, sim.figures)
                if table is not None and len(table):
                    sim.measurements.append(table)


@dataclass(frozen=True)
class CompetenceAtStart:
    name: str = "day 0: each child's competence at the start of the scenario, for its change"

    def due(self, sim: Simulation, day: int) -> bool:
        return day == 0

    def run(self, sim: Simulation, day: int) -> None:
        sim.totals.competence_at_start = sim.children.competence.copy()


@dataclass(frozen=True)
class DayRecords:
    name: str = "the day's rows of the summary and relationship tables"

    def due(self, sim: Simulation, day: int) -> bool:
        return True

    def run(self, sim: Simulation, day: int) -> None:
        tally, readout = sim.lived
        school_day = calendar.is_school_day(day, sim.scenario.schedule)
        sim.summary.append(records.summary_row(day, school_day, tally, readout, sim.children.n))
        sim.relationships += records.relationship_rows(day, tally, readout, sim.figures.names)


@dataclass(frozen=True)
class Trajectories:
    name: str = "trajectories, every output.trajectory_every_days from day 0 (when asked)"

    def due(self, sim: Simulation, day: int) -> bool:
        output = sim.scenario.output
        return output.trajectories and day >= 0 and day % output.trajectory_every_days == 0

    def run(self, sim: Simulation, day: int) -> None:
        sim._pull()
        sim.trajectories.append(records.trajectory_frame(day, sim.children, sim.figures, sim.params))


@dataclass(frozen=True)
class MeasurementsAtTheEnd:
    name: str = "after the last day: measurements due at the end of the run, on the state it left"

    def due(self, sim: Simulation, day: int) -> bool:
        return day + 1 == sim.end_day and any(item.due(day + 1) for item in sim.schedules)

    def run(self, sim: Simulation, day: int) -> None:
        sim._pull()
        Measurements().run(sim, day + 1)


def apply_change(sim: Simulation, item: care.CareChange | care.Arrival, day: int) -> None:
    """Make a change of care's part for ``day``."""
    if isinstance(item, care.CareChange):
        item.apply(day, sim.figures)
    else:
        item.apply(day, sim.figures, sim.children)


#: before the day's episodes, in this order (the order is part of the numbers: events draw from the run's
#: generator, and a change of care applies on top of an event's)
BEFORE: tuple[DayWork, ...] = (
    FiguresJoining(),
    CaregivingRestored(),
    ScenarioEvents(),
    ChangesOfCare(),
    Measurements(),
    CompetenceAtStart(),
)
#: the day's episodes themselves (engine/days.py on the driver, engine/driver.py), with their observers
EPISODES = (
    "each relationship's drift of care (model/drift.py; uniform stream; none drawn when care does not drift)",
    "attention of each figure today (uniform stream)",
    "the episodes, one per setting of the day's schedule: the step (model/step.py) on the driver's backend",
    "  observers after each episode's step, before it is counted: the classroom (from day 0), on_episode",
    "the daily learning (model.step.end_of_day) and the day's read-out",
)
#: once the day is lived, in this order
AFTER: tuple[DayWork, ...] = (DayRecords(), Trajectories(), MeasurementsAtTheEnd())


def describe(checkpoint_every_days: int | None = None) -> list[str]:
    """The day's plan, one line per module, in the order they run."""
    lines = [f"before: {work.name}" for work in BEFORE]
    lines += [f"day: {line}" for line in EPISODES]
    lines += [f"after: {work.name}" for work in AFTER]
    if checkpoint_every_days is not None:
        lines.append(f"run: a checkpoint every {checkpoint_every_days} days (when run with one), and on Ctrl-C")
    return lines
