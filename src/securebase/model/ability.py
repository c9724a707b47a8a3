"""General ability: a per-child trait, IQ-like, that security does not cause (docs/model.md §10).

Each child has a general ability ``g``, a standard normal score (IQ = 100 +
15 g), drawn once from its own random stream: nothing in the child's history
or relationships sets it, so "learning vs IQ" can be asked of the model. It
acts at school on hard tasks (model/school.py): the chance that an attempt
succeeds, on the logit scale, shifts by ``success_logit`` per SD of ability
(for g = 0 it is the child's competence, as without ability), and a mastered
task teaches ``exp(learning_log_rate * g)`` times ``mastery_gain``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: IQ's mean and SD, for the table (the model uses the standard score)
IQ_MEAN, IQ_SD = 100.0, 15.0


@dataclass(frozen=True)
class AbilityParameters:
    """The constants of general ability (docs/model.md §10, "Classmates and school outcomes")."""

    #: shift of the log-odds that an attempt at a hard task succeeds, per SD of ability
    success_logit: float = 0.5
    #: log of the factor by which a mastered task teaches more, per SD of ability
    learning_log_rate: float = 0.3

    def __post_init__(self) -> None:
        for name in ("success_logit", "learning_log_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 5.0:
                raise ValueError(f"{name} has value {value}; expected a number between 0 and 5")


DEFAULT_ABILITY = AbilityParameters()


def draw_ability(n: int, seed: np.random.SeedSequence) -> np.ndarray:
    """``n`` children's general ability: standard normal scores from their own generator."""
    return np.random.Generator(np.random.PCG64(seed)).standard_normal(n)


def success_probability(competence: np.ndarray, ability: np.ndarray, p: AbilityParameters) -> np.ndarray:
    """P(an attempt at a hard task succeeds): the competence's log-odds shifted by ability (competence at g = 0)."""
    c = np.clip(competence, 1e-12, 1.0 - 1e-12)
    logit = np.log(c) - np.log1p(-c) + p.success_logit * ability
    return np.where(ability == 0.0, competence, 1.0 / (1.0 + np.exp(-logit)))


def mastery_rate(mastery_gain: float, ability: np.ndarray, p: AbilityParameters) -> np.ndarray:
    """The share of what is left to learn that a mastered task teaches: ``mastery_gain`` scaled by ability."""
    return np.minimum(mastery_gain * np.exp(p.learning_log_rate * ability), 1.0)
