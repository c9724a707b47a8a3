"""Age and time: how fast a child learns at a given age, and rates per step.

One set of per-episode rates serves both time scales: the developmental one
(episodes strung into days) and the moment one (an episode cut into seconds).
"""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters

DAYS_PER_YEAR = 365.25


def per_step(rate_per_episode: float | np.ndarray, steps_per_episode: float) -> float | np.ndarray:
    """The fraction that a per-episode proportional rate removes in one shorter step.

    ``1 - (1 - r) ** (1 / k)``: k steps compound to exactly one episode's rate,
    so the moment scale and the developmental scale share the same mechanism.
    """
    return 1.0 - (1.0 - np.asarray(rate_per_episode)) ** (1.0 / steps_per_episode)


def plasticity(age_days: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Multiplier of learning rates: 1 at birth, slowing with age, never below the floor (S8)."""
    years = age_days / DAYS_PER_YEAR
    floor = params.plasticity_floor
    return floor + (1.0 - floor) * np.exp(-years / params.plasticity_timescale_years)


def internalisation(age_days: np.ndarray, params: ModelParameters) -> np.ndarray:
    """How much of the general prior's security a child carries when no figure is present."""
    years = age_days / DAYS_PER_YEAR
    return params.internalisation_max * (1.0 - np.exp(-years / params.internalisation_timescale_years))


def tantrum_rate_per_day(age_days: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Expected tantrums per day of a child at middling anxiety, peaking in toddlerhood."""
    years = age_days / DAYS_PER_YEAR
    bump = np.exp(-(((years - params.tantrum_peak_age_years) / params.tantrum_age_width_years) ** 2))
    return params.tantrum_floor_per_day + params.tantrum_peak_per_day * bump
