"""Exploration and competence: the key benefit of a secure base (S2, S6).

A child explores when anxiety is low and felt security high (Bowlby's and
Bischof's control loops). Competence grows only while exploring, and best
inside a band of moderate arousal (Hiolle & Cañamero). A figure who supports
exploration multiplies what exploring teaches; an inappropriate one intrudes
and interrupts it (Feeney); a trusted figure's encouragement raises exploration
itself. An avoidant child's attention to the toys while aroused is a diversion, not exploration: it is part
of the display (model/display.py) and teaches nothing.

Scalar functions (see model/step.py).
"""

from __future__ import annotations

import math


def exploration_level(anxiety: float, felt_security: float, exploration_floor: float) -> float:
    """Share of the episode spent exploring, in [0, 1]."""
    return min(max((1.0 - anxiety) * (exploration_floor + (1.0 - exploration_floor) * felt_security), 0.0), 1.0)


def encouraged(level: float, support: float, security_with_figure: float, encouragement: float) -> float:
    """Exploration with a figure who encourages it: raised in proportion to the support and to how far the child
    takes the figure for a secure base (the seed: "support and encouragement ... to venture into the unknown";
    Grossmann et al. 2008; Feeney & Thrush 2010)."""
    return min(level * (1.0 + encouragement * support * security_with_figure), 1.0)


def intrusion_probability(intrusiveness: float, intrusion_rate: float) -> float:
    """Chance that a present figure intrudes on the child's exploration this episode (help that takes over)."""
    return intrusiveness * intrusion_rate


def learning_band(anxiety: float, centre: float, width: float) -> float:
    """How well exploring teaches at this arousal: best at moderate anxiety."""
    z = (anxiety - centre) / width
    return math.exp(-z * z)


def competence_gain(competence: float, exploration: float, band: float, support: float, dt_days: float,
                    competence_rate_per_day: float, support_boost: float) -> float:  # fmt: skip
    """Competence gained in ``dt_days``: only while exploring, saturating towards 1."""
    rate = competence_rate_per_day * dt_days
    boost = 1.0 + support_boost * support
    return rate * exploration * band * boost * (1.0 - competence)
