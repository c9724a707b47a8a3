"""Population state as arrays: children on axis 0, figures on axis 1.

There is no object per child. ``Children`` holds what a child is and has
learned; ``Figures`` holds what each of its figures is like (an input that
events may change). One child and a million children use the same arrays.

Documented ranges (checked by :func:`check_ranges`):

- anxiety, felt_security, exploration, competence: [0, 1]
- distress_shown, attention_to_toys (the display, model/display.py): [0, 1]
- trust, unpredictability, fear, rejection, unavailability and their priors, familiarity: [0, 1]
- negative_emotionality, soothability (temperament, multipliers around 1): > 0
- gain (signalling gain, log scale): [-gain_limit, gain_limit]
- age_days: >= 0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from securebase.choices import PRECISIONS

#: The five caregiving qualities of the seed (S1), each a separate parameter.
QUALITIES: tuple[str, ...] = (
    "consistency",
    "appropriateness",
    "sensitivity",
    "warmth",
    "reliability",
)
#: Everything else a figure brings: support of exploration and intrusion (S6), ruptures and repair (S5),
#: anomalous (frightening, frightened, disrupted) behaviour (Main & Hesse 1990): its rate per day and severity.
HABITS: tuple[str, ...] = (
    "exploration_support",
    "intrusiveness",
    "rupture_rate",
    "repair_propensity",
    "repair_latency_days",
    "anomalous_rate",
    "anomalous_severity",
)
FIGURE_TRAITS: tuple[str, ...] = QUALITIES + HABITS
#: Traits that are probabilities or proportions, kept in [0, 1].
UNIT_TRAITS: tuple[str, ...] = (
    *QUALITIES, "exploration_support", "intrusiveness", "repair_propensity", "anomalous_severity",
)  # fmt: skip

SETTINGS: tuple[str, ...] = ("home", "school")
HOME, SCHOOL = 0, 1

#: Bid types by the order in which they enter the repertoire (S3).
BID_TYPES: tuple[str, ...] = ("crying", "smiling", "reaching", "approaching", "verbal")

#: Kinds of rupture: none pending, the adult's (harshness, unfairness), the child's (tantrum).
NO_RUPTURE, ADULT_RUPTURE, CHILD_RUPTURE = 0, 1, 2

STRATEGIES: tuple[str, ...] = ("secure", "avoidant", "ambivalent", "disorganised")

#: the most figures a child can have (scenario.schema allows as many); sizes the kernels' count rows
MAX_FIGURES = 16


#: the per-child arrays (n,) of :class:`Children`, and its per-relationship arrays (n, k), by name
CHILD_ARRAYS: tuple[str, ...] = (
    "age_days", "anxiety", "felt_security", "exploration", "competence",
    "negative_emotionality", "soothability",
    "distress_shown", "attention_to_toys",
    "prior_trust", "prior_unpredictability", "prior_fear", "prior_gain", "prior_rejection", "prior_unavailability",
)  # fmt: skip
RELATIONSHIP_ARRAYS: tuple[str, ...] = (
    "known", "trust", "unpredictability", "fear", "gain", "rejection", "unavailability", "familiarity",
    "rupture_kind", "rupture_elapsed_days", "rupture_due_days", "rupture_will_repair",
)  # fmt: skip

#: the state as the kernels take it: named tuples of views of the very arrays (numba and numba-cuda take them)
ChildArrays = NamedTuple("ChildArrays", [(name, np.ndarray) for name in CHILD_ARRAYS])
RelationshipArrays = NamedTuple("RelationshipArrays", [(name, np.ndarray) for name in RELATIONSHIP_ARRAYS])
#: the figures' traits (n, k) and whether each is in the child's life
FigureArrays = NamedTuple("FigureArrays", [(name, np.ndarray) for name in (*FIGURE_TRAITS, "active")])


@dataclass
class Figures:
    """The figures of every child: traits are arrays of shape (n_children, n_figures)."""

    names: tuple[str, ...]
    consistency: np.ndarray
    appropriateness: np.ndarray
    sensitivity: np.ndarray
    warmth: np.ndarray
    reliability: np.ndarray
    exploration_support: np.ndarray
    intrusiveness: np.ndarray
    rupture_rate: np.ndarray
    repair_propensity: np.ndarray
    repair_latency_days: np.ndarray
    anomalous_rate: np.ndarray
    anomalous_severity: np.ndarray
    #: probability of being with the child during an episode, shape (n_figures, len(SETTINGS))
    availability: np.ndarray
    #: whether the figure is part of the child's life now, shape (n_children, n_figures)
    active: np.ndarray

    @property
    def n_figures(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        return self.names.index(name)

    def arrays(self) -> FigureArrays:
        return FigureArrays(*(getattr(self, name) for name in FigureArrays._fields))


@dataclass
class Children:
    """Child state (shape (n,)) and working models, one per figure (shape (n, n_figures))."""

    age_days: np.ndarray
    anxiety: np.ndarray
    felt_security: np.ndarray
    exploration: np.ndarray
    competence: np.ndarray
    # temperament (Thomas & Chess 1977; Rothbart 1981): multipliers of need and of soothing, mean 1
    negative_emotionality: np.ndarray
    soothability: np.ndarray
    # the display (model/display.py): what others see of the child's arousal, and where its attention goes;
    # written by every step, read by the instruments (anxiety is the separate, physiological read-out)
    distress_shown: np.ndarray
    attention_to_toys: np.ndarray
    # general prior: seeds every new relationship (history carries over)
    prior_trust: np.ndarray
    prior_unpredictability: np.ndarray
    prior_fear: np.ndarray
    prior_gain: np.ndarray
    prior_rejection: np.ndarray
    prior_unavailability: np.ndarray
    # working model per figure
    known: np.ndarray
    trust: np.ndarray
    unpredictability: np.ndarray
    fear: np.ndarray
    gain: np.ndarray
    #: expected share of answered bids that are rebuffed, and of bids that go unanswered
    rejection: np.ndarray
    unavailability: np.ndarray
    #: shared history with the figure: 0 a stranger, 1 a fully familiar attachment figure
    familiarity: np.ndarray
    # the one pending rupture per relationship
    rupture_kind: np.ndarray
    rupture_elapsed_days: np.ndarray
    rupture_due_days: np.ndarray
    rupture_will_repair: np.ndarray

    @property
    def n(self) -> int:
        return int(self.anxiety.shape[0])

    def arrays(self) -> tuple[ChildArrays, RelationshipArrays]:
        """The state as the kernels take it: views of these very arrays."""
        return (
            ChildArrays(*(getattr(self, name) for name in ChildArrays._fields)),
            RelationshipArrays(*(getattr(self, name) for name in RelationshipArrays._fields)),
        )


#: Initial working-model belief of a newborn: no history, middling expectations.
NEWBORN_PRIOR = {
    "trust": 0.5, "unpredictability": 0.25, "fear": 0.0, "gain": 0.0, "rejection": 0.0, "unavailability": 0.0,
}  # fmt: skip
#: the working-model expectations that a new relationship takes from the general prior
PRIOR_SEEDED: tuple[str, ...] = tuple(NEWBORN_PRIOR)


def new_children(n: int, n_figures: int, age_days: float = 0.0, precision: str = "float64") -> Children:
    """Children with no history: newborn priors, no relationships yet.

    ``precision`` is the float type of the state (PRECISIONS); age stays float64 in
    both, so that thousands of short moment steps still add up to the right day.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if n_figures > MAX_FIGURES:
        raise ValueError(f"at most {MAX_FIGURES} figures per child, got {n_figures}")
    f = np.dtype(precision)
    return Children(
        age_days=np.full(n, age_days, np.float64),
        anxiety=np.full(n, 0.2, f),
        felt_security=np.full(n, 0.5, f),
        exploration=np.zeros(n, f),
        competence=np.zeros(n, f),
        negative_emotionality=np.ones(n, f),
        soothability=np.ones(n, f),
        distress_shown=np.zeros(n, f),
        attention_to_toys=np.zeros(n, f),
        **{f"prior_{name}": np.full(n, value, f) for name, value in NEWBORN_PRIOR.items()},
        known=np.zeros((n, n_figures), bool),
        **{name: np.full((n, n_figures), value, f) for name, value in NEWBORN_PRIOR.items()},
        familiarity=np.zeros((n, n_figures), f),
        rupture_kind=np.zeros((n, n_figures), np.int8),
        rupture_elapsed_days=np.zeros((n, n_figures), f),
        rupture_due_days=np.zeros((n, n_figures), f),
        rupture_will_repair=np.zeros((n, n_figures), bool),
    )


def meet(children: Children, mask: np.ndarray) -> None:
    """Start new relationships where ``mask`` (n, n_figures) is true: expectations seeded by the prior, no shared
    history yet (familiarity 0: a new figure is not yet an attachment figure)."""
    children.known |= mask
    for name in PRIOR_SEEDED:
        wm = getattr(children, name)
        prior = getattr(children, f"prior_{name}")
        np.copyto(wm, np.broadcast_to(prior[:, None], wm.shape), where=mask)
    children.familiarity[mask] = 0.0
    children.rupture_kind[mask] = NO_RUPTURE


_UNIT_STATE = (
    "anxiety",
    "felt_security",
    "exploration",
    "competence",
    "distress_shown",
    "attention_to_toys",
    "prior_trust",
    "prior_unpredictability",
    "prior_fear",
    "prior_rejection",
    "prior_unavailability",
    "trust",
    "unpredictability",
    "fear",
    "rejection",
    "unavailability",
    "familiarity",
)


def check_ranges(children: Children, gain_limit: float) -> None:
    """Raise AssertionError naming the first state value outside its documented range."""
    for name in _UNIT_STATE:
        values = getattr(children, name)
        if not np.all(np.isfinite(values)) or values.min() < 0.0 or values.max() > 1.0:
            raise AssertionError(f"{name} left [0, 1]: min {values.min()}, max {values.max()}")
    for name in ("gain", "prior_gain"):
        values = getattr(children, name)
        if np.abs(values).max() > gain_limit + 1e-12:
            raise AssertionError(f"{name} left [-{gain_limit}, {gain_limit}]")
    if children.age_days.min() < 0:
        raise AssertionError("age_days is negative")
    for name in ("negative_emotionality", "soothability"):
        values = getattr(children, name)
        if not np.all(np.isfinite(values)) or values.min() <= 0.0:
            raise AssertionError(f"{name} must be positive")
