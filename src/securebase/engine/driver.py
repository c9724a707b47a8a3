"""The one loop around the model's step: a timeline says what each step sees, the driver runs it on a backend.

Every use of the step (model/step.py) is a *timeline*: a generator that yields what the next piece of work
sees and receives its result back. The driver (:meth:`Driver.drive`) is the only loop that runs them: it draws
a step's uniforms from the stream it is given, launches the kernel (engine/kernels: the host's loops, compiled
or as written, or the GPU's), adds up the counts and hands the result back. The timelines:

- a developmental day, episode by episode, by the day's settings (engine/days.py, for ``Simulation.step``, on
  the host's arrays or the GPU's);
- a moment procedure, step by step through its segments (engine/moments.py ``procedure``);
- a couple's day, both partners stepping as each other's figure (engine/dyads.py ``couples_day``);
- a rehearsal's moment (rehearse/env.py ``RehearsalEnv._moment_steps``).

What a timeline yields (the driver's whole vocabulary):

========== ============================================================ ==========================
item       work                                                        sent back
========== ============================================================ ==========================
Attend     each figure's attention today (model.caregiving)            the (n, k) attention
Drift      a day of each relationship's drift of care (model.drift)    None
Moment     one step of every child at any time scale (the moment loop) the step's EpisodeRecord
Episode    one developmental episode of a Population, its observer,    None (the counts stay where
           its counts (the day loop)                                   the loops run)
Rest       the daily learning (model.step.end_of_day)                  None
ReadOut    the day's counts and read-out row (model.tally.read_out)    (count row, read-out row)
========== ============================================================ ==========================

The compiled day kernel (``engine_episodes``) and moment kernel (``step_children``) are launched here and
nowhere else (tests/test_architecture.py counts the call sites).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import numpy as np

from securebase.engine.kernels import backend_for
from securebase.engine.uniforms import UniformStream
from securebase.model.drift import drift_persistence
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children, Figures
from securebase.model.step import FIGURE_DRAWS, AgeTables, EpisodeRecord, age_tables, constants, new_record
from securebase.model.tally import COUNT_ROW, N_COUNTS, N_MEANS, READOUT_ROW, Tally

#: a backend: where the loops run (kernels.Host, kernels.cuda.Device)
Backend = Any


class Population:
    """A population's arrays where a backend runs the day's loops, with the day's buffers.

    On the host these are the host's own arrays (nothing is copied); on the GPU, copies that stay there between
    days: :meth:`push` copies the host's state in after the host changed it, :meth:`pull` copies it back before
    the host reads it.
    """

    def __init__(self, backend: Backend, children: Children, figures: Figures, totals: Any) -> None:
        self.backend = backend
        self.n, self.k = children.trust.shape
        b = backend
        self.record = b.put(new_record(self.n, children.anxiety.dtype))
        self.attention = b.zeros((self.n, self.k))
        self.u_attention = b.zeros((self.n, self.k), np.float32)
        self.u_drift = b.zeros((2, self.n, self.k), np.float32)  # two uniforms make a normal deviate
        self.u_child = b.child_uniform_buffer(self.n)  # none on the GPU: its episode kernel makes them
        self.u_figure = b.zeros((FIGURE_DRAWS, self.n, self.k), np.float32)
        self.day_sums = b.zeros((N_MEANS, self.n))
        #: the day's count rows, one per chunk of children (per block on the GPU): the episodes add to them where
        #: they run, and the host reads them once, at the end of the day (no wait between a day's episodes)
        self.day_counts = b.zeros((b.rows(self.n), COUNT_ROW), np.int64)
        #: the scenario's totals are added to from day 0; before it, empty ones stand in
        self.no_totals = (b.zeros((N_COUNTS, 0), np.int32), b.zeros((N_MEANS, 0)))
        self._tables: tuple[ModelParameters, AgeTables] | None = None
        self.push(children, figures, totals)

    def push(self, children: Children, figures: Figures, totals: Any) -> None:
        """Make the backend's state the host's (on the host: refer to the host's arrays as they are now)."""
        b = self.backend
        child, rel = children.arrays()
        self.child, self.rel, self.fig = b.put(child), b.put(rel), b.put(figures.arrays())
        #: each figure's availability by setting, (settings, k): a setting's row is what an episode there takes
        self.availability = b.put(np.ascontiguousarray(figures.availability.T, np.float64))
        self.totals = (b.put(totals.count_matrix), b.put(totals.sum_matrix))
        self._host = (children, figures, totals)

    def refresh(self) -> None:
        """On the host, refer to the host's arrays as they are now: an episode's observer may have replaced some
        (the classroom's school events assign new arrays). The GPU's copies are refreshed by :meth:`push`."""
        if not self.backend.copies:
            self.push(*self._host)

    def pull(self, children: Children, totals: Any) -> None:
        """Make the host's state the backend's (nothing to do on the host)."""
        if self.backend.copies:
            child, rel = children.arrays()
            self.backend.take(self.child, child)
            self.backend.take(self.rel, rel)
            self.backend.take(self.totals[0], totals.count_matrix)
            self.backend.take(self.totals[1], totals.sum_matrix)

    def tables(self, params: ModelParameters) -> AgeTables:
        """The age tables of ``params`` where the loops run (made once per parameters)."""
        if self._tables is None or self._tables[0] != params:
            self._tables = (params, self.backend.put(age_tables(params)))
        return self._tables[1]


# ---- what a timeline yields ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attend:
    """Each figure's attention today into ``out`` (n, k), from ``uniforms`` (n, k) float32: filled first with the
    stream's next numbers when ``stream`` is given."""

    consistency: Any
    lapse_attention: float
    uniforms: Any
    out: Any
    stream: UniformStream | None = None
    backend: Backend | None = None
    #: each relationship's drift of care (n, k), which moves the consistency (model.drift); None: no drift
    drift: Any = None


@dataclass(frozen=True)
class Drift:
    """A day of each relationship's drift of care, ``care_drift`` (n, k) in place (model.drift.drift_child), from
    the stream's next 2 x n x k numbers in ``uniforms`` (2, n, k) float32."""

    care_drift: Any
    uniforms: Any
    stream: UniformStream
    params: ModelParameters
    backend: Backend | None = None


@dataclass(frozen=True)
class Moment:
    """One step of every child of ``children`` (host arrays, changed in place), with presence (n, k), attention
    (n, k), needs (n,) and the step's uniforms (CHILD_DRAWS, n) given; the record goes into ``out`` if given."""

    children: Children
    figures: Figures
    present: np.ndarray
    attention: np.ndarray
    need: np.ndarray
    draws: np.ndarray
    params: ModelParameters
    dt_days: float
    steps_per_episode: float = 1.0
    out: EpisodeRecord | None = None


@dataclass(frozen=True)
class Episode:
    """One developmental episode of every child of ``population`` in ``setting`` (model.state.HOME or SCHOOL), on
    the stream's next numbers, counted into the population's ``day_counts``. ``observer(record)``, if given, sees
    the step before it is counted (and may change the host's state it counts: it needs the host's arrays)."""

    population: Population
    setting: int
    stream: UniformStream
    tables: AgeTables
    constants: tuple
    tally: Tally
    observer: Callable[[EpisodeRecord], None] | None = None


@dataclass(frozen=True)
class Rest:
    """The daily learning of every child of the arrays ``child`` and ``rel`` (model.step.end_of_day)."""

    child: Any
    rel: Any
    params: ModelParameters
    backend: Backend | None = None
    #: the age tables where the loops run (None: made from ``params`` for this call)
    tables: AgeTables | None = None


@dataclass(frozen=True)
class ReadOut:
    """The population's count row of the day (its ``day_counts`` added up) and its read-out row
    (model.tally.read_out) from its sums over ``episodes``."""

    population: Population
    episodes: int
    params: ModelParameters


#: a timeline: yields work, receives each piece's result, returns what its caller wants
Timeline = Generator[Attend | Drift | Moment | Episode | Rest | ReadOut, Any, Any]


# ---- the driver ----------------------------------------------------------------------------------------


class Driver:
    """Runs timelines on one backend: ``kernel`` 'cpu' (compiled), 'readable' (as written) or 'cuda' (the GPU)."""

    def __init__(self, kernel: str = "cpu") -> None:
        self.kernel = kernel
        self.backend: Backend = backend_for(kernel)

    def drive(self, timeline: Timeline) -> Any:
        """Run ``timeline`` to its end and return what it returns: the one loop around the step."""
        work = {Attend: self._attend, Drift: self._drift, Moment: self._moment, Episode: self._episode,
                Rest: self._rest, ReadOut: self._read_out}  # fmt: skip
        result = None
        while True:
            try:
                item = timeline.send(result)
            except StopIteration as done:
                return done.value
            result = work[type(item)](item)

    def population(self, children: Children, figures: Figures, totals: Any) -> Population:
        """``children``'s arrays where this driver's loops run."""
        return Population(self.backend, children, figures, totals)

    # one step, for a caller with a single step to take (tests, checks): the moment loop's own work
    def step(self, children: Children, figures: Figures, present: np.ndarray, attention: np.ndarray,
             need: np.ndarray, draws: np.ndarray, params: ModelParameters, dt_days: float,
             steps_per_episode: float = 1.0, out: EpisodeRecord | None = None) -> EpisodeRecord:  # fmt: skip
        """One step of every child, in place (see :class:`Moment`)."""
        return self._moment(Moment(children, figures, present, attention, need, draws, params, dt_days,
                                   steps_per_episode, out))  # fmt: skip

    def attention(self, consistency: np.ndarray, uniforms: np.ndarray, params: ModelParameters) -> np.ndarray:
        """Each figure's attention today (n, k) from uniforms (n, k), on the host's arrays."""
        return self._attend(Attend(consistency, float(params.lapse_attention), uniforms, np.empty(consistency.shape)))

    # ---- the work ------------------------------------------------------------------------------------

    def _on(self, backend: Backend | None) -> Backend:
        """Host arrays run on the host's loops of this kernel (on the GPU's kernel: copied there and back)."""
        return self.backend if backend is None else backend

    def _attend(self, item: Attend) -> Any:
        b = self._on(item.backend)
        if item.stream is not None:
            b.uniforms(item.stream, item.uniforms)
        n = item.consistency.shape[0]
        drift = item.drift if item.drift is not None else np.zeros(item.consistency.shape)
        b.launch("attention_today", n)(
            item.consistency, drift, item.uniforms, item.lapse_attention, item.out, b.rows(n)
        )
        return item.out

    def _drift(self, item: Drift) -> None:
        b = self._on(item.backend)
        b.uniforms(item.stream, item.uniforms)
        p = item.params
        n = item.care_drift.shape[0]
        persistence = drift_persistence(1.0, p.care_drift_timescale_days)
        b.launch("drift_care", n)(item.care_drift, item.uniforms, persistence, float(p.care_drift_sd_logit), b.rows(n))

    def _moment(self, item: Moment) -> EpisodeRecord:
        b, children = self.backend, item.children
        n = children.n
        child, rel = children.arrays()
        record = item.out if item.out is not None else new_record(n, children.anxiety.dtype)
        on_child, on_rel, on_record = b.put(child), b.put(rel), b.put(record)
        b.launch("step_children", n)(
            on_child, on_rel, b.put(item.figures.arrays()), b.put(np.ascontiguousarray(item.present, np.bool_)),
            b.put(np.ascontiguousarray(item.need, np.float64)), b.put(np.ascontiguousarray(item.attention, np.float64)),
            b.put(item.draws), b.put(age_tables(item.params)),
            constants(item.params, item.dt_days, item.steps_per_episode), on_record, b.rows(n),
        )  # fmt: skip
        b.take(on_child, child)
        b.take(on_rel, rel)
        b.take(on_record, record)
        return record

    def _episode(self, item: Episode) -> None:
        p, b = item.population, item.population.backend
        u_child = b.child_uniforms(item.stream, p.n, p.u_child)
        b.uniforms(item.stream, p.u_figure)
        counting = item.observer is None
        b.launch("engine_episodes", p.n)(
            p.child, p.rel, p.fig, p.availability[item.setting], p.attention, u_child, p.u_figure, item.tables,
            item.constants, p.record, item.tally, p.day_counts, counting,
        )  # fmt: skip
        if not counting:
            item.observer(p.record)
            p.refresh()
            b.launch("count_episodes", p.n)(p.record, p.child, item.tally, p.day_counts)

    def _rest(self, item: Rest) -> None:
        b = self._on(item.backend)
        n = item.child.anxiety.shape[0]
        tables = item.tables if item.tables is not None else b.put(age_tables(item.params))
        b.launch("end_of_days", n)(item.child, item.rel, tables, constants(item.params, 1.0), b.rows(n))

    def _read_out(self, item: ReadOut) -> tuple[np.ndarray, np.ndarray]:
        p, b = item.population, item.population.backend
        partial = b.zeros((b.rows(p.n), READOUT_ROW))
        b.launch("read_outs", p.n)(p.child, p.rel, p.fig, p.day_sums, max(item.episodes, 1),
                                   constants(item.params, 1.0), partial)  # fmt: skip
        # integer counts: added up in any order they are the same numbers
        return b.get(p.day_counts).sum(axis=0), b.get(partial).sum(axis=0)
