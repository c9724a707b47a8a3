"""Anxiety: raised by needs, buffered by felt security, calmed by a trusted figure (S1, S2).

Scalar functions of one child (plain arithmetic, so that every kernel compiles
them: see model/step.py); most also work elementwise on NumPy arrays.
"""

from __future__ import annotations

import math


def need_magnitude(uniform: float, need_mean: float) -> float:
    """A need (novelty, discomfort, a setback) of exponential size, by inverse CDF of a uniform.

    Inverse-CDF sampling keeps the number of random draws fixed per episode, so
    two runs that differ in one parameter share their random numbers.
    """
    return min(1.0, -need_mean * math.log1p(-uniform))


def raise_by_need(anxiety: float, need: float, felt_security: float, security_buffering: float) -> float:
    """Anxiety after a need arises: felt security buffers how much of it is felt."""
    felt = need * (1.0 - security_buffering * felt_security)
    return anxiety + (1.0 - anxiety) * felt


def relax(anxiety: float, felt_security: float, self_regulation: float, base_calming: float) -> float:
    """Anxiety after a quiet spell: own regulation plus the calming of a secure base."""
    return anxiety * (1.0 - self_regulation) * (1.0 - base_calming * felt_security)


def expected_security(trust: float, fear: float) -> float:
    """The security a child expects of a figure: trust, less the fear it has learned."""
    return trust * (1.0 - fear)


def secure_base(trust: float, fear: float, familiarity: float) -> float:
    """How far a figure is a secure base now (also the child's hierarchy): the security expected of it, as far
    as shared history has made it an attachment figure (an unfamiliar adult is not yet one)."""
    return expected_security(trust, fear) * familiarity


def security_alone(internalised: float, prior_trust: float, prior_fear: float) -> float:
    """The security a child carries when no figure is present: what it has internalised of its prior."""
    return internalised * prior_trust * (1.0 - prior_fear)


def follow_security(felt_security: float, target: float, tracking: float) -> float:
    """Felt security moves towards the security available now, by ``tracking`` of the gap (minutes)."""
    return min(max(felt_security + tracking * (target - felt_security), 0.0), 1.0)
