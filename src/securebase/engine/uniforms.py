"""Counter-based uniform random numbers for the population engine, filled on every core.

The n-th number of a stream is a pure function of its key and n: SplitMix64
(Steele, Lea & Flood 2014), the generator that seeds Java's SplittableRandom
and passes BigCrush, evaluated at position n. So any number of threads fill a
step's draws in any order and get the same numbers: reproducible whatever the
machine, and parallel where NumPy's sequential generators are not (filling a
step's uniforms on one core was a fifth of a large run's time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from securebase.engine.kernels.retarget import retarget
from securebase.model.step import CHILD_DRAWS, FIGURE_DRAWS


@dataclass
class Draws:
    """The random numbers of one step: per child (CHILD_DRAWS, n) and per relationship (FIGURE_DRAWS, n, k)."""

    child: np.ndarray
    figure: np.ndarray


def draw(rng: np.random.Generator, n: int, k: int) -> Draws:
    """The uniforms of one step from a NumPy generator (the developmental engine uses a UniformStream)."""
    # single precision: ample for uniforms compared with probabilities, and half the cost
    return Draws(
        child=rng.random((CHILD_DRAWS, n), dtype=np.float32),
        figure=rng.random((FIGURE_DRAWS, n, k), dtype=np.float32),
    )


_GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = np.float32(2.0**-24)


def splitmix64(key: np.uint64, position: np.uint64) -> np.uint64:
    """The ``position``-th output of the SplitMix64 stream ``key``."""
    z = key + (position + np.uint64(1)) * _GOLDEN_GAMMA
    z = (z ^ (z >> np.uint64(30))) * _MIX_1
    z = (z ^ (z >> np.uint64(27))) * _MIX_2
    return z ^ (z >> np.uint64(31))


def uniform_at(key: np.uint64, position: np.uint64) -> np.float32:
    """The uniform at ``position``: the top 24 bits, every float32 in [0, 1) on a 2^-24 grid, never 1."""
    return np.float32(splitmix64(key, position) >> np.uint64(40)) * _TO_UNIT


def fill_uniforms(out: np.ndarray, key: np.uint64, start: np.uint64) -> None:
    """Fill a flat float32 array with the stream's numbers from ``start`` (the GPU does the same, kernels/cuda.py)."""
    for i in numba.prange(out.size):
        out[i] = uniform_at(key, start + np.uint64(i))


_fill = retarget(fill_uniforms, numba.njit(parallel=True, cache=True), numba.njit)
#: the same loop on one thread: small fills cost less than waking threads (and far less when cores are shared)
_fill_serial = retarget(fill_uniforms, numba.njit(cache=True), numba.njit)
#: fills smaller than this run on one thread; the numbers are the same either way
PARALLEL_FROM_NUMBERS = 250_000


@dataclass
class UniformStream:
    """A stream of uniforms in [0, 1): a key and how many numbers it has given so far."""

    key: int
    position: int = 0

    @classmethod
    def from_seed(cls, seed: np.random.SeedSequence) -> UniformStream:
        return cls(key=int(seed.generate_state(1, dtype=np.uint64)[0]))

    def fill(self, out: np.ndarray) -> np.ndarray:
        """Fill a C-contiguous float32 array with the stream's next numbers (in place) and return it."""
        if out.dtype != np.float32 or not out.flags.c_contiguous:
            raise ValueError("UniformStream.fill needs a C-contiguous float32 array")
        fill = _fill if out.size >= PARALLEL_FROM_NUMBERS else _fill_serial
        fill(out.reshape(-1), np.uint64(self.key), np.uint64(self.position))
        self.position += out.size
        return out

    def draws(self, n: int, k: int, out: Draws | None = None) -> Draws:
        """The uniforms of one step (as :func:`draw`), into ``out`` if given."""
        if out is None:
            out = Draws(
                child=np.empty((CHILD_DRAWS, n), np.float32), figure=np.empty((FIGURE_DRAWS, n, k), np.float32)
            )
        self.fill(out.child)
        self.fill(out.figure)
        return out
