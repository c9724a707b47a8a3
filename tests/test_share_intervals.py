"""Intervals of shares and of differences of shares: score intervals (Wilson, Newcombe), never outside [0, 1] or
[-1, 1], never zero-width; the change study's `-1 [-1, -1]` and `[-1.002, -0.988]` cannot recur."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from securebase.studies import statistics


def pairs(draw_n: int = 200) -> st.SearchStrategy:
    return st.integers(min_value=1, max_value=draw_n).flatmap(lambda n: st.tuples(arrays(bool, n), arrays(bool, n)))


def test_all_changed_the_same_way_is_not_a_zero_width_interval() -> None:
    after, control = np.zeros(40, bool), np.ones(40, bool)
    e = statistics.paired_difference(after, control)  # the change study's call
    assert e.value == -1.0
    assert e.low == -1.0
    assert -1.0 < e.high < -0.8


def test_near_the_boundary_the_interval_stays_within_minus_one_and_one() -> None:
    after, control = np.zeros(250, bool), np.ones(250, bool)
    after[:3] = True  # -0.988: the t interval gave [-1.002, -0.974]
    e = statistics.paired_difference(after, control)
    assert e.value == -0.988
    assert -1.0 <= e.low < e.value < e.high <= 1.0


@given(pairs())
def test_paired_share_differences_are_within_range_and_never_zero_width(ab: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = ab
    e = statistics.paired_difference(a, b)
    assert -1.0 <= e.low <= e.value <= e.high <= 1.0
    assert e.low < e.high
    assert e.value == a.mean() - b.mean()


@given(arrays(bool, st.integers(min_value=1, max_value=200)), arrays(bool, st.integers(min_value=1, max_value=200)))
def test_unpaired_share_differences_and_shares_are_within_range(a: np.ndarray, b: np.ndarray) -> None:
    e = statistics.mean_difference(a, b)
    assert -1.0 <= e.low <= e.value <= e.high <= 1.0
    assert e.low < e.high
    s = statistics.mean(a)
    assert 0.0 <= s.low <= s.value <= s.high <= 1.0
    assert s.low < s.high


def test_the_paired_interval_covers_the_true_difference_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(7)
    n, reps, hits = 60, 2000, 0
    p_a, p_b = 0.85, 0.95  # correlated pairs near the boundary
    for _ in range(reps):
        latent = rng.random(n)
        a, b = latent < p_a, (latent < p_b) ^ (rng.random(n) < 0.03)
        truth = p_a - (p_b * 0.97 + (1 - p_b) * 0.03)
        e = statistics.paired_difference(a, b)
        hits += e.low <= truth <= e.high
    assert 0.92 <= hits / reps <= 0.99, hits / reps


def test_numbers_that_are_not_shares_keep_their_t_intervals() -> None:
    a, b = np.array([0.1, 0.4, 0.3, 0.9]), np.array([0.2, 0.2, 0.1, 0.5])
    d = a - b
    e = statistics.paired_difference(a, b)
    assert np.isclose(e.value, d.mean())
    assert e == statistics.mean(d)
