"""Bids: the signals a child sends to a figure, their intensity and their type by age (S3).

Scalar functions of one child (see model/step.py); the age repertoire is a
table by whole day of age, built once from :func:`age_preferences`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from securebase.model.timescale import DAYS_PER_YEAR, MAX_AGE_DAYS

#: Age (years) at which each bid type enters the repertoire, and the width of its onset.
#: Crying from birth; the social smile at about six weeks; reaching at about four
#: months; approaching once the infant crawls (about eight months); verbal support
#: seeking with word combinations (about eighteen months). See docs/model.md.
ONSET_YEARS = np.array([0.0, 0.12, 0.35, 0.70, 1.50])
ONSET_WIDTH_YEARS = np.array([0.01, 0.03, 0.06, 0.10, 0.25])


def logistic_noise(uniform: float) -> float:
    """Standard logistic noise by inverse CDF (fixed draws per episode)."""
    u = min(max(uniform, 1e-12), 1.0 - 1e-12)
    return math.log(u / (1.0 - u))


def intensity(anxiety: float, distorted_gain: float) -> float:
    """Signal intensity in [0, 1]: anxiety scaled by the learned gain (log scale) with its noise.

    ``distorted_gain`` is the gain plus ``signal_noise`` x the logistic noise: a
    negative gain is a suppressed signal, a positive one an amplified signal.
    """
    return min(max(anxiety * math.exp(distorted_gain), 0.0), 1.0)


def habitual_signal(anxiety: float, gain: float) -> float:
    """The child's habitual signal (no noise): whether it bids at all is this against ``bid_threshold``."""
    return anxiety * math.exp(gain)


def age_preferences(years: np.ndarray) -> np.ndarray:
    """Weights (len(years), 5) of each type at each age, before the bid's intensity is known.

    Crying's and smiling's weights are later multiplied by intensity and by
    (1 - intensity): hard bids are cries, gentle ones smiles (:func:`bid_type`).
    """
    y = years[:, None]
    available = 1.0 / (1.0 + np.exp(-(y - ONSET_YEARS) / ONSET_WIDTH_YEARS))
    preference = np.stack(
        [
            np.exp(-years / 1.5) + 0.05,  # crying
            np.exp(-years / 2.0) + 0.05,  # smiling
            0.6 * np.exp(-years / 2.5) + 0.05,  # reaching
            np.ones_like(years),  # approaching
            3.0 / (1.0 + np.exp(-(years - 2.5) / 0.5)),  # verbal
        ],
        axis=1,
    )
    return available * preference


@lru_cache(maxsize=1)
def repertoire_by_day() -> np.ndarray:
    """The age preferences (len(BID_TYPES), days) for each whole day of age: a lookup, not a computation per bid."""
    table = np.ascontiguousarray(age_preferences(np.arange(MAX_AGE_DAYS + 1) / DAYS_PER_YEAR).T)
    table.flags.writeable = False
    return table


def bid_type(repertoire: np.ndarray, day: int, bid_intensity: float, uniform: float) -> int:
    """Index into BID_TYPES of a bid, sampled from the age repertoire at whole day of age ``day``."""
    w0 = repertoire[0, day] * bid_intensity
    w1 = repertoire[1, day] * (1.0 - bid_intensity)
    w2 = repertoire[2, day]
    w3 = repertoire[3, day]
    w4 = repertoire[4, day]
    threshold = uniform * (w0 + w1 + w2 + w3 + w4)
    chosen = 0
    cumulative = w0
    if cumulative < threshold:
        chosen += 1
    cumulative += w1
    if cumulative < threshold:
        chosen += 1
    cumulative += w2
    if cumulative < threshold:
        chosen += 1
    cumulative += w3
    if cumulative < threshold:
        chosen += 1
    return chosen
