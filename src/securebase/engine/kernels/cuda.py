"""The step on an NVIDIA GPU: the model's functions compiled as device functions, threads over children.

The kernels below only map threads to children (a grid-stride loop) and add
up the count and read-out rows (each thread sums its children into a local
row, then adds it to the population's row atomically); every formula is the
model's own (model/step.py, model/tally.py, engine/uniforms.py), compiled by
numba-cuda from the same source as the CPU loops. :class:`DeviceRun` keeps a
population on the GPU for the developmental engine and copies state back only
when the host needs it (events, trajectories, checkpoints, the final tables).

Without a GPU these kernels run under numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``, set before numba is imported), which is how the
tests check them (tests/test_kernels.py).
"""

from __future__ import annotations

import math
from functools import cache

import numba
import numpy as np

from securebase.engine.kernels.retarget import retarget
from securebase.engine.uniforms import uniform_at
from securebase.model.caregiving import daily_attention
from securebase.model.parameters import ModelParameters
from securebase.model.state import ChildArrays, Children, FigureArrays, Figures, RelationshipArrays
from securebase.model.step import (
    CHILD_DRAWS,
    FIGURE_DRAWS,
    AgeTables,
    EpisodeRecord,
    age_tables,
    end_of_day,
    engine_episode,
    episode,
    mask_of,
    new_record,
)
from securebase.model.tally import COUNT_ROW, N_COUNTS, N_MEANS, READOUT_ROW, Tally, count_episode, read_out

#: numba.cuda, imported on first use (importing it looks for the CUDA libraries, which costs time and
#: runs programs; a CPU run never needs it)
cuda = None


def _numba_cuda():
    global cuda
    if cuda is None:
        from numba import cuda as module

        cuda = module
    return cuda


THREADS_PER_BLOCK = 256
#: at most this many blocks: each thread then walks several children, and fewer threads add fewer rows atomically
MAX_BLOCKS = 1024


# ---- the kernels: thread loops around the model's functions --------------------------------------


def step_children(child, rel, fig, present, need, attention, u, tables, c, out):
    for i in range(cuda.grid(1), child.anxiety.shape[0], cuda.gridsize(1)):
        episode(i, child, rel, fig, mask_of(i, present), need[i], attention, u, tables, c, out)


def engine_episodes(child, rel, fig, availability, attention, u, u_figure, tables, c, out, tally, counts):
    row = cuda.local.array(COUNT_ROW, numba.int64)
    for r in range(COUNT_ROW):
        row[r] = 0
    for i in range(cuda.grid(1), child.anxiety.shape[0], cuda.gridsize(1)):
        engine_episode(i, child, rel, fig, availability, attention, u, u_figure, tables, c, out)
        count_episode(i, out, child, tally, row)
    for r in range(COUNT_ROW):
        if row[r] != 0:
            cuda.atomic.add(counts, r, row[r])


def end_of_days(child, rel, tables, c):
    for i in range(cuda.grid(1), child.anxiety.shape[0], cuda.gridsize(1)):
        end_of_day(i, child, rel, tables, c)


def read_outs(child, rel, fig, day_sums, episodes, c, result):
    row = cuda.local.array(READOUT_ROW, numba.float64)
    for r in range(READOUT_ROW):
        row[r] = 0.0
    for i in range(cuda.grid(1), child.anxiety.shape[0], cuda.gridsize(1)):
        read_out(i, child, rel, fig, day_sums, episodes, c, row)
    for r in range(READOUT_ROW):
        if row[r] != 0.0:
            cuda.atomic.add(result, r, row[r])


def attention_today(consistency, u, lapse_attention, out):
    k = consistency.shape[1]
    for index in range(cuda.grid(1), consistency.shape[0] * k, cuda.gridsize(1)):
        i = index // k
        j = index - i * k
        out[i, j] = daily_attention(consistency[i, j], u[index], lapse_attention)


def fill_uniforms(out, key, start):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = uniform_at(key, start + np.uint64(i))


def zero(values):
    for i in range(cuda.grid(1), values.shape[0], cuda.gridsize(1)):
        values[i] = 0


KERNELS = (step_children, engine_episodes, end_of_days, read_outs, attention_today, fill_uniforms, zero)


@cache
def compiled() -> dict:
    """The kernels compiled for the GPU (on first use), by name."""
    _numba_cuda()
    done: dict = {}
    return {kernel.__name__: retarget(kernel, cuda.jit, cuda.jit(device=True), done) for kernel in KERNELS}


def _grid(n: int) -> tuple[int, int]:
    threads = min(THREADS_PER_BLOCK, 32 * max(1, math.ceil(n / 32)))
    return max(1, min(math.ceil(n / threads), MAX_BLOCKS)), threads


def _to_device(values: tuple) -> tuple:
    return type(values)(*(cuda.to_device(np.ascontiguousarray(v)) for v in values))


def _copy_back(device: tuple, host: tuple) -> None:
    for source, target in zip(device, host, strict=True):
        source.copy_to_host(target)


# ---- one step of a population, as kernels.step ----------------------------------------------------


def step(
    children: Children,
    figures: Figures,
    present: np.ndarray,
    attention: np.ndarray,
    need: np.ndarray,
    draws: np.ndarray,
    params: ModelParameters,
    dt_days: float,
    steps_per_episode: float = 1.0,
    out: EpisodeRecord | None = None,
) -> EpisodeRecord:
    """:func:`securebase.engine.kernels.step` on the GPU: copies in, one kernel, copies out (for tests and checks)."""
    from securebase.model.step import constants

    _numba_cuda()
    child, rel = children.arrays()
    record = out if out is not None else new_record(children.n, children.anxiety.dtype)
    d_child, d_rel, d_fig, d_record = _to_device(child), _to_device(rel), _to_device(figures.arrays()), _to_device(record)
    compiled()["step_children"][_grid(children.n)](
        d_child, d_rel, d_fig, cuda.to_device(np.ascontiguousarray(present, np.bool_)),
        cuda.to_device(np.ascontiguousarray(need, np.float64)), cuda.to_device(np.ascontiguousarray(attention, np.float64)),
        cuda.to_device(draws), _to_device(age_tables(params)), constants(params, dt_days, steps_per_episode), d_record,
    )  # fmt: skip
    _copy_back(d_child, child)
    _copy_back(d_rel, rel)
    _copy_back(d_record, record)
    return record


# ---- a population kept on the GPU, for the developmental engine ----------------------------------


class DeviceRun:
    """A population's state on the GPU and the day's work on it; host copies are refreshed on request."""

    def __init__(self, children: Children, figures: Figures, count_matrix: np.ndarray, sum_matrix: np.ndarray):
        self.kernels = compiled()
        n, k = children.trust.shape
        self.n, self.k = n, k
        self.grid = _grid(n)
        self.push_children(children)
        self.push_figures(figures)
        self.total_counts = cuda.to_device(count_matrix)
        self.total_sums = cuda.to_device(sum_matrix)
        self.day_sums_flat = cuda.device_array(N_MEANS * n)
        self.day_sums = self.day_sums_flat.reshape(N_MEANS, n)
        self.u_child = cuda.device_array(CHILD_DRAWS * n, np.float32)
        self.u_figure = cuda.device_array(FIGURE_DRAWS * n * k, np.float32)
        self.u_attention = cuda.device_array(n * k, np.float32)
        self.attention = cuda.device_array((n, k))
        self.record = _to_device(new_record(n, children.anxiety.dtype))
        self.counts = cuda.device_array(COUNT_ROW, np.int64)
        self.readout = cuda.device_array(READOUT_ROW)
        self._tables: tuple[ModelParameters, AgeTables] | None = None
        self._empty_totals = (cuda.device_array((N_COUNTS, 0), np.int32), cuda.device_array((N_MEANS, 0)))

    # state between host and device
    def push_children(self, children: Children) -> None:
        child, rel = children.arrays()
        self.child: ChildArrays = _to_device(child)
        self.rel: RelationshipArrays = _to_device(rel)

    def push_figures(self, figures: Figures) -> None:
        self.fig: FigureArrays = _to_device(figures.arrays())

    def pull_children(self, children: Children) -> None:
        child, rel = children.arrays()
        _copy_back(self.child, child)
        _copy_back(self.rel, rel)

    def pull_totals(self, count_matrix: np.ndarray, sum_matrix: np.ndarray) -> None:
        self.total_counts.copy_to_host(count_matrix)
        self.total_sums.copy_to_host(sum_matrix)

    def tables(self, params: ModelParameters) -> AgeTables:
        if self._tables is None or self._tables[0] != params:
            self._tables = (params, _to_device(age_tables(params)))
        return self._tables[1]

    # the day's work
    def _fill(self, out, key: int, position: int) -> None:
        self.kernels["fill_uniforms"][_grid(out.shape[0])](out, np.uint64(key), np.uint64(position))

    def _zero(self, values) -> None:
        self.kernels["zero"][_grid(values.shape[0])](values)

    def start_day(self, key: int, position: int, lapse_attention: float) -> int:
        """Each figure's attention today from the stream at ``position``; returns the numbers used."""
        self._fill(self.u_attention, key, position)
        self.kernels["attention_today"][self.grid](self.fig.consistency, self.u_attention, lapse_attention, self.attention)
        self._zero(self.day_sums_flat)
        return self.n * self.k

    def episode(self, availability: np.ndarray, key: int, position: int, tables: AgeTables, c: tuple,
                with_totals: bool) -> tuple[np.ndarray, int]:  # fmt: skip
        """One developmental episode of every child; returns the count row and the numbers used."""
        n, k = self.n, self.k
        self._fill(self.u_child, key, position)
        self._fill(self.u_figure, key, position + CHILD_DRAWS * n)
        totals = (self.total_counts, self.total_sums) if with_totals else self._empty_totals
        tally = Tally(self.day_sums, totals[0], totals[1], with_totals)
        self._zero(self.counts)
        self.kernels["engine_episodes"][self.grid](
            self.child, self.rel, self.fig, cuda.to_device(np.ascontiguousarray(availability, np.float64)),
            self.attention, self.u_child.reshape(CHILD_DRAWS, n), self.u_figure.reshape(FIGURE_DRAWS, n, k),
            tables, c, self.record, tally, self.counts,
        )  # fmt: skip
        return self.counts.copy_to_host(), (CHILD_DRAWS + FIGURE_DRAWS * k) * n

    def end_of_day(self, tables: AgeTables, c: tuple) -> None:
        self.kernels["end_of_days"][self.grid](self.child, self.rel, tables, c)

    def read_out(self, episodes: int, c: tuple) -> np.ndarray:
        self._zero(self.readout)
        self.kernels["read_outs"][self.grid](self.child, self.rel, self.fig, self.day_sums, max(episodes, 1), c, self.readout)
        return self.readout.copy_to_host()
