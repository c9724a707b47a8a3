"""The attachment strategy a child has come to use with a figure, read off its working model (S12).

Nothing assigns a strategy: it is the learned signalling gain and fear. Open
signalling is secure (B), suppressed signalling avoidant (A), amplified
signalling ambivalent (C); a figure feared while needed leaves no coherent
strategy: disorganised (D), which takes precedence as in Main & Solomon's coding.
"""

from __future__ import annotations

import numba
import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.state import STRATEGIES

SECURE, AVOIDANT, AMBIVALENT, DISORGANISED = range(4)


def strategy_of(gain: float, fear: float, gain_threshold: float, fear_threshold: float) -> int:
    """Strategy index (into STRATEGIES) of one relationship."""
    if fear > fear_threshold:
        return DISORGANISED
    if gain < -gain_threshold:
        return AVOIDANT
    if gain > gain_threshold:
        return AMBIVALENT
    return SECURE


def shares(strategy: np.ndarray) -> dict[str, float]:
    """Share of each strategy in a 1-d array of strategy indices."""
    counts = np.bincount(strategy.astype(np.int64), minlength=len(STRATEGIES))
    total = max(int(counts.sum()), 1)
    return {name: counts[i] / total for i, name in enumerate(STRATEGIES)}


#: :func:`strategy_of` over arrays (compiled on first use)
_strategy_ufunc = numba.vectorize(cache=True)(strategy_of)


def classify(gain: np.ndarray, fear: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Strategy index (into STRATEGIES) for each (child, figure): :func:`strategy_of` elementwise."""
    gain, fear = np.asarray(gain, np.float64), np.asarray(fear, np.float64)
    return _strategy_ufunc(gain, fear, params.gain_threshold, params.fear_threshold).astype(np.int8)
