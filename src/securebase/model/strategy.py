"""The attachment strategy a child has come to use with a figure, read off its working model (S12).

Nothing assigns a strategy: it is the learned signalling gain and fear. Open
signalling is secure (B), suppressed signalling avoidant (A), amplified
signalling ambivalent (C); a figure feared while needed leaves no coherent
strategy: disorganised (D), which takes precedence as in Main & Solomon's coding.
"""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.state import STRATEGIES

SECURE, AVOIDANT, AMBIVALENT, DISORGANISED = range(4)


def classify(gain: np.ndarray, fear: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Strategy index (into STRATEGIES) for each (child, figure)."""
    strategy = np.full(np.shape(gain), SECURE, dtype=np.int8)
    strategy[gain < -params.gain_threshold] = AVOIDANT
    strategy[gain > params.gain_threshold] = AMBIVALENT
    strategy[fear > params.fear_threshold] = DISORGANISED
    return strategy


def shares(strategy: np.ndarray) -> dict[str, float]:
    """Share of each strategy in a 1-d array of strategy indices."""
    counts = np.bincount(strategy.astype(np.int64), minlength=len(STRATEGIES))
    total = max(int(counts.sum()), 1)
    return {name: counts[i] / total for i, name in enumerate(STRATEGIES)}
