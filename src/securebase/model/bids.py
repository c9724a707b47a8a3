"""Bids: the signals a child sends to a figure, their intensity and their type by age (S3)."""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.timescale import DAYS_PER_YEAR

#: Age (years) at which each bid type enters the repertoire, and the width of its onset.
#: Crying from birth; the social smile at about six weeks; reaching at about four
#: months; approaching once the infant crawls (about eight months); verbal support
#: seeking with word combinations (about eighteen months). See docs/model.md.
ONSET_YEARS = np.array([0.0, 0.12, 0.35, 0.70, 1.50])
ONSET_WIDTH_YEARS = np.array([0.01, 0.03, 0.06, 0.10, 0.25])


def logistic_noise(uniform: np.ndarray) -> np.ndarray:
    """Standard logistic noise by inverse CDF (fixed draws per episode)."""
    u = np.clip(uniform, 1e-12, 1.0 - 1e-12)
    return np.log(u / (1.0 - u))


def intensity(anxiety: np.ndarray, gain: np.ndarray, noise: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Signal intensity in [0, 1]: anxiety scaled by the learned gain (log scale) and noise.

    A negative gain is a suppressed signal, a positive one an amplified signal.
    """
    return np.clip(anxiety * np.exp(gain + params.signal_noise * noise), 0.0, 1.0)


def _age_preferences(years: np.ndarray) -> np.ndarray:
    """Weights (len(years), 5) of each type at each age, before the bid's intensity is known.

    Crying's and smiling's weights are later multiplied by intensity and by
    (1 - intensity): hard bids are cries, gentle ones smiles.
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


#: the age preferences for each whole day of age up to 100 years, one array per type
#: (a lookup, not a computation per bid)
_COLUMNS = tuple(
    np.ascontiguousarray(column)
    for column in _age_preferences(np.arange(int(100 * DAYS_PER_YEAR) + 1) / DAYS_PER_YEAR).T
)


def repertoire_weights(age_days: np.ndarray, bid_intensity: np.ndarray) -> list[np.ndarray]:
    """Unnormalised weight of each bid type (one array per type) at this age and intensity."""
    day = np.clip(age_days.astype(np.int64), 0, len(_COLUMNS[0]) - 1)
    weights = [column.take(day) for column in _COLUMNS]
    weights[0] *= bid_intensity
    weights[1] *= 1.0 - bid_intensity
    return weights


def bid_type(age_days: np.ndarray, bid_intensity: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Index into BID_TYPES of each child's bid, sampled from the age repertoire."""
    weights = repertoire_weights(age_days, bid_intensity)
    threshold = uniform * sum(weights)
    chosen = np.zeros(len(threshold), np.int8)
    cumulative = np.zeros(len(threshold))
    for weight in weights[:-1]:
        cumulative += weight
        chosen += cumulative < threshold
    return chosen
