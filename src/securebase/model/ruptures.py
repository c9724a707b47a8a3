"""Ruptures from both sides and their repair, with a latency (S5).

An adult rupture is the figure losing its temper or being unfair; a child
rupture is a tantrum. Each relationship holds at most one pending rupture. When
it opens, the figure's habits decide whether it will be repaired (apology after
its own rupture, soothing after a tantrum) and after what latency. A repair
works less the later it comes; a rupture left unrepaired costs trust, and an
unrepaired adult rupture makes the figure a source of fear.

Scalar functions (see model/step.py).
"""

from __future__ import annotations

import math


def adult_rupture_probability(rupture_rate: float, dt_days: float) -> float:
    """Chance the figure loses its temper or is unfair in a step of ``dt_days``."""
    return rupture_rate * dt_days


def tantrum_probability(rate_per_day: float, dt_days: float, anxiety: float, reference_anxiety: float) -> float:
    """Chance of a tantrum in a step: the age's rate per day at ``reference_anxiety``, in proportion to anxiety."""
    return rate_per_day * dt_days * anxiety / reference_anxiety


def upset(anxiety: float, rupture_anxiety: float) -> float:
    """Anxiety after an upset: a rupture (either side's), or a setback at school (model/school.py)."""
    return anxiety + (1.0 - anxiety) * rupture_anxiety


def repair_latency(mean_days: float, log_survival: float) -> float:
    """Repair latency in days, exponential with the figure's mean (inverse CDF; ``log_survival`` = log(1 - u))."""
    return -mean_days * log_survival


def repair_effectiveness(elapsed_minutes: float, repair_timescale_minutes: float) -> float:
    """How much of a rupture a repair mends: 1 when immediate, falling with latency on the moment scale (minutes:
    interactive repair is a matter of seconds to minutes, Tronick & Gianino 1986), so a repair minutes late
    mends most and one a day late almost nothing."""
    return math.exp(-elapsed_minutes / repair_timescale_minutes)


def trust_after_repair(trust: float, weight: float, repair_trust_gain: float, effectiveness: float) -> float:
    return min(max(trust + weight * repair_trust_gain * effectiveness * (1.0 - trust), 0.0), 1.0)


def trust_after_unrepaired(trust: float, weight: float, unrepaired_trust_cost: float) -> float:
    return min(max(trust - weight * unrepaired_trust_cost * trust, 0.0), 1.0)


def fear_after_repair(fear: float, fear_weight: float, effectiveness: float) -> float:
    """The rupture frightened the child when it happened; a repair takes that back, less so when late."""
    return fear * (1.0 - fear_weight * effectiveness)
