"""The kernels that run the model's step: compiled for the CPU, for NVIDIA GPUs, or run as written.

- ``cpu``: the loops of kernels/loops.py and every model function they call,
  compiled by numba and run on every core (``prange``);
- ``cuda``: the same model functions compiled as device functions, a thread
  per child (kernels/cuda.py; numba-cuda, an optional dependency);
- ``readable``: the same loops and functions, not compiled: slow, for
  teaching and debugging (a breakpoint in model/step.py stops there).

There is no second implementation: every kernel runs model/step.py. The CPU and
the readable path give the same numbers bit for bit; a GPU agrees with them to
rounding (CUDA's exp and log, and sums added atomically in no fixed order):
tests/test_kernels.py, benchmarks/gpu_check.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import cache

import numba
import numpy as np

from securebase.choices import KERNELS
from securebase.engine.kernels import loops
from securebase.engine.kernels.retarget import cached, retarget
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children, Figures
from securebase.model.step import EpisodeRecord, age_tables, constants, new_record
from securebase.model.tally import COUNT_ROW, READOUT_ROW, Tally
from securebase.sizing import PARALLEL_FROM_CHILDREN

#: children per chunk of a loop: the chunks depend on the population alone, never on the threads, so that
#: sums over chunks (the day's counts and read-out) are the same numbers on any machine and in the readable path
CHILDREN_PER_CHUNK = 4096

#: populations smaller than PARALLEL_FROM_CHILDREN run on one thread: waking threads costs more than they save,
#: and far more when another process holds a core (defined in sizing.py, whose time estimates follow it)


@contextlib.contextmanager
def threads_for(n_children: int) -> Iterator[None]:
    """Run the compiled loops inside on every thread numba has, or on one for a small population."""
    if n_children >= PARALLEL_FROM_CHILDREN:
        yield
        return
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(threads)


def _compile_below_loop(function: Callable) -> Callable:
    """How a function called by a parallel loop is compiled: a chunk function of kernels/loops.py as a function,
    the model's functions inlined into it (a call would copy the state's tuples of arrays). Neither counts
    references: they only index the arrays they are given, and allocate nothing."""
    if function.__module__ == loops.__name__:
        return numba.njit(error_model="numpy", _nrt=False)(function)
    return numba.njit(error_model="numpy", _nrt=False, inline="always")(function)


def chunks(n_children: int) -> int:
    """How many chunks the loops cut a population into (see CHILDREN_PER_CHUNK)."""
    return max(1, -(-n_children // CHILDREN_PER_CHUNK))


class Loops:
    """The loops of kernels/loops.py for one target: compiled for the CPU, or as written."""

    def __init__(self, name: str, compiled: bool):
        self.name = name
        done: dict = {}
        for loop in loops.LOOPS:
            if compiled:
                function = cached(
                    retarget(
                        loop,
                        numba.njit(parallel=True, error_model="numpy", nogil=True),
                        _compile_below_loop,
                        done,
                    )
                )
            else:
                function = loop
            setattr(self, loop.__name__, function)

    new_record = staticmethod(new_record)

    def step(
        self,
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
        """Advance every child by one step, in place, with presence (n, k) and needs (n,) given.

        ``draws`` are the step's uniforms (CHILD_DRAWS, n), float32. With ``out``
        (a record of the same population size), the record is written there.
        """
        child, rel = children.arrays()
        record = out if out is not None else new_record(children.n, children.anxiety.dtype)
        with threads_for(children.n):
            self.step_children(
                child, rel, figures.arrays(), np.ascontiguousarray(present, np.bool_),
                np.ascontiguousarray(need, np.float64), np.ascontiguousarray(attention, np.float64),
                draws, age_tables(params), constants(params, dt_days, steps_per_episode), record, chunks(children.n),
            )  # fmt: skip
        return record

    def attention(self, figures: Figures, uniforms: np.ndarray, params: ModelParameters) -> np.ndarray:
        """Each figure's attention today (n, k), from uniforms (n, k)."""
        out = np.empty(figures.consistency.shape)
        with threads_for(out.shape[0]):
            self.attention_today(figures.consistency, uniforms, float(params.lapse_attention), out, chunks(out.shape[0]))
        return out

    def engine_episode(self, children, figures, availability, attention, draws, tables, c, out, tally: Tally,
                       counting: bool = True) -> np.ndarray:  # fmt: skip
        """One developmental episode of every child; returns the population's count row (zeros if not counting)."""
        child, rel = children.arrays()
        partial = np.zeros((chunks(children.n), COUNT_ROW), np.int64)
        with threads_for(children.n):
            self.engine_episodes(
                child, rel, figures.arrays(), availability, attention, draws.child, draws.figure,
                tables, c, out, tally, partial, counting,
            )  # fmt: skip
        return partial.sum(axis=0)

    def count(self, children: Children, out: EpisodeRecord, tally: Tally) -> np.ndarray:
        """Count a step already taken (the children's sums too); returns the population's count row."""
        child, _ = children.arrays()
        partial = np.zeros((chunks(children.n), COUNT_ROW), np.int64)
        with threads_for(children.n):
            self.count_episodes(out, child, tally, partial)
        return partial.sum(axis=0)

    def end_of_day(self, children: Children, params: ModelParameters) -> None:
        child, rel = children.arrays()
        with threads_for(children.n):
            self.end_of_days(child, rel, age_tables(params), constants(params, 1.0), chunks(children.n))

    def read_out(self, children: Children, figures: Figures, day_sums: np.ndarray, episodes: int,
                 params: ModelParameters) -> np.ndarray:  # fmt: skip
        child, rel = children.arrays()
        partial = np.zeros((chunks(children.n), READOUT_ROW))
        with threads_for(children.n):
            self.read_outs(child, rel, figures.arrays(), day_sums, max(episodes, 1), constants(params, 1.0), partial)
        return partial.sum(axis=0)


#: what the 'cuda' kernel needs, said when this machine lacks it
CUDA_NEEDS = "an NVIDIA GPU with its driver, and numba-cuda: pip install 'securebase[cuda]' (or the 'cpu' kernel)"


def kernel_unavailable(kernel: str) -> str | None:
    """Why ``kernel`` cannot run on this machine, as the end of a one-line error ('..., but <this>'), or None.

    Only 'cuda' can be missing: numba-cuda not installed, or no GPU or driver. The commands ask before they make
    their output folder (else the driver's error would come on the first day, after a traceback, leaving the folder
    behind). numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1, the tests') counts as a GPU.
    """
    if kernel != "cuda":
        return None
    try:
        from numba import cuda
    except ImportError as error:
        return f"numba-cuda cannot be imported ({error}); expected {CUDA_NEEDS}"
    if cuda.is_available():  # initialises the driver; never raises
        return None
    error = cuda.cuda_error() if hasattr(cuda, "cuda_error") else None  # the driver's reason, when it gives one
    reason = " ".join(str(error).split()).rstrip(":. ")[:200] if error else "no CUDA GPU was found"
    return f"this machine cannot run it ({reason}); expected {CUDA_NEEDS}"


@cache
def elementwise(function: Callable) -> Callable:
    """A scalar model function of plain arguments as a compiled NumPy ufunc (compiled on first use)."""
    return retarget(function, numba.vectorize(), numba.njit(error_model="numpy"))


@cache
def loops_for(kernel: str) -> Loops:
    """The CPU's compiled loops (``cpu``) or the readable ones (``readable``); compiled once, on first use."""
    if kernel == "cpu":
        return Loops("cpu", compiled=True)
    if kernel == "readable":
        return Loops("readable", compiled=False)
    raise ValueError(f"kernel must be one of {KERNELS} here, got {kernel!r}")


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
    kernel: str = "cpu",
) -> EpisodeRecord:
    """One step of every child (model/step.py) on ``kernel`` (KERNELS): see :meth:`Loops.step`."""
    if kernel == "cuda":
        from securebase.engine.kernels import cuda

        return cuda.step(children, figures, present, attention, need, draws, params, dt_days, steps_per_episode, out)
    return loops_for(kernel).step(
        children, figures, present, attention, need, draws, params, dt_days, steps_per_episode, out
    )
