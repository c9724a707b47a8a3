"""The working model: a child's learned expectations of each figure, and the general prior (S4, S8).

Learning is weighted by the anxiety at the time (anxious episodes teach more,
Petters), slows with age and never stops (plasticity). The signalling gain is
learned by reinforcement from what bids achieve (adaptive signalling): it is
how the A/B/C strategies emerge without being assigned.
"""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters


def learning_weight(anxiety_before: np.ndarray, plasticity: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Learning rate of one bid outcome: anxiety-weighted, age-scaled, at most 0.5."""
    rate = params.learning_rate * plasticity * (1.0 + params.anxiety_weighting * anxiety_before)
    return np.minimum(rate, 0.5)


def update_expectations(
    trust: np.ndarray, unpredictability: np.ndarray, outcome: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Delta-rule update of expected warmth (trust) and of its squared surprise (unpredictability)."""
    surprise = outcome - trust
    new_trust = trust + weight * surprise
    new_unpredictability = unpredictability + weight * (surprise * surprise - unpredictability)
    return new_trust, new_unpredictability


def update_gain(
    gain: np.ndarray,
    baseline: np.ndarray,
    payoff: np.ndarray,
    noise: np.ndarray,
    weight: np.ndarray,
    plasticity: np.ndarray,
    params: ModelParameters,
) -> tuple[np.ndarray, np.ndarray]:
    """Policy-gradient step on the signalling gain, with a learned payoff baseline.

    The gain moves in the direction of the signal noise when a bid paid more
    than usual (REINFORCE, Williams 1992). The payoff includes the cost of
    distorting the signal either way, which keeps open signalling (gain 0)
    where nothing else pays.
    """
    advantage = payoff - baseline
    step = params.gain_learning_rate * plasticity * advantage * noise
    new_gain = np.clip(gain + step, -params.gain_limit, params.gain_limit)
    new_baseline = baseline + weight * advantage
    return new_gain, new_baseline


def frighten(fear: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Fear of a figure after it loses its temper or is unfair to the child."""
    return fear + rate * (1.0 - fear)


def extinguish_fear(fear: np.ndarray, weight: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Time with a figure that does not frighten slowly undoes fear of it (extinction)."""
    return fear * (1.0 - weight * params.fear_extinction)


def update_prior(prior: np.ndarray, models: np.ndarray, known: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Move the general prior towards the mean working model over known figures."""
    count = known.sum(axis=1)
    mean = np.where(known, models, 0.0).sum(axis=1) / np.maximum(count, 1)
    return np.where(count > 0, prior + rate * (mean - prior), prior)


def pull_to_prototype(models: np.ndarray, prior: np.ndarray, known: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Pull each working model slightly towards the prior: stability without freezing (Fraley 2002)."""
    return np.where(known, models + rate[:, None] * (prior[:, None] - models), models)
