"""Temperament: what a child brings to every relationship (Thomas & Chess 1977; Rothbart 1981).

Two traits, drawn once per child and kept for life, each a multiplier around 1
(log-normal with mean 1, sd of the log ``temperament_sd``):

- negative emotionality: how strongly a need is felt (reactivity): it scales
  every need's arousal, hence distress and bids, with every figure;
- soothability: how readily the child is calmed, by a figure's warm response and
  by its own regulation.

A child is not the same every day: on the day of a procedure its reactivity
(how strongly the procedure's stresses are felt) is its own times a day
multiplier of the same form, sd of the log ``day_reactivity_sd``
(:func:`reactivity_on_the_day`). It is why one child observed twice in the
same procedure need not show the same (docs/model.md §13, "What limits
stability").

They link a child's relationships (the same child with each figure) without
deciding them: care, not temperament, sets the strategy (van IJzendoorn &
Bakermans-Kranenburg 2012; Vaughn et al. 2008 on the modest temperament-
attachment link).
"""

from __future__ import annotations

import numpy as np


def temperament_multiplier(normal_score: np.ndarray, temperament_sd: float) -> np.ndarray:
    """Log-normal multipliers with mean 1 from standard normal scores."""
    return np.exp(temperament_sd * normal_score - 0.5 * temperament_sd**2)


def draw_temperament(n: int, rng: np.random.Generator, temperament_sd: float) -> tuple[np.ndarray, np.ndarray]:
    """Negative emotionality and soothability of ``n`` children (independent; each mean 1)."""
    scores = rng.standard_normal((2, n))
    return temperament_multiplier(scores[0], temperament_sd), temperament_multiplier(scores[1], temperament_sd)


def reactivity_on_the_day(n: int, rng: np.random.Generator, day_reactivity_sd: float) -> np.ndarray:
    """How strongly each of ``n`` children feels a procedure's stresses today: log-normal, mean 1."""
    return temperament_multiplier(rng.standard_normal(n), day_reactivity_sd)
