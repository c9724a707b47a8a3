"""Exploration and competence: the key benefit of a secure base (S2, S6).

A child explores when anxiety is low and felt security high (Bowlby's and
Bischof's control loops). Competence grows only while exploring, and best
inside a band of moderate arousal (Hiolle & Cañamero). A figure who supports
exploration multiplies what exploring teaches; an inappropriate one intrudes
and interrupts it (Feeney).
"""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters


def exploration_level(anxiety: np.ndarray, felt_security: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Share of the episode spent exploring, in [0, 1]."""
    floor = params.exploration_floor
    return np.clip((1.0 - anxiety) * (floor + (1.0 - floor) * felt_security), 0.0, 1.0)


def intrusion(
    appropriateness: np.ndarray, with_figure: np.ndarray, uniform: np.ndarray, params: ModelParameters
) -> np.ndarray:
    """Whether a present figure intrudes on the child's exploration this episode."""
    return with_figure & (uniform < (1.0 - appropriateness) * params.intrusion_rate)


def learning_band(anxiety: np.ndarray, params: ModelParameters) -> np.ndarray:
    """How well exploring teaches at this arousal: best at moderate anxiety."""
    z = (anxiety - params.learning_band_centre) / params.learning_band_width
    return np.exp(-z * z)


def competence_gain(
    competence: np.ndarray,
    exploration: np.ndarray,
    anxiety: np.ndarray,
    support: np.ndarray,
    dt_days: float,
    params: ModelParameters,
) -> np.ndarray:
    """Competence gained in ``dt_days``: only while exploring, saturating towards 1."""
    rate = params.competence_rate_per_day * dt_days
    boost = 1.0 + params.support_boost * support
    return rate * exploration * learning_band(anxiety, params) * boost * (1.0 - competence)
