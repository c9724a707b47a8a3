"""The step on an NVIDIA GPU: the model's functions compiled as device functions, threads over children.

The kernels below only map threads to children (a grid-stride loop) and add
up the count and read-out rows (each thread sums its children into a local
row, then adds it to its block's row atomically); every formula is the
model's own (model/step.py, model/tally.py, engine/uniforms.py), compiled by
numba-cuda from the same source as the CPU loops. :class:`Device` is the
GPU as a backend of the driver (engine/driver.py): where the arrays live and
how a kernel is launched; the driver keeps a population there and copies state
back only when the host needs it (events, trajectories, checkpoints, the final tables).

Without a GPU these kernels run under numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``, set before numba is imported), which is how the
tests check them (tests/test_kernels.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numba
import numpy as np

from securebase.engine.kernels.retarget import retarget
from securebase.engine.uniforms import UniformStream, uniform_at
from securebase.model.caregiving import daily_attention
from securebase.model.drift import drift_child, drifted
from securebase.model.step import CHILD_DRAWS, end_of_day, engine_episode, episode, mask_of, uniform
from securebase.model.tally import COUNT_ROW, READOUT_ROW, count_episode, read_out

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
# Each takes the arguments of the CPU's loop of the same name (kernels/loops.py), so that the driver
# (engine/driver.py) launches either with one call; ``chunks`` is the CPU's cut of the population (a GPU's
# threads need none), and ``partial`` has a row per block: a thread adds its children into a row of its own,
# then into its block's row atomically (in shared memory for the day's episodes), and the driver adds the
# blocks' rows.


def step_children(child, rel, fig, present, need, attention, u, tables, c, out, chunks):
    for i in range(cuda.grid(1), child.anxiety.shape[0], cuda.gridsize(1)):
        episode(i, child, rel, fig, mask_of(i, present), need[i], attention, u, tables, c, out)


def engine_episodes(child, rel, fig, availability, attention, u, u_figure, tables, c, out, tally, partial, counting):
    # the block's counts in shared memory: its threads add their rows there (fast atomics, no contention with other
    # blocks), then the block adds its row to its own row of ``partial``, which no other block writes
    block_row = cuda.shared.array(COUNT_ROW, numba.int64)
    thread = cuda.threadIdx.x
    for r in range(thread, COUNT_ROW, cuda.blockDim.x):
        block_row[r] = 0
    row = cuda.local.array(COUNT_ROW, numba.int64)
    for r in range(COUNT_ROW):
        row[r] = 0
    cuda.syncthreads()
    for i in range(cuda.grid(1), child.anxiety.shape[0], cuda.gridsize(1)):
        engine_episode(i, child, rel, fig, availability, attention, u, u_figure, tables, c, out)
        if counting:
            count_episode(i, out, child, tally, row)
    for r in range(COUNT_ROW):
        if row[r] != 0:
            cuda.atomic.add(block_row, r, row[r])
    cuda.syncthreads()
    block = cuda.blockIdx.x
    for r in range(thread, COUNT_ROW, cuda.blockDim.x):
        partial[block, r] += block_row[r]


def end_of_days(child, rel, tables, c, chunks):
    for i in range(cuda.grid(1), child.anxiety.shape[0], cuda.gridsize(1)):
        end_of_day(i, child, rel, tables, c)


def read_outs(child, rel, fig, day_sums, episodes, c, partial):
    row = cuda.local.array(READOUT_ROW, numba.float64)
    for r in range(READOUT_ROW):
        row[r] = 0.0
    for i in range(cuda.grid(1), child.anxiety.shape[0], cuda.gridsize(1)):
        read_out(i, child, rel, fig, day_sums, episodes, c, row)
    block = cuda.blockIdx.x
    for r in range(READOUT_ROW):
        if row[r] != 0.0:
            cuda.atomic.add(partial, (block, r), row[r])


def attention_today(consistency, drift, u, lapse_attention, out, chunks):
    for i in range(cuda.grid(1), consistency.shape[0], cuda.gridsize(1)):
        for j in range(consistency.shape[1]):
            out[i, j] = daily_attention(drifted(consistency[i, j], drift[i, j]), u[i, j], lapse_attention)


def drift_care(care_drift, u, persistence, drift_sd, chunks):
    for i in range(cuda.grid(1), care_drift.shape[0], cuda.gridsize(1)):
        drift_child(i, care_drift, u, persistence, drift_sd)


def fill_uniforms(out, key, start):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = uniform_at(key, start + np.uint64(i))


def zero(values):
    for i in range(cuda.grid(1), values.shape[0], cuda.gridsize(1)):
        values[i] = 0


def uniform_generated(u, row, i):
    """:func:`model.step.uniform` in the GPU's day kernel: child ``i``'s uniform for ``row`` made where it is used,
    from ``u`` = (the stream's key, the episode's first position, n): the number the CPU reads from memory, at the
    same position of the same stream (UniformStream.fill), so the same number bit for bit."""
    key, start, n = u
    return np.float64(uniform_at(key, start + np.uint64(row) * n + np.uint64(i)))


KERNELS = (step_children, engine_episodes, end_of_days, read_outs, attention_today, drift_care, fill_uniforms, zero)


@cache
def compiled() -> dict:
    """The kernels compiled for the GPU (on first use), by name.

    The day's episode kernel is compiled with :func:`uniform_generated` in place of ``model.step.uniform``: its
    children's uniforms are made in the kernel instead of written to the GPU's memory by one launch and read back
    by the next (CHILD_DRAWS of them per child and episode). The moment kernel reads its uniforms as given.
    """
    _numba_cuda()
    done: dict = {}
    kernels = {kernel.__name__: retarget(kernel, cuda.jit, cuda.jit(device=True), done) for kernel in KERNELS}
    device = cuda.jit(device=True)
    generated = {uniform: retarget(uniform_generated, device, device, {})}
    kernels["engine_episodes"] = retarget(engine_episodes, cuda.jit, device, generated)
    return kernels


def grid(n: int) -> tuple[int, int]:
    """(blocks, threads per block) for ``n`` items."""
    threads = min(THREADS_PER_BLOCK, 32 * max(1, math.ceil(n / 32)))
    return max(1, min(math.ceil(n / threads), MAX_BLOCKS)), threads


# ---- the GPU as a backend of the driver -----------------------------------------------------------


class Device:
    """The GPU's arrays and launches, for engine/driver.py (the host's counterpart is kernels.Host)."""

    name = "cuda"
    #: the population is copied here: the host's arrays are stale until :meth:`take` copies them back
    copies = True

    def __init__(self) -> None:
        _numba_cuda()
        self.kernels = compiled()

    def launch(self, loop: str, n: int) -> Callable:
        """The kernel ``loop``, launched over ``n`` children when called with its arguments."""
        return self.kernels[loop][grid(n)]

    def rows(self, n: int) -> int:
        """Rows of a kernel's partial sums over ``n`` children: one per block."""
        return grid(n)[0]

    def put(self, values: Any) -> Any:
        """An array, or a named tuple of arrays, copied to the GPU."""
        if isinstance(values, tuple):
            return type(values)(*(self.put(v) for v in values))
        return cuda.to_device(np.ascontiguousarray(values))

    def take(self, device: Any, host: Any) -> None:
        """Copy the GPU's ``device`` (an array or a named tuple of them) into the host's ``host``, in place."""
        if isinstance(host, tuple):
            for source, target in zip(device, host, strict=True):
                self.take(source, target)
        else:
            device.copy_to_host(host)

    def get(self, device: Any) -> np.ndarray:
        """A host copy of a GPU array."""
        return device.copy_to_host()

    def zeros(self, shape: int | tuple[int, ...], dtype: Any = np.float64) -> Any:
        values = cuda.device_array(shape, dtype)
        self.zero(values)
        return values

    def zero(self, values: Any) -> None:
        flat = values.reshape(values.size)
        self.launch("zero", flat.shape[0])(flat)

    def uniforms(self, stream: UniformStream, out: Any) -> Any:
        """Fill ``out`` (float32, on the GPU) with the stream's next numbers, in place, on the GPU."""
        flat = out.reshape(out.size)
        self.launch("fill_uniforms", flat.shape[0])(flat, np.uint64(stream.key), np.uint64(stream.position))
        stream.position += out.size
        return out

    def child_uniforms(self, stream: UniformStream, n: int, out: None = None) -> tuple:
        """The stream's next CHILD_DRAWS x ``n`` numbers for the day's episode kernel, which makes them itself
        (:func:`uniform_generated`): what it needs to (the key, the first position, n)."""
        start = stream.position
        stream.position += CHILD_DRAWS * n
        return np.uint64(stream.key), np.uint64(start), np.uint64(n)

    def child_uniform_buffer(self, n: int) -> None:
        """No buffer: the episode kernel makes its children's uniforms."""
