"""Fright: anomalous caregiver behaviour, and losses of temper, make a figure a source of fear (D).

Disorganised attachment goes with a figure who is at once the source of comfort
and of alarm (Main & Hesse 1990): frightening, frightened or otherwise anomalous
behaviour, graded in rate and severity (AMBIANCE: Lyons-Ruth et al. 1999;
Madigan et al. 2006). Each such moment frightens the child in proportion to its
severity; a loss of temper frightens too, at ``temper_severity``. A sensitive
figure notices the child's alarm and soothes it, which takes part of the fright
away (``sensitivity_moderation``); a repair later takes back what is left
(model/ruptures.py ``fear_after_repair``). Fear, not the rate of ruptures
alone, is what the Strange Situation codes as disorganisation.

Scalar functions (see model/step.py).
"""

from __future__ import annotations


def anomalous_probability(anomalous_rate: float, dt_days: float) -> float:
    """Chance of an anomalous (frightening, frightened, disrupted) moment with the figure in a step of ``dt_days``."""
    return anomalous_rate * dt_days


def fright(severity: float, sensitivity: float, sensitivity_moderation: float) -> float:
    """How much one alarming moment frightens the child: its severity, less what a sensitive figure soothes."""
    return severity * (1.0 - sensitivity_moderation * sensitivity)
