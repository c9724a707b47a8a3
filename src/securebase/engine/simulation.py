"""The developmental engine: a scenario lived day by day, episode by episode, for a whole population.

``simulate(scenario)`` is the one-line entry point. ``Simulation`` is the
model object (Mesa's vocabulary: ``step`` advances one day, ``run`` to the end)
and can be checkpointed and resumed; the same seed gives the same numbers, and a
resumed run gives exactly the numbers of an uninterrupted one.
"""

from __future__ import annotations

import contextlib
import copy
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from securebase.choices import KERNELS
from securebase.engine import calendar, care, kernels, records
from securebase.engine.compiling import compile_kernels
from securebase.engine.events import SavedCaregiving, apply_event, restore
from securebase.engine.results import MEASUREMENT_KEYS, Results
from securebase.engine.uniforms import UniformStream
from securebase.model.classroom import Classroom, classroom_for
from securebase.model.parameters import ModelParameters
from securebase.model.state import (
    FIGURE_TRAITS,
    MAX_FIGURES,
    NO_RUPTURE,
    PRECISIONS,
    SETTINGS,
    Children,
    Figures,
    meet,
    new_children,
)
from securebase.model.step import EpisodeRecord, age_tables, constants
from securebase.model.tally import Tally
from securebase.model.temperament import draw_temperament
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.progress import progress_bar
from securebase.scenario.caregiving import draw_traits, resolve
from securebase.scenario.schema import Scenario

CHECKPOINT_NAME = "checkpoint.pkl"
#: keys the classroom's own random numbers off the run's seed (any fixed number would do)
CLASSROOM_KEY = 0xC1A55
#: the due time of a rupture held open until it is settled (Simulation.hold_rupture): never, in practice
HELD_RUPTURE_DAYS = 1e9

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


class Simulation:
    """A scenario in progress. Build it, then ``run()``; or ``step()`` a day at a time.

    ``params`` (required) are the model's constants: a calibration's ``params``, e.g.
    ``securebase.default_calibration().params`` for the shipped one. The engine reads no file.
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
        self._device = None  # the population on the GPU (kernel 'cuda'), made on the first day
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
        self.classroom = self._classroom()
        for index, spec in enumerate(scenario.figures):
            if spec.from_day is None or spec.from_day <= self.first_day:
                self._join(index)
                if scenario.population.history == "none":
                    # no history simulated: the figures a child has from the start are its familiar ones
                    self.children.familiarity[:, index] = 1.0

    def _classroom(self) -> Classroom | None:
        size = self.scenario.population.class_size
        if size is None:
            return None
        teachers = [i for i, spec in enumerate(self.scenario.figures) if spec.role == "teacher"]
        seed = np.random.SeedSequence((int(self.seed), CLASSROOM_KEY))
        return classroom_for(self.children.n, size, seed, teacher=teachers[0] if teachers else None, from_day=0)

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

    def _start_of_day(self) -> None:
        day = self.day
        for index, spec in enumerate(self.scenario.figures):
            if spec.from_day == day and day > self.first_day:
                self._join(index)
        for saved in [s for s in self.restores if s.until_day == day]:
            restore(saved, self.figures)
            self.restores.remove(saved)
        for event in self.scenario.events:
            if self.scenario.event_day(event) == day:
                saved = apply_event(event, self.figures, self.children, self.rng)
                if saved is not None:
                    self.restores.append(saved)
        for item in self.care:
            if item.due(day):
                self._apply(item, day)
        self._measure(day)
        if day == 0:
            self.totals.competence_at_start = self.children.competence.copy()

    def step(self) -> None:
        """Live one day: its events, its episodes, the daily learning, and its records."""
        if self.kernel == "cuda":
            self._step_on_device()
            return
        self._start_of_day()
        schedule, params = self.scenario.schedule, self.params
        children, figures = self.children, self.figures
        n, k = children.trust.shape
        settings = calendar.settings_of_day(self.day, schedule)
        dt_days = 1.0 / schedule.episodes_per_day
        engine = self._engine()
        attention = engine.attention(figures, self.uniforms.fill(np.empty((n, k), np.float32)), params)
        tally = records.Day(n_figures=k, n_children=n)
        totals = self.totals if self.day >= 0 else None
        sums = Tally(
            day_sums=tally.sums,
            total_counts=totals.count_matrix if totals is not None else np.zeros((0, 0), np.int32),
            total_sums=totals.sum_matrix if totals is not None else np.zeros((0, 0)),
            with_totals=totals is not None,
        )
        tables, c = age_tables(params), constants(params, dt_days)
        observer = self._observer()
        draws = record = None  # the day's buffers are reused: large populations fault fewer pages
        for setting in settings:
            draws = self.uniforms.draws(n, k, out=draws)
            availability = np.ascontiguousarray(figures.availability[:, setting])
            record = record if record is not None else engine.new_record(n, children.anxiety.dtype)
            counted = engine.engine_episode(
                children, figures, availability, attention, draws, tables, c, record, sums, counting=observer is None
            )
            if observer is not None:
                # the observer sees the step before it is counted (and may change the state it counts)
                observer(self.day, int(setting), children, figures, record)
                counted = engine.count(children, record, sums)
            tally.add(counted)
            if totals is not None:
                totals.episodes += 1
        engine.end_of_day(children, params)
        self._record_day(tally, engine.read_out(children, figures, tally.sums, tally.episodes, params))

    def _record_day(self, tally: records.Day, readout: np.ndarray) -> None:
        """The day's rows of the summary and relationship tables, trajectories when due; then the next day."""
        school_day = calendar.is_school_day(self.day, self.scenario.schedule)
        self.summary.append(records.summary_row(self.day, school_day, tally, readout, self.children.n))
        self.relationships += records.relationship_rows(self.day, tally, readout, self.figures.names)
        output = self.scenario.output
        if output.trajectories and self.day >= 0 and self.day % output.trajectory_every_days == 0:
            self._sync_from_device()
            self.trajectories.append(records.trajectory_frame(self.day, self.children, self.figures, self.params))
        self.day += 1
        if self.day == self.end_day and any(item.due(self.day) for item in self.schedules):
            self._sync_from_device()  # measurements at the end of the run: on the state the last day left
            self._measure(self.day)

    def _apply(self, item: care.CareChange | care.Arrival, day: int) -> None:
        if isinstance(item, care.CareChange):
            item.apply(day, self.figures)
        else:
            item.apply(day, self.figures, self.children)

    def _register(self, item: care.CareChange | care.Arrival) -> None:
        """Keep a change; its part for today (the day not yet lived) is made at once, so the state shows it now."""
        self.care.append(item)
        if item.due(self.day):
            self._sync_from_device()
            self._apply(item, self.day)
            if self._device is not None:
                self._device.push_children(self.children)
                self._device.push_figures(self.figures)

    def _measure(self, day: int) -> None:
        for item in self.schedules:
            if item.due(day):
                table = item.apply(day, self.seed, self.children, self.figures)
                if table is not None and len(table):
                    self.measurements.append(table)

    def _engine(self) -> kernels.Loops:
        return kernels.loops_for(self.kernel)

    def _host_work_today(self) -> bool:
        """Whether the start of today changes the state on the host (figures joining, events, restores, day 0)."""
        day = self.day
        return (
            day == 0
            or any(spec.from_day == day and day > self.first_day for spec in self.scenario.figures)
            or any(saved.until_day == day for saved in self.restores)
            or any(self.scenario.event_day(event) == day for event in self.scenario.events)
            or any(item.due(day) for item in (*self.care, *self.schedules))
        )

    def _step_on_device(self) -> None:
        """:meth:`step` with the population on the GPU: the same day, the same random numbers, the same records."""
        from securebase.engine.kernels import cuda as gpu

        schedule, params = self.scenario.schedule, self.params
        children, figures, totals = self.children, self.figures, self.totals
        if self._device is None:
            self._device = gpu.DeviceRun(children, figures, totals.count_matrix, totals.sum_matrix)
        device = self._device
        if self._host_work_today():
            device.pull_children(children)
            self._start_of_day()
            device.push_children(children)
            device.push_figures(figures)
        else:
            self._start_of_day()
        k = figures.n_figures
        dt_days = 1.0 / schedule.episodes_per_day
        tables, c = device.tables(params), constants(params, dt_days)
        stream = self.uniforms
        stream.position += device.start_day(stream.key, stream.position, float(params.lapse_attention))
        tally = records.Day(n_figures=k, n_children=0)  # the children's sums stay on the device
        for setting in calendar.settings_of_day(self.day, schedule):
            counts, used = device.episode(figures.availability[:, setting], stream.key, stream.position, tables, c,
                                          with_totals=self.day >= 0)  # fmt: skip
            stream.position += used
            tally.add(counts)
            if self.day >= 0:
                totals.episodes += 1
        device.end_of_day(tables, c)
        readout = device.read_out(tally.episodes, constants(params, 1.0))
        self._record_day(tally, readout)

    def _sync_from_device(self) -> None:
        """Bring the state and the totals back from the GPU (before the host reads them)."""
        if self._device is not None:
            self._device.pull_children(self.children)
            self._device.pull_totals(self.totals.count_matrix, self.totals.sum_matrix)

    # ---- changes of care and measurements (engine/care.py) -------------------

    def fork(self) -> Simulation:
        """A copy that lives on from here with the same random numbers (common random numbers).

        The fork and this run draw the same numbers from here on: a fork that changes nothing lives
        exactly the days this run lives, so a difference between them is the change alone. Changes of
        care and measurements already registered carry over, and so does the classroom of a scenario with classes
        (its tallies so far); an episode observer given as ``on_episode`` does not.
        """
        self._sync_from_device()
        shared = {id(self.scenario): self.scenario, id(self.params): self.params}  # frozen: no need to copy
        state = {key: value for key, value in self.__dict__.items() if key not in ("on_episode", "_device")}
        twin = Simulation.__new__(Simulation)
        twin.__dict__.update(copy.deepcopy(state, shared))
        twin.on_episode, twin._device = None, None
        return twin

    def _figure(self, figure: str) -> int:
        if figure not in self.figures.names:
            raise care.CareError(f"figure has value {figure!r}; expected one of {', '.join(self.figures.names)}")
        return self.figures.index(figure)

    def _days(self, ages_years: float | np.ndarray | None, who: np.ndarray, name: str) -> np.ndarray:
        """Each child's day of ``ages_years`` (None: today), refused when outside what is left of the run."""
        if ages_years is None:
            return np.full(who.shape, self.day, np.int64)
        ages = care.per_child(ages_years, who.size, name)
        days = care.days_of_ages(ages, self.children.age_days[who], self.day)
        for bad, expected in ((days < self.day, "an age the children have not passed yet"),
                              (days >= self.end_day, "an age the children reach before the run ends")):  # fmt: skip
            if np.any(bad):
                i = int(np.argmax(bad))
                now = self.children.age_days[who[i]] / DAYS_PER_YEAR
                last = now + (self.end_day - self.day) / DAYS_PER_YEAR
                raise care.CareError(
                    f"{name} has value {float(ages[i]):g} years for child {int(who[i])}; expected {expected} "
                    f"(it is {now:.3f} years old now, and the run ends at {last:.3f} years)"
                )
        return days

    def _next_generator(self) -> np.random.Generator:
        self.care_calls += 1
        return care.care_generator(self.seed, care.CARE_KEY, self.care_calls)

    def change_care(
        self,
        figure: str,
        traits: dict[str, float | np.ndarray],
        *,
        who: np.ndarray | slice | None = None,
        mode: str = "set",
        from_age_years: float | np.ndarray | None = None,
        until_age_years: float | np.ndarray | None = None,
        ramp_days: int = 0,
    ) -> None:
        """Change ``figure``'s ``traits`` for the children ``who`` (indices, a mask or a slice; None: all).

        ``mode`` 'set' moves each trait to the value given, 'add' by it, 'logit' by it in logit units (a
        proportion stays in (0, 1)); a value is a number or one per child of ``who``. The change starts on
        the day each child reaches ``from_age_years`` (a number or one per child; None: today), reaches its
        full size over ``ramp_days`` (a step a day), and ends, the traits going back to what they were, on the
        day the child reaches ``until_age_years`` (None: for good). The same person goes on: the relationship
        carries on, and the child learns the change through its experience.
        """
        k = self._figure(figure)
        if mode not in care.CHANGE_MODES:
            raise care.CareError(f"mode has value {mode!r}; expected one of {', '.join(care.CHANGE_MODES)}")
        if not traits:
            raise care.CareError("traits is empty; expected at least one of " + ", ".join(FIGURE_TRAITS))
        for name in traits:
            if name not in FIGURE_TRAITS:
                raise care.CareError(f"traits has {name!r}; expected traits among {', '.join(FIGURE_TRAITS)}")
            if mode == "logit" and name not in care.UNIT_TRAITS:
                raise care.CareError(f"traits has {name!r} with mode 'logit'; expected a proportion for a logit shift")
        if not isinstance(ramp_days, int | np.integer) or ramp_days < 0:
            raise care.CareError(f"ramp_days has value {ramp_days!r}; expected a whole number of days, 0 or more")
        index = care.children_of(who, self.children.n)
        first = self._days(from_age_years, index, "from_age_years")
        end = None
        if until_age_years is not None:
            ages = care.per_child(until_age_years, index.size, "until_age_years")
            end = care.days_of_ages(ages, self.children.age_days[index], self.day)
            if np.any(end <= first):
                i = int(np.argmax(end <= first))
                raise care.CareError(
                    f"until_age_years has value {float(ages[i]):g} for child {int(index[i])}; "
                    "expected an age after the change starts"
                )
        change = care.CareChange(
            who=index,
            day=first,
            figure=k,
            amounts={name: care.per_child(value, index.size, f"traits.{name}") for name, value in traits.items()},
            mode=mode,
            ramp_days=int(ramp_days),
            end_day=end,
        )
        care.check_no_overlap(change, self.care, figure)
        self._register(change)

    def _new_person(
        self, index: np.ndarray, caregiving: object | None, traits: dict[str, float | np.ndarray] | None
    ) -> dict[str, np.ndarray]:
        """The traits of a new person for each child of ``index``: given, or drawn from a caregiving population."""
        if (caregiving is None) == (traits is None):
            raise care.CareError("a new person needs exactly one of caregiving (to draw from) or traits (given)")
        rng = self._next_generator()
        if traits is not None:
            unknown = [name for name in traits if name not in FIGURE_TRAITS]
            if unknown:
                raise care.CareError(f"traits has {unknown[0]!r}; expected traits among {', '.join(FIGURE_TRAITS)}")
            return {name: care.per_child(value, index.size, f"traits.{name}") for name, value in traits.items()}
        return draw_traits(resolve(caregiving), index.size, rng)

    def replace_figure(
        self,
        figure: str,
        *,
        who: np.ndarray | slice | None = None,
        at_age_years: float | np.ndarray | None = None,
        caregiving: object | None = None,
        traits: dict[str, float | np.ndarray] | None = None,
    ) -> None:
        """A new person takes ``figure``'s place for the children ``who``, each on the day it reaches ``at_age_years``.

        The person is drawn from ``caregiving`` (a preset name or a scenario Caregiving table) or has the
        ``traits`` given (a number or one per child, for the traits named; the others stay); the child's
        relationship starts anew from its general prior, which carries its history.
        """
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        days = self._days(at_age_years, index, "at_age_years")
        person = self._new_person(index, caregiving, traits)
        self._register(care.Arrival(who=index, day=days, figure=k, traits=person, new_person=True))

    def add_figure(
        self,
        figure: str,
        *,
        availability: tuple[float, float] | None = None,
        who: np.ndarray | slice | None = None,
        at_age_years: float | np.ndarray | None = None,
        caregiving: object | None = None,
        traits: dict[str, float | np.ndarray] | None = None,
    ) -> None:
        """A figure (a teacher, a partner) enters the lives of the children ``who``, each at ``at_age_years``.

        A figure the scenario does not have is made first, absent from every child's life, with its
        ``availability`` (home, school); ``who`` empty makes it alone. Make it before forking, so that every
        arm has the same figures and keeps its common random numbers (the day's draws are per figure).
        """
        if figure not in self.figures.names:
            if availability is None:
                raise care.CareError(f"figure {figure!r} is new; expected its availability (home, school)")
            if self.figures.n_figures >= MAX_FIGURES:
                raise care.CareError(
                    f"figure {figure!r} would be figure {MAX_FIGURES + 1}; expected {MAX_FIGURES} figures at most"
                )
            self._sync_from_device()
            self._device = None  # the GPU's arrays are rebuilt with the new column
            care.add_column(self.figures, self.children, figure, tuple(float(a) for a in availability))
        k = self.figures.index(figure)
        index = care.children_of(who, self.children.n)
        if index.size == 0:
            return
        days = self._days(at_age_years, index, "at_age_years")
        person = self._new_person(index, caregiving, traits)
        self._register(care.Arrival(who=index, day=days, figure=k, traits=person, new_person=True))

    def remove_figure(
        self, figure: str, *, who: np.ndarray | slice | None = None, at_age_years: float | np.ndarray | None = None
    ) -> None:
        """``figure`` leaves the lives of the children ``who``, each on the day it reaches ``at_age_years``."""
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        days = self._days(at_age_years, index, "at_age_years")
        self._register(care.Arrival(who=index, day=days, figure=k, present=False, new_person=False))

    # ---- conduct at the moment scale (a rehearsal: engine/care.py for whole days) ------------

    def set_traits(
        self, figure: str, traits: dict[str, float | np.ndarray], *, who: np.ndarray | slice | None = None
    ) -> None:
        """Set ``figure``'s ``traits`` for the children ``who`` now, until they are set again.

        The figure's conduct from the next step on, whether the step is a day's (:meth:`step`) or a moment's
        (``kernels.step`` on :attr:`children` and :attr:`figures` at the moment scale): for play moment by
        moment (a rehearsal sets the adult's response for the next two minutes), where :meth:`change_care`'s
        whole days do not fit. It registers no change (a fork copies the traits as they are) and draws
        nothing; a change registered with :meth:`change_care` still moves the same trait on its own days.
        A value is a number or one per child of ``who``; proportions must lie in [0, 1]; rates are per day and
        may be high for a step of seconds (a rupture within a two-minute response), so only their sign is checked.
        """
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        if not traits:
            raise care.CareError("traits is empty; expected at least one of " + ", ".join(FIGURE_TRAITS))
        values = {}
        for name, value in traits.items():
            if name not in FIGURE_TRAITS:
                raise care.CareError(f"traits has {name!r}; expected traits among {', '.join(FIGURE_TRAITS)}")
            array = care.per_child(value, index.size, f"traits.{name}")
            low, high = (0.0, 1.0) if name in care.UNIT_TRAITS else (0.0, np.inf)
            bad = ~np.isfinite(array) | (array < low) | (array > high)
            if np.any(bad):
                expected = "a proportion in [0, 1]" if name in care.UNIT_TRAITS else "a rate of 0 or more (per day)"
                raise care.CareError(f"traits.{name} has value {float(array[np.argmax(bad)])!r}; expected {expected}")
            values[name] = array
        for name, array in values.items():
            getattr(self.figures, name)[index, k] = array
        if self._device is not None:
            self._device.push_figures(self.figures)

    def hold_rupture(self, figure: str, *, who: np.ndarray | slice | None = None) -> None:
        """A rupture with ``figure`` still open for the children ``who`` waits, neither repaired nor closed, until
        :meth:`settle_rupture` decides it (a rehearsal: the adult's next response decides it, days later)."""
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        self._sync_from_device()
        open_ = index[self.children.rupture_kind[index, k] != NO_RUPTURE]
        self.children.rupture_will_repair[open_, k] = True
        self.children.rupture_due_days[open_, k] = HELD_RUPTURE_DAYS
        if self._device is not None:
            self._device.push_children(self.children)

    def settle_rupture(
        self, figure: str, repair: bool | np.ndarray, *, who: np.ndarray | slice | None = None
    ) -> np.ndarray:
        """Decide the open rupture with ``figure`` of the children ``who``: repaired (``repair`` True) or closed
        unrepaired, at the next step the figure is with the child; the model's step then applies the repair (its
        effectiveness falls with the time since the rupture) or the cost of leaving it. Returns the days since
        each child's rupture opened (NaN for a child with none open)."""
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        mends = np.broadcast_to(np.asarray(repair, bool), index.shape)
        self._sync_from_device()
        c = self.children
        open_ = c.rupture_kind[index, k] != NO_RUPTURE
        elapsed = np.where(open_, c.rupture_elapsed_days[index, k], np.nan)
        rows = index[open_]
        c.rupture_will_repair[rows, k] = mends[open_]
        c.rupture_due_days[rows, k] = c.rupture_elapsed_days[rows, k]  # due at the next step with the figure
        if self._device is not None:
            self._device.push_children(self.children)
        return elapsed

    def random_ages(
        self,
        distribution: str,
        first: float,
        second: float,
        *,
        who: np.ndarray | slice | None = None,
        probability: float = 1.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ages for a life event drawn per child: (the children it happens to, their ages in years).

        ``distribution`` 'uniform' (from ``first`` to ``second``), 'normal' (mean ``first``, sd ``second``) or
        'exponential' (from age ``first``, mean wait ``second`` years); each child of ``who`` has the event
        with ``probability``, and a child whose age falls outside what is left of the run has none. Pass the
        result to a change: ``sim.replace_figure('parent', who=w, at_age_years=a, ...)``.
        """
        index = care.children_of(who, self.children.n)
        rng = self._next_generator()
        happens = rng.random(index.size) < probability
        if distribution == "uniform":
            ages = rng.uniform(first, second, index.size)
        elif distribution == "normal":
            ages = rng.normal(first, second, index.size)
        elif distribution == "exponential":
            ages = first + rng.exponential(second, index.size)
        else:
            raise care.CareError(f"distribution has value {distribution!r}; expected uniform, normal or exponential")
        days = care.days_of_ages(ages, self.children.age_days[index], self.day)
        inside = happens & (days >= self.day) & (days < self.end_day)
        return index[inside], ages[inside]

    def schedule(
        self,
        name: str,
        instrument: care.Instrument,
        *,
        who: np.ndarray | slice | None = None,
        at_age_years: float | np.ndarray | None = None,
    ) -> None:
        """Run ``instrument`` on the children ``who``, each on the day it reaches ``at_age_years``.

        ``instrument(children, figures, rng)`` gets a copy of the state of the children measured that day
        and returns one row per child (a 'child' column, 0.. within them); the rows, with the population's
        child index, the day and the age, gather in :attr:`measurements` (and ``results().measurements``).
        A measurement observes: it changes nothing and draws from its own generator, never the run's. An
        age the run ends at is measured on the state the last day left.
        """
        index = care.children_of(who, self.children.n)
        if at_age_years is None:
            days = np.full(index.shape, self.day, np.int64)
        else:
            ages = care.per_child(at_age_years, index.size, "at_age_years")
            days = care.days_of_ages(ages, self.children.age_days[index], self.day)
            bad = (days < self.day) | (days > self.end_day)
            if np.any(bad):
                i = int(np.argmax(bad))
                raise care.CareError(
                    f"at_age_years has value {float(ages[i]):g} for child {int(index[i])}; expected an age "
                    "between the children's age now and their age at the end of the run"
                )
        self.schedules.append(
            care.Measurement(who=index, day=days, name=name, instrument=instrument, order=len(self.schedules))
        )

    def measurement_table(self) -> pd.DataFrame:
        """Every measurement so far: one row per child measured (tidy; empty when none)."""
        if not self.measurements:
            return pd.DataFrame(columns=MEASUREMENT_KEYS)
        return pd.concat(self.measurements, ignore_index=True)

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
        with _deferred_interrupt() as interrupted:
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
        self._sync_from_device()
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

    # ---- checkpoints ---------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the whole state atomically (a crash mid-write keeps the previous checkpoint)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        self._sync_from_device()
        state = {key: value for key, value in self.__dict__.items() if key not in ("on_episode", "_device")}
        with temporary.open("wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)

    @classmethod
    def resume(cls, path: Path) -> Simulation:
        """A simulation from its checkpoint (only ever load checkpoints you wrote)."""
        with Path(path).open("rb") as handle:
            state = pickle.load(handle)
        expected = {"scenario", "params", "seed", "rng", "uniforms", "children", "figures", "day", "totals"}
        if not isinstance(state, dict) or not expected <= state.keys():
            raise ValueError("not a securebase checkpoint")
        simulation = cls.__new__(cls)
        simulation.on_episode = None  # an observer is not saved: attach it again after resuming
        simulation.precision = "float64"  # checkpoints from before precision was a choice
        simulation._device = None  # a GPU run copies its state to the GPU again
        simulation.care, simulation.schedules, simulation.measurements, simulation.care_calls = [], [], [], 0
        simulation.__dict__.update(state)
        if simulation.kernel in ("numpy", "fused"):  # the kernels before 2026-11-27: the same model, now on cpu
            simulation.kernel = "cpu"
        return simulation


def _say(line: str) -> None:
    print(f"securebase: {line}", file=sys.stderr, flush=True)


class _StopFlag(threading.Event):
    signum: int = signal.SIGINT


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[_StopFlag]:
    """Turn Ctrl-C and SIGTERM into a flag checked between days, so a checkpoint is never half a day."""
    flag = _StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in stops}

    def handler(signum: int, frame: object) -> None:
        if flag.is_set():  # a second Ctrl-C stops at once
            for stop in stops:
                signal.signal(stop, previous[stop])
            from securebase.stopping import Terminated

            raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt
        flag.signum = signum
        flag.set()

    for signum in stops:
        signal.signal(signum, handler)
    try:
        yield flag
    finally:
        for signum in stops:
            signal.signal(signum, previous[signum])


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
