"""Anxiety: raised by needs, buffered by felt security, calmed by a trusted figure (S1, S2)."""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.state import rowmax


def need_magnitude(uniform: np.ndarray, params: ModelParameters, scale: float = 1.0) -> np.ndarray:
    """A need (novelty, discomfort, a setback) of exponential size, by inverse CDF of a uniform.

    Inverse-CDF sampling keeps the number of random draws fixed per episode, so
    two runs that differ in one parameter share their random numbers.
    """
    return np.minimum(1.0, -scale * params.need_mean * np.log1p(-uniform))


def raise_by_need(
    anxiety: np.ndarray, need: np.ndarray, felt_security: np.ndarray, params: ModelParameters
) -> np.ndarray:
    """Anxiety after a need arises: felt security buffers how much of it is felt."""
    felt = need * (1.0 - params.security_buffering * felt_security)
    return anxiety + (1.0 - anxiety) * felt


def relax(
    anxiety: np.ndarray,
    felt_security: np.ndarray,
    self_regulation: float | np.ndarray,
    base_calming: float | np.ndarray,
) -> np.ndarray:
    """Anxiety after a quiet spell: own regulation plus the calming of a secure base."""
    return anxiety * (1.0 - self_regulation) * (1.0 - base_calming * felt_security)


def felt_security_target(
    trust: np.ndarray,
    fear: np.ndarray,
    present: np.ndarray,
    prior_trust: np.ndarray,
    prior_fear: np.ndarray,
    internalised: np.ndarray,
) -> np.ndarray:
    """The security a child can feel now: from the best figure present, else what it has internalised."""
    with_figure = rowmax(np.where(present, trust * (1.0 - fear), 0.0))
    alone = internalised * prior_trust * (1.0 - prior_fear)
    return np.maximum(with_figure, alone)
