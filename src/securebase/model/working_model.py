"""The working model: a child's learned expectations of each figure, and the general prior (S4, S8).

Learning is weighted by the anxiety at the time (anxious episodes teach more,
Petters), slows with age and never stops (plasticity). The signalling gain is
learned by reinforcement from what bids achieve (adaptive signalling): it is
how the A/B/C strategies emerge without being assigned.

Scalar functions of one relationship (see model/step.py).
"""

from __future__ import annotations


def learning_weight(anxiety_before: float, plasticity: float, learning_rate: float, anxiety_weighting: float,
                    max_learning_weight: float) -> float:  # fmt: skip
    """Learning rate of one bid outcome: anxiety-weighted, age-scaled, at most ``max_learning_weight``."""
    return min(learning_rate * plasticity * (1.0 + anxiety_weighting * anxiety_before), max_learning_weight)


def expected_warmth(trust: float, warm: float, weight: float) -> float:
    """Delta-rule update of expected warmth (trust) from one outcome (1 warm, 0 not)."""
    return trust + weight * (warm - trust)


def expected_surprise(unpredictability: float, trust: float, warm: float, weight: float) -> float:
    """Delta-rule update of the squared surprise (unpredictability), against trust before the outcome."""
    surprise = warm - trust
    return unpredictability + weight * (surprise * surprise - unpredictability)


def distortion_cost(distorted_gain: float, cost: float) -> float:
    """Effort of distorting the signal either way (Spangler & Grossmann 1993)."""
    return cost * abs(distorted_gain)


def gain_step(advantage: float, noise: float, plasticity: float, gain_learning_rate: float) -> float:
    """Policy-gradient step on the signalling gain (REINFORCE, Williams 1992).

    The gain moves in the direction of the signal noise when a bid paid more
    than usual (``advantage`` over a learned payoff baseline). The payoff
    includes the cost of distorting the signal either way, which keeps open
    signalling (gain 0) where nothing else pays.
    """
    return gain_learning_rate * plasticity * advantage * noise


def bounded_gain(gain: float, gain_limit: float) -> float:
    return min(max(gain, -gain_limit), gain_limit)


def frighten(fear: float, rate: float) -> float:
    """Fear of a figure after it loses its temper or is unfair to the child."""
    return fear + rate * (1.0 - fear)


def extinguish_fear(fear: float, weight: float, fear_extinction: float) -> float:
    """Time with a figure that does not frighten slowly undoes fear of it (extinction)."""
    return fear * (1.0 - weight * fear_extinction)


def toward(value: float, target: float, rate: float) -> float:
    """A step of ``rate`` from ``value`` towards ``target``: the prior follows the mean working model,
    and each working model is pulled towards the prior (stability without freezing, Fraley 2002)."""
    return value + rate * (target - value)
