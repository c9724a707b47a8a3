"""Ruptures from both sides and their repair, with a latency (S5).

An adult rupture is the figure losing its temper or being unfair; a child
rupture is a tantrum. Each relationship holds at most one pending rupture. When
it opens, the figure's habits decide whether it will be repaired (apology after
its own rupture, soothing after a tantrum) and after what latency. A repair
works less the later it comes; a rupture left unrepaired costs trust, and an
unrepaired adult rupture makes the figure a source of fear.
"""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.state import ADULT_RUPTURE, NO_RUPTURE, Children, rowmax


def exponential_latency(mean_days: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Repair latency in days, exponential with the figure's mean (inverse CDF)."""
    return -mean_days * np.log1p(-uniform)


def open_ruptures(
    children: Children,
    where: np.ndarray,
    kind: int,
    repair_propensity: np.ndarray,
    repair_latency_days: np.ndarray,
    u_repair: np.ndarray,
    u_latency: np.ndarray,
    params: ModelParameters,
) -> None:
    """Open a rupture of ``kind`` in the relationships at flat indices ``where`` (in place).

    The per-child arrays (habits of the figure involved, uniforms) are indexed by
    child; a relationship that already has a rupture pending keeps that one.
    """
    k = children.trust.shape[1]
    kinds = children.rupture_kind.reshape(-1)
    where = where[kinds[where] == NO_RUPTURE]
    if where.size == 0:
        return
    child = where // k
    will_repair = u_repair[child] < repair_propensity[child]
    latency = exponential_latency(repair_latency_days[child], u_latency[child])
    kinds[where] = kind
    children.rupture_elapsed_days.reshape(-1)[where] = 0.0
    children.rupture_due_days.reshape(-1)[where] = np.where(will_repair, latency, params.unrepaired_after_days)
    children.rupture_will_repair.reshape(-1)[where] = will_repair


def resolve_due(
    children: Children, present: np.ndarray, dt_days: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Advance pending ruptures by ``dt_days`` and close those that are due (in place).

    A repair needs the figure to be with the child, so a due repair waits for
    the next time they are together; an unrepaired rupture closes when due.
    Returns (repaired, unrepaired, adult, effectiveness_elapsed_days) masks/values.
    """
    pending = children.rupture_kind != NO_RUPTURE
    children.rupture_elapsed_days += np.where(pending, dt_days, 0.0)
    due = pending & (children.rupture_elapsed_days >= children.rupture_due_days)
    repaired = due & children.rupture_will_repair & present
    unrepaired = due & ~children.rupture_will_repair
    adult = children.rupture_kind == ADULT_RUPTURE
    elapsed = children.rupture_elapsed_days.copy()
    children.rupture_kind[repaired | unrepaired] = NO_RUPTURE
    return repaired, unrepaired, adult, elapsed


def repair_effectiveness(elapsed_days: np.ndarray, params: ModelParameters) -> np.ndarray:
    """How much of a rupture a repair mends: 1 when immediate, falling with latency."""
    return np.exp(-elapsed_days / params.repair_timescale_days)


def apply_resolutions(
    children: Children,
    repaired: np.ndarray,
    unrepaired: np.ndarray,
    adult: np.ndarray,
    effectiveness: np.ndarray,
    weight: np.ndarray,
    fear_weight: np.ndarray,
    params: ModelParameters,
) -> None:
    """Trust, fear and anxiety after repairs and unrepaired ruptures (in place).

    ``weight`` (n,) is each child's working-model learning weight now,
    ``fear_weight`` (n,) its age-scaled fear learning rate. Only the children
    with a resolution are touched.
    """
    rows = np.flatnonzero(rowmax(repaired | unrepaired))
    if rows.size == 0:
        return
    fixed, broken, eff = repaired[rows], unrepaired[rows], effectiveness[rows]
    w = weight[rows, None]
    trust = children.trust[rows]
    gain = np.where(fixed, w * params.repair_trust_gain * eff * (1.0 - trust), 0.0)
    loss = np.where(broken, w * params.unrepaired_trust_cost * trust, 0.0)
    children.trust[rows] = np.clip(trust + gain - loss, 0.0, 1.0)
    # the rupture frightened the child when it happened; a repair takes that back, less so when late
    relief = np.where(adult[rows] & fixed, fear_weight[rows, None] * eff, 0.0)
    children.fear[rows] = children.fear[rows] * (1.0 - relief)
    soothing = rowmax(np.where(fixed, params.repair_soothing * eff, 0.0))
    children.anxiety[rows] = children.anxiety[rows] * (1.0 - soothing)
