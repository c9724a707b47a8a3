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
- alarm_history: >= 0; care_drift (logit units): finite
- prior_evidence, evidence (model v3 part 2: memory): >= 0
"""

from __future__ import annotations

from dataclasses import dataclass, make_dataclass
from typing import Literal, NamedTuple

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


#: Initial working-model belief of a newborn: no history, middling expectations.
NEWBORN_PRIOR = {
    "trust": 0.5, "unpredictability": 0.25, "fear": 0.0, "gain": 0.0, "rejection": 0.0, "unavailability": 0.0,
}  # fmt: skip
#: the working-model expectations that a new relationship takes from the general prior
PRIOR_SEEDED: tuple[str, ...] = tuple(NEWBORN_PRIOR)

#: the kinds of number a state array holds: the run's precision (float64 or float32), or a fixed type
KINDS = {"float": None, "float64": np.float64, "bool": np.bool_, "int8": np.int8}


@dataclass(frozen=True)
class Property:
    """One array of the children's state: its name, whether it is per child (n,) or per relationship (n, k),
    its kind of number (KINDS), the value a newborn with no relationships has, and what it means."""

    name: str
    per: Literal["child", "relationship"]
    kind: str
    default: float
    meaning: str


def _child(name: str, default: float, meaning: str, kind: str = "float") -> Property:
    return Property(name, "child", kind, default, meaning)


def _relationship(name: str, default: float, meaning: str, kind: str = "float") -> Property:
    return Property(name, "relationship", kind, default, meaning)


_WORKING_MODEL = {
    "trust": "expected share of bids the figure answers warmly",
    "unpredictability": "how unpredictable the figure's responses are expected to be",
    "fear": "fear of the figure (anomalous behaviour: frightening, frightened, disrupted)",
    "gain": "signalling gain, log scale: how much the child amplifies (> 0) or minimises (< 0) its bids",
    "rejection": "expected share of answered bids that are rebuffed",
    "unavailability": "expected share of bids that go unanswered",
}


def _children_first(declared: tuple[Property, ...]) -> tuple[Property, ...]:
    """The declaration in its order, the per-child arrays before the per-relationship ones (a later block may
    declare both kinds)."""
    return tuple(p for p in declared if p.per == "child") + tuple(p for p in declared if p.per == "relationship")


#: The children's state, declared once (LASER's ``add_scalar_property`` pattern): the Children dataclass, the
#: kernels' named tuples and their order (ChildArrays, RelationshipArrays), and :func:`new_children` derive
#: from it (tests/test_state.py ties them). The per-child arrays come first, then the per-relationship ones
#: (:func:`_children_first`).
CHILD_STATE: tuple[Property, ...] = _children_first((
    _child("age_days", 0.0, "age in days (float64 in both precisions: thousands of moment steps add up)", "float64"),
    _child("anxiety", 0.2, "the child's anxiety now, [0, 1]"),
    _child("felt_security", 0.5, "felt security, following who is present, [0, 1]"),
    _child("exploration", 0.0, "how much the child explores now, [0, 1]"),
    _child("competence", 0.0, "competence built by exploring, [0, 1]"),
    # temperament (Thomas & Chess 1977; Rothbart 1981): multipliers of need and of soothing, mean 1
    _child("negative_emotionality", 1.0, "temperament: multiplier of need, > 0 (drawn per child)"),
    _child("soothability", 1.0, "temperament: multiplier of soothing, > 0 (drawn per child)"),
    # the display (model/display.py): what others see of the child's arousal, and where its attention goes;
    # written by every step, read by the instruments (anxiety is the separate, physiological read-out)
    _child("distress_shown", 0.0, "distress the child shows now (its display of arousal), [0, 1]"),
    _child("attention_to_toys", 0.0, "share of the child's attention on the toys now (its display), [0, 1]"),
    # general prior: seeds every new relationship (history carries over)
    *(_child(f"prior_{name}", value, f"general prior of {meaning}: seeds a new relationship")
      for name, value, meaning in ((n, NEWBORN_PRIOR[n], _WORKING_MODEL[n]) for n in PRIOR_SEEDED)),
    # working model per figure
    _relationship("known", False, "whether the child has a relationship with the figure", "bool"),
    *(_relationship(name, NEWBORN_PRIOR[name], _WORKING_MODEL[name]) for name in PRIOR_SEEDED),
    _relationship("familiarity", 0.0, "shared history with the figure: 0 a stranger, 1 a fully familiar figure"),
    # the one pending rupture per relationship
    _relationship("rupture_kind", NO_RUPTURE, "the pending rupture: NO_RUPTURE, ADULT_RUPTURE or CHILD_RUPTURE",
                  "int8"),
    _relationship("rupture_elapsed_days", 0.0, "days since the pending rupture opened"),
    _relationship("rupture_due_days", 0.0, "elapsed days at which the pending rupture is decided"),
    _relationship("rupture_will_repair", False, "whether the pending rupture will be repaired", "bool"),
    # model v3 part 2: fear and drift (issue 25, items 3 and 4; model/fright.py, model/drift.py)
    _relationship("alarm_history", 0.0, "accumulated fright from the figure's alarming moments, forgotten over "
                  "months (alarm_memory_days); a longer history slows the extinction of fear, >= 0"),
    _relationship("rupture_alarm", 0.0, "the frights of the alarm that opened the pending adult rupture: what its "
                  "repair takes back from alarm_history"),
    _relationship("care_drift", 0.0, "how far the figure's caregiving has drifted from its drawn level now, in "
                  "logit units, shared by its five qualities (an Ornstein-Uhlenbeck process around 0)"),
    # model v3 part 2: memory (model/working_model.py): the evidence that the prototype and each relationship's
    # expectations rest on
    _child("prior_evidence", 0.0, "days of experience (weighted by the sensitive period) the prototype rests on"),
    _relationship("evidence", 0.0, "outcomes (a pseudo-count that fades over months) the relationship's "
                  "expectations rest on"),
))  # fmt: skip

#: the per-child arrays (n,) of :class:`Children`, and its per-relationship arrays (n, k), by name
CHILD_ARRAYS: tuple[str, ...] = tuple(p.name for p in CHILD_STATE if p.per == "child")
RELATIONSHIP_ARRAYS: tuple[str, ...] = tuple(p.name for p in CHILD_STATE if p.per == "relationship")

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


class _ChildrenMethods:
    """What Children does beyond holding its arrays (its fields are CHILD_STATE's)."""

    anxiety: np.ndarray

    @property
    def n(self) -> int:
        return int(self.anxiety.shape[0])

    def arrays(self) -> tuple[ChildArrays, RelationshipArrays]:
        """The state as the kernels take it: views of these very arrays."""
        return (
            ChildArrays(*(getattr(self, name) for name in ChildArrays._fields)),
            RelationshipArrays(*(getattr(self, name) for name in RelationshipArrays._fields)),
        )


#: Child state (shape (n,)) and working models, one per figure (shape (n, n_figures)): a dataclass with one
#: array field per entry of CHILD_STATE, in its order
Children = make_dataclass(
    "Children",
    [(p.name, np.ndarray) for p in CHILD_STATE],
    bases=(_ChildrenMethods,),
    namespace={
        "__doc__": "Child state (shape (n,)) and working models, one per figure (shape (n, n_figures)):\n\n"
        + "\n".join(f"- ``{p.name}`` ({p.per}, {p.kind}): {p.meaning}" for p in CHILD_STATE),
        "__module__": __name__,
    },
)


def new_children(n: int, n_figures: int, age_days: float = 0.0, precision: str = "float64") -> Children:
    """Children with no history: each array of CHILD_STATE at its default (newborn priors, no relationships).

    ``precision`` is the float type of the state (PRECISIONS); age stays float64 in
    both, so that thousands of short moment steps still add up to the right day.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if n_figures > MAX_FIGURES:
        raise ValueError(f"at most {MAX_FIGURES} figures per child, got {n_figures}")
    arrays = {}
    for p in CHILD_STATE:
        shape = n if p.per == "child" else (n, n_figures)
        default = age_days if p.name == "age_days" else p.default
        arrays[p.name] = np.full(shape, default, KINDS[p.kind] or np.dtype(precision))
    return Children(**arrays)


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
    # a new relationship has no history of alarm, and a new person's care starts at its drawn level
    children.alarm_history[mask] = 0.0
    children.care_drift[mask] = 0.0
    children.evidence[mask] = 0.0  # model v3 part 2: the prototype's weight alone, no evidence of the figure yet


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
    if not np.all(np.isfinite(children.alarm_history)) or children.alarm_history.min() < 0.0:
        raise AssertionError("alarm_history must be finite and non-negative")
    if not np.all(np.isfinite(children.care_drift)):
        raise AssertionError("care_drift must be finite")
    for name in ("prior_evidence", "evidence"):
        values = getattr(children, name)
        if not np.all(np.isfinite(values)) or (values.size and values.min() < 0.0):
            raise AssertionError(f"{name} must be a finite number >= 0")
    for name in ("negative_emotionality", "soothability"):
        values = getattr(children, name)
        if not np.all(np.isfinite(values)) or values.min() <= 0.0:
            raise AssertionError(f"{name} must be positive")
