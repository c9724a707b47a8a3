"""Age and time: how fast a child learns at a given age, and rates per step.

One set of per-episode rates serves both time scales: the developmental one
(episodes strung into days) and the moment one (an episode cut into seconds).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from securebase.model.parameters import ModelParameters

DAYS_PER_YEAR = 365.25
MINUTES_PER_DAY = 1440.0


def per_step(rate_per_episode: float, steps_per_episode: float) -> float:
    """The fraction that a per-episode proportional rate removes in one shorter step.

    ``1 - (1 - r) ** (1 / k)``: k steps compound to exactly one episode's rate,
    so the moment scale and the developmental scale share the same mechanism.
    """
    if steps_per_episode == 1.0:
        return 1.0 - (1.0 - rate_per_episode)  # x ** 1.0 is x: skipping pow saves most of its cost
    return 1.0 - (1.0 - rate_per_episode) ** (1.0 / steps_per_episode)


#: ages are tabulated for each whole day of life up to this many days
MAX_AGE_DAYS = int(100 * DAYS_PER_YEAR)
_YEARS_OF_DAY = np.arange(MAX_AGE_DAYS + 1) / DAYS_PER_YEAR


def _read_only(table: np.ndarray) -> np.ndarray:
    table.flags.writeable = False  # cached and shared: nobody may change it
    return table


def day_of_age(age_days: float) -> int:
    """Whole days of life: the age at which the age-dependent rates below are evaluated.

    Rates change over months and years, so evaluating them once per day of age
    changes them by under 0.1% and makes them a table lookup (modelling choice).
    """
    return min(max(int(age_days), 0), MAX_AGE_DAYS)


def days_of_age(age_days: np.ndarray) -> np.ndarray:
    """:func:`day_of_age` of an array of ages."""
    return np.clip(np.asarray(age_days).astype(np.int64), 0, MAX_AGE_DAYS)


@lru_cache(maxsize=32)
def plasticity_by_day(floor: float, timescale_years: float) -> np.ndarray:
    """Plasticity at each whole day of age: 1 at birth, slowing with age, never below the floor (S8)."""
    return _read_only(floor + (1.0 - floor) * np.exp(-_YEARS_OF_DAY / timescale_years))


@lru_cache(maxsize=32)
def internalisation_by_day(maximum: float, timescale_years: float) -> np.ndarray:
    """Internalisation at each whole day of age."""
    return _read_only(maximum * (1.0 - np.exp(-_YEARS_OF_DAY / timescale_years)))


@lru_cache(maxsize=32)
def tantrum_rate_by_day(floor: float, peak: float, peak_age_years: float, width_years: float) -> np.ndarray:
    """Tantrums per day at middling anxiety at each whole day of age, peaking in toddlerhood."""
    return _read_only(floor + peak * np.exp(-(((_YEARS_OF_DAY - peak_age_years) / width_years) ** 2)))


@lru_cache(maxsize=32)
def undirected_by_day(timescale_years: float) -> np.ndarray:
    """Share of an infant's signalling addressed to whoever is there, at each whole day of age: all of it at
    birth, fading over the first months as attachment becomes discriminating (Bowlby 1969, phases 1-3)."""
    return _read_only(np.exp(-_YEARS_OF_DAY / timescale_years))


def plasticity(age_days: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Multiplier of learning rates: 1 at birth, slowing with age, never below the floor (S8)."""
    table = plasticity_by_day(params.plasticity_floor, params.plasticity_timescale_years)
    return table.take(days_of_age(age_days))
