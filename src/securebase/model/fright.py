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

import math


def anomalous_probability(anomalous_rate: float, dt_days: float) -> float:
    """Chance of an anomalous (frightening, frightened, disrupted) moment with the figure in a step of ``dt_days``."""
    return anomalous_rate * dt_days


def fright(severity: float, sensitivity: float, sensitivity_moderation: float) -> float:
    """How much one alarming moment frightens the child: its severity, less what a sensitive figure soothes."""
    return severity * (1.0 - sensitivity_moderation * sensitivity)


# ---- model v3 part 2: fear learned over months (issue 25, item 3) ------------------------------------------------
# Fear of a figure is learned from the history of alarm with it, not from today's dose alone: each alarming moment
# adds its fright to the relationship's alarm history, which is forgotten over months (``alarm_memory_days``), and
# the longer that history, the slower fear of the figure extinguishes when it stops alarming. Extinction does not
# erase what was learned (Bouton 2004: renewal and spontaneous recovery after extinction); the dose and history
# grading, and both constants, are modelling choices (docs/model.md, "Model v3, part 2: fear and drift").


def remember_alarm(alarm_history: float, scare: float) -> float:
    """The relationship's alarm history after one alarming moment that frightened the child by ``scare``."""
    return alarm_history + scare


def forget_alarm(alarm_history: float, dt_days: float, alarm_memory_days: float) -> float:
    """The alarm history after ``dt_days`` with no alarm: forgotten over ``alarm_memory_days`` (1 - 1/e of it)."""
    return alarm_history * math.exp(-dt_days / alarm_memory_days)


def extinction_with_history(fear_extinction: float, alarm_history: float, alarm_history_scale: float) -> float:
    """How fast fear of a figure extinguishes given the relationship's alarm history: ``fear_extinction`` with no
    history, half of it once the history holds ``alarm_history_scale`` frights (a long history keeps fear longer)."""
    return fear_extinction / (1.0 + alarm_history / alarm_history_scale)


def history_after_repair(alarm_history: float, repaired_alarm: float, effectiveness: float) -> float:
    """The alarm history after a repair: the frights of the alarm that opened the repaired rupture are taken back
    as far as the repair works (``effectiveness``, model/ruptures.py); alarm that was never repaired stays."""
    return max(alarm_history - effectiveness * repaired_alarm, 0.0)
