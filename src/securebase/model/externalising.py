"""Externalising at school: aggression after a peer's rebuff, and opposition to the teacher's demands.

docs/model.md §10, "Classmates and school outcomes". Two mechanisms beyond
tantrums (model/ruptures.py):

- **Aggression** (social information processing: Dodge 1980; Crick & Dodge
  1994). After a rebuff by a classmate the child reads the rebuff as hostile
  with a probability that rises with what its general working model expects
  of others, rejection and fear: ``hostile_floor + (1 - hostile_floor) × (1 -
  (1 - prior_rejection) × (1 - prior_fear))``; a hostile reading is
  retaliated with probability ``retaliation``. Aggression costs the child:
  the victim's tie to it falls, and a reputation for hostility builds (and
  fades), which lowers its acceptance by classmates (model/peers.py; Coie &
  Dodge 1998 on aggressive-rejected children).
- **Opposition** (coercion: Patterson 1982). When the teacher is with the
  child she makes a demand with probability ``demand_rate``; an anxious child
  who does not trust her opposes it with probability ``opposition_scale ×
  anxiety × (1 - trust in the teacher)`` (capped at 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ExternalisingParameters:
    """The constants of externalising (docs/model.md §10, "Classmates and school outcomes")."""

    #: P(a rebuff is read as hostile) when nothing in the working model expects rejection or fear
    hostile_floor: float = 0.05
    #: P(retaliating against the classmate | the rebuff is read as hostile)
    retaliation: float = 0.5
    #: an act of aggression moves the child's reputation for hostility this share of the way to 1
    hostility_gain: float = 0.2
    #: the reputation moves this share of the way to 0 in each school episode
    hostility_decay: float = 0.005
    #: an act of aggression moves the victim's tie to the aggressor this share of the way to 0
    aggression_tie_loss: float = 0.3
    #: P(the teacher makes a demand of the child | she is with it) in a school episode
    demand_rate: float = 0.25
    #: P(opposing a demand) = opposition_scale × anxiety × (1 - trust in the teacher), at most 1
    opposition_scale: float = 1.0

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            limit = 4.0 if name == "opposition_scale" else 1.0
            if not 0.0 <= value <= limit:
                raise ValueError(f"{name} has value {value}; expected a number between 0 and {limit:g}")


DEFAULT_EXTERNALISING = ExternalisingParameters()


def hostile_attribution_probability(
    prior_rejection: np.ndarray, prior_fear: np.ndarray, p: ExternalisingParameters
) -> np.ndarray:
    """P(a peer's rebuff is read as hostile): rises with the expected rejection and fear of the general prior."""
    expected_hostility = 1.0 - (1.0 - prior_rejection) * (1.0 - prior_fear)
    return p.hostile_floor + (1.0 - p.hostile_floor) * expected_hostility


def aggression_probability(prior_rejection: np.ndarray, prior_fear: np.ndarray, p: ExternalisingParameters) -> np.ndarray:
    """P(aggression against the classmate | rebuffed): a hostile reading, then retaliation."""
    return p.retaliation * hostile_attribution_probability(prior_rejection, prior_fear, p)


def opposition_probability(anxiety: np.ndarray, trust: np.ndarray, p: ExternalisingParameters) -> np.ndarray:
    """P(opposing a teacher's demand): rises with anxiety and with distrust of the teacher."""
    return np.minimum(p.opposition_scale * anxiety * (1.0 - trust), 1.0)
