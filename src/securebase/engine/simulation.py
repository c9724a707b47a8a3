"""The developmental engine: a scenario lived day by day, episode by episode, for a whole population.

``simulate(scenario)`` is the one-line entry point. ``Simulation`` is the
model object (Mesa's vocabulary: ``step`` advances one day, ``run`` to the end)
and can be checkpointed and resumed; the same seed gives the same numbers, and a
resumed run gives exactly the numbers of an uninterrupted one.
"""

from __future__ import annotations

import copy
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from securebase.choices import KERNELS
from securebase.engine import calendar, care, checkpoints, kernels, plan, records
from securebase.engine.changes import CareAPI
from securebase.engine.compiling import compile_kernels
from securebase.engine.days import developmental_day
from securebase.engine.driver import Driver, Population
from securebase.engine.events import SavedCaregiving
from securebase.engine.results import Results
from securebase.engine.uniforms import UniformStream
from securebase.model.classroom import Classroom, ClassroomParameters, classroom_for
from securebase.model.parameters import ModelParameters
from securebase.model.state import FIGURE_TRAITS, PRECISIONS, SETTINGS, Children, Figures, meet, new_children
from securebase.model.step import EpisodeRecord
from securebase.model.temperament import draw_temperament
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.progress import progress_bar
from securebase.scenario.caregiving import draw_traits, resolve
from securebase.scenario.schema import Scenario
from securebase.stopping import deferred_stop

CHECKPOINT_NAME = "checkpoint.pkl"
#: keys the classroom's own random numbers off the run's seed (any fixed number would do)
CLASSROOM_KEY = 0xC1A55

#: An observer of every episode: called as ``on_episode(day, setting, children, figures, record)``
#: after each episode's step (on both kernels, at the same point: before the episode is counted),
#: with the setting's index (model.state.HOME or SCHOOL). It may read the state and change the
#: children's state in place (school events do: model/school.py); it must draw its random numbers
#: from its own generator, so that the engine's streams are unchanged.
EpisodeObserver = Callable[[int, int, Children, Figures, EpisodeRecord], None]


class Interrupted(Exception):
    """The run was stopped (Ctrl-C or SIGTERM: ``signum``) at a day boundary and its checkpoint saved."""

    def __init__(self, day: int, checkpoint: Path | None, signum: int = signal.SIGINT) -> None:
        super().__init__(f"interrupted at day {day}")
        self.day = day
        self.checkpoint = checkpoint
        self.signum = int(signum)


def draw_figures(scenario: Scenario, rng: np.random.Generator, precision: str = "float64") -> Figures:
    """Every child's figures, drawn from each figure's caregiving population (drawn in float64, kept in ``precision``)."""
    n = scenario.population.n_children
    specs = scenario.figures
    traits = {name: np.empty((n, len(specs))) for name in FIGURE_TRAITS}
    class_size = scenario.population.class_size
    for k, spec in enumerate(specs):
        drawn = draw_traits(resolve(spec.caregiving), n, rng)
        for name in FIGURE_TRAITS:
            traits[name][:, k] = drawn[name]
            if class_size is not None and spec.role == "teacher":
                # one teacher per class: the draw of the class's first child, copied to its classmates (the
                # same numbers are drawn with or without classes, so the other figures' draws do not change)
                traits[name][:, k] = np.repeat(drawn[name][::class_size], class_size)
    availability = np.array([[getattr(spec.availability, s) for s in SETTINGS] for spec in specs])
    return Figures(
        names=tuple(spec.name for spec in specs),
        availability=availability,
        active=np.zeros((n, len(specs)), bool),
        **{name: values.astype(precision, copy=False) for name, values in traits.items()},
    )


def kernel_refuses(scenario: Scenario, kernel: str) -> str | None:
    """Why ``kernel`` cannot run ``scenario`` on any machine (None: it can)."""
    size = scenario.population.class_size
    if kernel == "cuda" and size is not None:
        return (
            f"population.class_size has value {size}; expected no classes on the 'cuda' kernel: classmates need "
            "the state on the host after every school episode (use the 'cpu' kernel, or leave class_size out)"
        )
    return None


class Simulation(CareAPI):
    """A scenario in progress. Build it, then ``run()``; or ``step()`` a day at a time.

    ``params`` (required) are the model's constants: a calibration's ``params``, e.g.
    ``securebase.default_calibration().params`` for the shipped one. The engine reads no file. ``classroom``
    are the classroom's constants for a scenario with classes (a calibration's ``classroom``; None: the defaults).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        *,
        params: ModelParameters,
        kernel: str = "cpu",
        on_episode: EpisodeObserver | None = None,
        precision: str = "float64",
        classroom: ClassroomParameters | None = None,
    ):
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, got {kernel!r}")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        if kernel == "cuda" and on_episode is not None:
            raise ValueError("an episode observer needs the state on the host: use kernel 'cpu' with on_episode")
        if (refused := kernel_refuses(scenario, kernel)) is not None:  # on any machine: said before the machine's
            raise ValueError(refused)
        if (missing := kernels.kernel_unavailable(kernel)) is not None:  # now, not on the first day
            raise ValueError(f"kernel has value {kernel!r}, but {missing}")
        self.scenario = scenario
        self.kernel = kernel
        self.precision = precision
        self.params = params
        #: called after every episode's step (see EpisodeObserver); not saved in checkpoints
        self.on_episode = on_episode
        self.seed = scenario.seed if seed is None else seed
        population_seed, run_seed, draws_seed, temperament_seed = np.random.SeedSequence(self.seed).spawn(4)
        self.rng = np.random.Generator(np.random.PCG64(run_seed))  # events (which children a random event touches)
        self.uniforms = UniformStream.from_seed(draws_seed)  # each day's attention and every step's draws
        self.figures = draw_figures(scenario, np.random.Generator(np.random.PCG64(population_seed)), precision)
        n, k = scenario.population.n_children, len(scenario.figures)
        start_age = 0.0 if scenario.population.history == "simulate" else scenario.population.start_age_years
        self.children = new_children(n, k, age_days=start_age * DAYS_PER_YEAR, precision=precision)
        temperament = draw_temperament(n, np.random.Generator(np.random.PCG64(temperament_seed)), params.temperament_sd)
        self.children.negative_emotionality[:], self.children.soothability[:] = temperament
        self.first_day = -scenario.history_days
        self.end_day = scenario.schedule.days
        self.day = self.first_day
        self.restores: list[SavedCaregiving] = []
        #: the population where the driver runs the loops (engine/driver.py), made on the first day; the day's
        #: counts and read-out while its modules record them. Neither is saved (engine/checkpoints.py TRANSIENT)
        self._population: Population | None = None
        self._population_driver: Driver | None = None
        self.lived: tuple | None = None
        self.summary: list[dict] = []
        self.relationships: list[dict] = []
        self.trajectories: list[pd.DataFrame] = []
        self.totals = records.ChildTotals.empty(n)
        #: changes of care and measurements registered through the API below (engine/care.py), in order
        self.care: list[care.CareChange | care.Arrival] = []
        self.schedules: list[care.Measurement] = []
        #: the instruments' rows so far, one frame per measurement day (see :meth:`schedule`)
        self.measurements: list[pd.DataFrame] = []
        self.care_calls = 0  # changes registered so far: each draws from its own generator (care.care_generator)
        #: a scenario with classes (population.class_size) has its classmates simulated from day 0
        #: (model/classroom.py): saved in checkpoints, copied by forks; its table is the results' school_outcomes
        self.classroom = self._classroom(classroom)
        for index, spec in enumerate(scenario.figures):
            if spec.from_day is None or spec.from_day <= self.first_day:
                self._join(index)
                if scenario.population.history == "none":
                    # no history simulated: the figures a child has from the start are its familiar ones
                    self.children.familiarity[:, index] = 1.0

    def _classroom(self, params: ClassroomParameters | None) -> Classroom | None:
        size = self.scenario.population.class_size
        if size is None:
            return None
        teachers = [i for i, spec in enumerate(self.scenario.figures) if spec.role == "teacher"]
        seed = np.random.SeedSequence((int(self.seed), CLASSROOM_KEY))
        teacher = teachers[0] if teachers else None
        return classroom_for(self.children.n, size, seed, params, teacher=teacher, from_day=0)

    def _observer(self) -> EpisodeObserver | None:
        """Who sees today's episodes: the classroom from day 0 (not in the simulated history: an observer makes
        the step stop after every episode), then the caller's ``on_episode``."""
        watching = [o for o in (self.classroom if self.day >= 0 else None, self.on_episode) if o is not None]
        if len(watching) < 2:
            return watching[0] if watching else None

        def both(*arguments: object) -> None:
            for observer in watching:
                observer(*arguments)

        return both

    # ---- one day -------------------------------------------------------------

    def _join(self, figure: int) -> None:
        self.figures.active[:, figure] = True
        mask = np.zeros_like(self.children.known)
        mask[:, figure] = ~self.children.known[:, figure]
        meet(self.children, mask)

    @staticmethod
    def plan(checkpoint_every_days: int | None = None) -> list[str]:
        """What runs each day, in order (engine/plan.py): the modules before the episodes, the episodes, after."""
        return plan.describe(checkpoint_every_days)

    def step(self) -> None:
        """Live one day: the modules before its episodes (engine/plan.py), its episodes on the driver, the rest."""
        day = self.day
        population = self._on_backend()
        due = [work for work in plan.BEFORE if work.due(self, day)]
        if due or not population.backend.copies:
            self._pull()
            for work in due:
                work.run(self, day)
            population.push(self.children, self.figures, self.totals)
        observer = self._observer()

        def watch(setting: int, record: EpisodeRecord) -> None:
            observer(day, setting, self.children, self.figures, record)

        settings = calendar.settings_of_day(day, self.scenario.schedule)
        timeline = developmental_day(population, settings, self.uniforms, self.params, day >= 0,
                                     None if observer is None else watch)  # fmt: skip
        self.lived = self._driver().drive(timeline)
        if day >= 0:
            self.totals.episodes += self.lived[0].episodes
        for work in plan.AFTER:
            if work.due(self, day):
                work.run(self, day)
        self.lived = None
        self.day += 1

    def _driver(self) -> Driver:
        if self._population_driver is None:
            self._population_driver = Driver(self.kernel)
        return self._population_driver

    def _on_backend(self) -> Population:
        """The population where the driver's backend runs the loops (made on the first day, and after a resume,
        a fork or a new figure)."""
        if self._population is None:
            self._population = self._driver().population(self.children, self.figures, self.totals)
        return self._population

    def _pull(self) -> None:
        """Bring the state and the totals back from the GPU before the host reads them (nothing on the host)."""
        if self._population is not None:
            self._population.pull(self.children, self.totals)

    def _push(self) -> None:
        """Send the host's changes of state to the GPU (on the host, the next day refers to them anyway)."""
        if self._population is not None and self._population.backend.copies:
            self._population.push(self.children, self.figures, self.totals)

    def fork(self) -> Simulation:
        """A copy that lives on from here with the same random numbers (common random numbers).

        The fork and this run draw the same numbers from here on: a fork that changes nothing lives
        exactly the days this run lives, so a difference between them is the change alone. Changes of
        care and measurements already registered carry over, and so does the classroom of a scenario with classes
        (its tallies so far); an episode observer given as ``on_episode`` does not.
        """
        self._pull()
        shared = {id(self.scenario): self.scenario, id(self.params): self.params}  # frozen: no need to copy
        twin = Simulation.__new__(Simulation)
        twin.__dict__.update(copy.deepcopy(checkpoints.saved_state(self), shared))
        twin.on_episode, twin._population, twin._population_driver, twin.lived = None, None, None, None
        return twin

    # ---- the whole run -------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.day >= self.end_day

    def run(self, progress: bool = False, checkpoint: Path | None = None) -> Results:
        """Run to the end. With ``checkpoint``, save there every few days and on Ctrl-C.

        With ``progress``, the kernels are compiled first if they are not yet (saying so on standard error),
        so that the progress bar's time left counts the simulation alone.
        """
        if progress:
            compile_kernels(self.scenario, self.params, self.kernel, self.precision, report=_say)
        every = self.scenario.output.checkpoint_every_days
        # two phases, each its own bar: the simulated history (the years before the scenario), then the scenario
        phases = [("history", self.first_day, 0), ("scenario", 0, self.end_day)]
        with deferred_stop() as interrupted:
            for phase, start, end in phases:
                if self.day >= end:
                    continue
                bar = progress_bar(
                    total=end - start,
                    initial=self.day - start,
                    desc=f"{self.scenario.name}: {phase}",
                    unit="day",
                    enabled=progress,
                )
                with bar:
                    while self.day < end:
                        self.step()
                        bar.update(1)
                        if checkpoint is not None and (self.day - self.first_day) % every == 0:
                            self.save(checkpoint)
                        if interrupted.is_set():
                            if checkpoint is not None:
                                self.save(checkpoint)
                            raise Interrupted(self.day, checkpoint, interrupted.signum)
        return self.results()

    def results(self) -> Results:
        self._pull()
        params = self.params
        trajectories = pd.concat(self.trajectories, ignore_index=True) if self.trajectories else None
        return Results(
            scenario=self.scenario,
            seed=self.seed,
            params=params,
            summary=pd.DataFrame(self.summary),
            relationships=pd.DataFrame(self.relationships),
            children=records.children_table(self.children, self.figures, self.totals, params),
            child_figures=records.relationships_table(self.children, self.figures, params),
            trajectories=trajectories,
            measurements=self.measurement_table(),
            school_outcomes=self.classroom.outcome_table(self.children) if self.classroom is not None else None,
        )

    # ---- checkpoints (engine/checkpoints.py) ---------------------------------

    def save(self, path: Path) -> None:
        """Write the whole state atomically (a crash mid-write keeps the previous checkpoint)."""
        self._pull()
        checkpoints.save(self, path)

    @classmethod
    def resume(
        cls,
        path: Path,
        *,
        scenario: Scenario | None = None,
        seed: int | None = None,
        params: ModelParameters | None = None,
        params_source: str | None = None,
        kernel: str | None = None,
    ) -> Simulation:
        """A simulation from its checkpoint (only ever load checkpoints you wrote).

        Refused (checkpoints.ResumeRefused, one line) when a ``scenario``, ``seed``, ``params`` or ``kernel``
        given is not the checkpoint's, or when other model code wrote it: ``securebase run --resume``'s policy
        (``params_source``: where ``params`` came from, for the message).
        """
        return checkpoints.load(cls, path, scenario=scenario, seed=seed, params=params, params_source=params_source,
                                kernel=kernel)  # fmt: skip


def _say(line: str) -> None:
    print(f"securebase: {line}", file=sys.stderr, flush=True)


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    *,
    params: ModelParameters,
    progress: bool = False,
    kernel: str = "cpu",
    precision: str = "float64",
) -> Results:
    """Run a scenario to the end and return its tables: the one-line way to use securebase.

    ``params`` are the model's constants (a calibration's ``params``; ``securebase.simulate`` passes the
    shipped calibration's). ``kernel`` is where the step runs ('cpu', 'cuda' or the slow 'readable' path; see
    engine/kernels), ``precision`` the float type of the state ('float64' or 'float32').
    """
    return Simulation(scenario, seed=seed, params=params, kernel=kernel, precision=precision).run(progress=progress)
