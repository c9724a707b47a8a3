"""Care that drifts: each figure's caregiving moves over months around the level drawn for it (issue 25, item 4).

A caregiver's sensitivity is stable across infancy but far from fixed: 79% of mothers stayed on the same side of
the CARE-Index's intervention level from 6-8 weeks to 24 months (Kemppinen et al. 2006), and parenting quality
rose or fell over the preschool years in a large share of NICHD SECCYD families (NICHD ECCRN 2006). The model
gives each relationship one drift, in logit units, shared by the figure's five qualities (its circumstances: mood,
stress, support, which move all of its caregiving together; a modelling choice): an Ornstein-Uhlenbeck process
around 0, stepped once a day from the engine's counter-based uniforms, so that one seed gives the same drift on
every backend. The step reads each quality through :func:`drifted`; the drawn level (the figure's trait, which
changes of care set) stays the process's centre. The sizes and their arithmetic: docs/model.md, "Model v3, part
2: fear and drift".

Scalar functions (see model/step.py and engine/kernels).
"""

from __future__ import annotations

import math

import numpy as np


def normal_deviate(u1: float, u2: float) -> float:
    """A standard normal deviate from two uniforms in [0, 1) (Box & Muller 1958); ``1 - u1`` is never 0."""
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def drift_persistence(dt_days: float, drift_timescale_days: float) -> float:
    """The share of today's drift left after ``dt_days``: the process's autocorrelation over that time."""
    return math.exp(-dt_days / drift_timescale_days)


def drift_step(drift: float, persistence: float, drift_sd: float, deviate: float) -> float:
    """One step of the Ornstein-Uhlenbeck process (exact discretisation): the stationary sd stays ``drift_sd``."""
    return drift * persistence + drift_sd * math.sqrt(1.0 - persistence * persistence) * deviate


def drifted(quality: float, drift: float) -> float:
    """A quality (a probability) moved by ``drift`` logit units; 0 and 1 stay where they are, no drift changes
    nothing (the same number, not a rounded one)."""
    if drift == 0.0 or quality <= 0.0 or quality >= 1.0:
        return quality
    return 1.0 / (1.0 + math.exp(-(math.log(quality / (1.0 - quality)) + drift)))


def drift_child(i, care_drift, u, persistence, drift_sd):
    """One day of drift for each relationship of child ``i``: ``care_drift`` (n, k) in place, from the day's
    uniforms ``u`` (2, n, k) (the kernels' loop body: engine/kernels)."""
    for j in range(care_drift.shape[1]):
        deviate = normal_deviate(np.float64(u[0, i, j]), np.float64(u[1, i, j]))  # not float(): see model.step
        care_drift[i, j] = drift_step(care_drift[i, j], persistence, drift_sd, deviate)
