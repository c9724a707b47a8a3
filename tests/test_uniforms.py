"""Counter-based uniforms: SplitMix64's sequence, the same whatever the threads, uniform on [0, 1)."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from securebase.engine.uniforms import UniformStream


def _splitmix64(state: int) -> tuple[int, int]:
    """The published algorithm in plain Python integers (Steele, Lea & Flood 2014)."""
    mask = (1 << 64) - 1
    state = (state + 0x9E3779B97F4A7C15) & mask
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return state, z ^ (z >> 31)


def test_the_stream_is_splitmix64s_sequence():
    state, expected = 12345, []
    for _ in range(20):
        state, z = _splitmix64(state)
        expected.append(np.float32(z >> 40) * np.float32(2.0**-24))
    got = UniformStream(key=12345).fill(np.empty(20, np.float32))
    np.testing.assert_array_equal(got, np.array(expected, np.float32))


def test_the_numbers_do_not_depend_on_threads_or_on_how_they_are_asked_for():
    whole = UniformStream(key=7).fill(np.empty(300_000, np.float32))
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        stream = UniformStream(key=7)
        parts = [stream.fill(np.empty(size, np.float32)) for size in (1, 99_999, 200_000)]
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    assert stream.position == 300_000


def test_the_numbers_are_uniform_and_independent():
    values = UniformStream(key=3).fill(np.empty(1_000_000, np.float32)).astype(np.float64)
    assert values.min() >= 0.0
    assert values.max() < 1.0
    counts = np.histogram(values, bins=100, range=(0.0, 1.0))[0]
    chi2 = ((counts - 10_000) ** 2 / 10_000).sum()
    assert chi2 < 150  # 99 degrees of freedom: the 0.1% tail is 148
    lag = np.corrcoef(values[:-1], values[1:])[0, 1]
    assert abs(lag) < 0.005  # sd of a null correlation is 0.001


def test_fill_refuses_arrays_it_cannot_fill_in_place():
    with pytest.raises(ValueError, match="float32"):
        UniformStream(key=1).fill(np.empty(10))
