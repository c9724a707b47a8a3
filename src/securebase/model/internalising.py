"""Internalising at school: withdrawal from peers and worry.

docs/model.md §10, "Classmates and school outcomes".

- **Withdrawal** (Rubin, Coplan & Bowker 2009 on social withdrawal): a
  classmate is there to approach, the child does not approach, and it is
  anxious (anxiety at or above ``withdrawal_level``): staying out of peer
  contact when it is on offer, out of wariness rather than chance.
- **Worry**: sustained anxiety that no bid relieves: the child is anxious
  (anxiety at or above ``worry_level``) in this school episode and was in the
  previous one, and no bid of this episode was answered warmly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class InternalisingParameters:
    """The constants of internalising (docs/model.md §10, "Classmates and school outcomes")."""

    #: anxiety at or above which not approaching an available classmate counts as withdrawal
    withdrawal_level: float = 0.4
    #: anxiety at or above which a school episode counts towards worry
    worry_level: float = 0.4

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} has value {value}; expected a number above 0 and at most 1")


DEFAULT_INTERNALISING = InternalisingParameters()


def withdrawn(available: np.ndarray, approached: np.ndarray, anxiety: np.ndarray, p: InternalisingParameters) -> np.ndarray:
    """A classmate was there, the child did not approach, and it was anxious."""
    return available & ~approached & (anxiety >= p.withdrawal_level)


def anxious_for_worry(anxiety: np.ndarray, p: InternalisingParameters) -> np.ndarray:
    return anxiety >= p.worry_level


def worried(anxious_now: np.ndarray, anxious_before: np.ndarray, relieved: np.ndarray) -> np.ndarray:
    """Anxious in this school episode and the one before, and no bid answered warmly now."""
    return anxious_now & anxious_before & ~relieved
