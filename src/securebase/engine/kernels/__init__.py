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
from pathlib import Path
from typing import TYPE_CHECKING

import numba
import numpy as np

from securebase.choices import KERNELS
from securebase.engine.kernels import loops
from securebase.engine.kernels.retarget import cached, retarget
from securebase.model.step import CHILD_DRAWS
from securebase.sizing import PARALLEL_FROM_CHILDREN

if TYPE_CHECKING:  # engine/uniforms.py imports this package (retarget): a name for annotations only
    from securebase.engine.uniforms import UniformStream

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
    """The loops of kernels/loops.py for one target, by name: compiled for the CPU, or as written."""

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


class Host:
    """The host's arrays and loops, for engine/driver.py: the CPU's compiled loops ('cpu') or the same loops as
    written ('readable'). The GPU's counterpart is kernels.cuda.Device."""

    #: the driver runs on the host's own arrays: nothing is copied, and the host's state is always current
    copies = False

    def __init__(self, kernel: str):
        self.name = kernel
        self.loops = loops_for(kernel)

    def launch(self, loop: str, n: int) -> Callable:
        """The loop ``loop``, run over ``n`` children (on one thread for a small population) when called."""
        function = getattr(self.loops, loop)

        def run(*arguments: object) -> None:
            with threads_for(n):
                function(*arguments)

        return run

    def rows(self, n: int) -> int:
        """Rows of a loop's partial sums over ``n`` children: one per chunk."""
        return chunks(n)

    def put(self, values: object) -> object:
        return values

    def take(self, device: object, host: object) -> None:
        """Nothing to copy: the loops ran on the host's arrays."""

    def get(self, values: np.ndarray) -> np.ndarray:
        return values

    def zeros(self, shape: int | tuple[int, ...], dtype: object = np.float64) -> np.ndarray:
        return np.zeros(shape, dtype)

    def zero(self, values: np.ndarray) -> None:
        values.fill(0)

    def uniforms(self, stream: UniformStream, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (float32) with the stream's next numbers, in place."""
        return stream.fill(out)

    def child_uniform_buffer(self, n: int) -> np.ndarray:
        """Where an episode's children's uniforms are written: (CHILD_DRAWS, n) float32."""
        return np.zeros((CHILD_DRAWS, n), np.float32)

    def child_uniforms(self, stream: UniformStream, n: int, out: np.ndarray) -> np.ndarray:
        """An episode's children's uniforms: the stream's next numbers in ``out`` (CHILD_DRAWS, n)."""
        return stream.fill(out)


def backend_for(kernel: str) -> Host:
    """Where ``kernel`` (KERNELS) runs the loops: the host's arrays, or the GPU's (kernels.cuda.Device)."""
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, got {kernel!r}")
    if kernel == "cuda":
        from securebase.engine.kernels.cuda import Device

        return Device()
    return Host(kernel)


def cache_folder() -> Path | None:
    """Where numba keeps the CPU's compiled loops (None: no on-disk cache here)."""
    try:
        return Path(getattr(loops_for("cpu"), loops.LOOPS[0].__name__)._cache.cache_path)
    except AttributeError:
        return None


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

