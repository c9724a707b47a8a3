"""Classmates as children: approach, acceptance that depends on both children, ties and friendships.

docs/model.md §10, "Classmates and school outcomes". In a school episode a
child who approaches picks a classmate (preferring those it likes); whether
the classmate accepts depends on both children, a dual-perspective account
of peer entry (Dodge 1983; Coie & Dodge 1998): the approacher's **social
approach** (felt security, less a reputation for hostility) and the target's
**receptiveness** (its openness: felt security and calm, and its own tie to
the approacher). Accepted approaches strengthen both children's ties; a
rebuff weakens the approacher's; ties decay slowly. A **friendship** is a
reciprocated tie: both ties at or above ``friend_level``.

Expectations of others built in attachment relationships carry into peer
relationships (Sroufe 2005, the Minnesota study's account): a child starts
school expecting a classmate to accept it as its general working model
expects a figure to answer a bid and not rebuff it, ``(1 -
prior_unavailability) × (1 - prior_rejection)``, and the expectation then
learns from each approach. How willing a child is to approach scales with
that expectation. No label (a strategy) is assigned: only the general prior
carries history.

Ties are per class, ``(n_classes, size, size)``, held as ``(n, size)``: row
``i`` is child ``i``'s tie to each classmate by seat (its own seat stays 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securebase.model.working_model import toward


@dataclass(frozen=True)
class PeerParameters:
    """The constants of classmates (docs/model.md §10, "Classmates and school outcomes")."""

    #: how much the expected acceptance scales readiness to approach (0: not at all; 1: in proportion)
    expectation_weight: float = 0.5
    #: rate at which the expected acceptance moves towards the outcome of each approach (1 accepted, 0 rebuffed)
    expectation_learning: float = 0.05
    #: P(accepted) with no social approach from the approacher and no receptiveness in the target
    accept_floor: float = 0.3
    #: the approacher's share of the acceptance (the target's is 1 minus this)
    approacher_weight: float = 0.5
    #: share of the social approach lost with a full reputation for hostility
    hostility_cost: float = 0.5
    #: an accepted approach moves both children's ties this share of the way to 1
    tie_gain: float = 0.1
    #: a rebuff moves the approacher's tie this share of the way to 0
    rebuff_tie_loss: float = 0.1
    #: every tie moves this share of the way to 0 in each school episode (a tie not renewed fades)
    tie_decay: float = 0.002
    #: weight of a tie when choosing whom to approach: a classmate is chosen ∝ 1 + choice_preference × tie
    choice_preference: float = 10.0
    #: both ties at or above this: a friendship
    friend_level: float = 0.3
    #: a classmate's tie to the child at or above this: the classmate likes the child (sociometric acceptance)
    like_level: float = 0.1
    #: share of remaining calm lost when rebuffed by a classmate
    rebuff_anxiety: float = 0.1

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if name == "choice_preference":
                if not 0.0 <= value <= 1000.0:
                    raise ValueError(f"choice_preference has value {value}; expected a number between 0 and 1000")
            elif not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} has value {value}; expected a number between 0 and 1")


DEFAULT_PEERS = PeerParameters()


def expected_acceptance(prior_unavailability: np.ndarray, prior_rejection: np.ndarray) -> np.ndarray:
    """What a child starting school expects of a classmate: that a bid is answered and not rebuffed."""
    return (1.0 - prior_unavailability) * (1.0 - prior_rejection)


def approach_factor(expectation: np.ndarray, p: PeerParameters) -> np.ndarray:
    """Factor on readiness to approach from the expected acceptance: 1 - w + w × expectation."""
    return 1.0 - p.expectation_weight + p.expectation_weight * expectation


def social_approach(felt_security: np.ndarray, hostility: np.ndarray, p: PeerParameters) -> np.ndarray:
    """The approacher's side of acceptance: felt security, less a reputation for hostility."""
    return felt_security * (1.0 - p.hostility_cost * hostility)


def openness(felt_security: np.ndarray, anxiety: np.ndarray) -> np.ndarray:
    """How open a child is to being approached: secure and calm."""
    return felt_security * (1.0 - anxiety)


def receptiveness(target_openness: np.ndarray, target_tie: np.ndarray) -> np.ndarray:
    """The target's side of acceptance: its openness, or its own tie to the approacher, whichever carries it."""
    return target_openness + (1.0 - target_openness) * target_tie


def acceptance_probability(social: np.ndarray, receptive: np.ndarray, p: PeerParameters) -> np.ndarray:
    """P(an approach is accepted): depends on both children (dual perspective)."""
    both = p.approacher_weight * social + (1.0 - p.approacher_weight) * receptive
    return p.accept_floor + (1.0 - p.accept_floor) * both


def choose_classmate(ties: np.ndarray, seat: np.ndarray, u: np.ndarray, p: PeerParameters) -> np.ndarray:
    """Each child's chosen classmate (a seat), ∝ 1 + choice_preference × tie, never itself; ``u`` uniform (n,)."""
    n = len(seat)
    weights = 1.0 + p.choice_preference * ties
    weights[np.arange(n), seat] = 0.0
    cumulative = np.cumsum(weights, axis=1)
    threshold = u * cumulative[:, -1]
    return np.minimum((cumulative <= threshold[:, None]).sum(axis=1), ties.shape[1] - 1)


def strengthen(tie: np.ndarray, rate: float) -> np.ndarray:
    return toward(tie, 1.0, rate)


def weaken(tie: np.ndarray, rate: float) -> np.ndarray:
    return toward(tie, 0.0, rate)


def mutual_ties(ties_by_class: np.ndarray) -> np.ndarray:
    """(n_classes, size, size): the weaker of each pair's two ties (a friendship needs both)."""
    return np.minimum(ties_by_class, ties_by_class.transpose(0, 2, 1))


def friendships(ties_by_class: np.ndarray, p: PeerParameters) -> tuple[np.ndarray, np.ndarray]:
    """Each child's number of friends (reciprocated ties at or above ``friend_level``) and their quality
    (mean strength of the two ties over its friendships; NaN with none), flattened to (n,)."""
    friend = mutual_ties(ties_by_class) >= p.friend_level
    count = friend.sum(axis=2)
    strength = ((ties_by_class + ties_by_class.transpose(0, 2, 1)) / 2.0 * friend).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        quality = np.where(count > 0, strength / np.maximum(count, 1), np.nan)
    return count.ravel(), quality.ravel()


def liked_by(ties_by_class: np.ndarray, p: PeerParameters) -> np.ndarray:
    """Sociometric acceptance: the share of classmates whose tie to the child is at least ``like_level``, (n,)."""
    size = ties_by_class.shape[1]
    return ((ties_by_class >= p.like_level).sum(axis=1) / (size - 1)).ravel()
