"""A coder's classification error fixed from a published inter-coder agreement, not fitted.

Reliability studies of attachment classifications report how often two trained coders give the same class to
the same child. Here a coder gives the child's class with probability ``accuracy`` and otherwise one of the
other classes, each equally likely (modelling choice: the sources report agreement, not which classes coders
confuse). Two independent coders then agree with probability ``accuracy**2 + (1 - accuracy)**2 / (K - 1)``
for K classes, whatever the children: :func:`accuracy_for_agreement` inverts this, so that the simulated
agreement of two coders is the published one.
"""

from __future__ import annotations

import math

import numpy as np


def accuracy_for_agreement(agreement: float, n_classes: int) -> float:
    """The chance a coder gives the true class for two coders to agree with probability ``agreement``."""
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    chance = 1.0 / n_classes
    if not chance <= agreement <= 1.0:
        raise ValueError(f"agreement must be between chance ({chance:g}) and 1, got {agreement!r}")
    other = 1.0 / (n_classes - 1)
    # (1 + other) q^2 - 2 other q + other - agreement = 0, the root at or above chance
    a, b, c = 1.0 + other, -2.0 * other, other - agreement
    return (-b + math.sqrt(b * b - 4.0 * a * c)) / (2.0 * a)


def agreement_of(accuracy: float, n_classes: int) -> float:
    """The chance that two coders of this ``accuracy`` agree (the inverse of :func:`accuracy_for_agreement`)."""
    return accuracy**2 + (1.0 - accuracy) ** 2 / (n_classes - 1)


def code_classes(true: np.ndarray, accuracy: float | np.ndarray, n_classes: int, rng: np.random.Generator) -> np.ndarray:
    """One coder's classes (indices) of children whose true classes are ``true``: right with ``accuracy`` (one, or one per child)."""
    true = np.asarray(true, dtype=np.int64)
    wrong = rng.random(true.shape) >= accuracy
    # another class, each of the K - 1 equally likely: a shift of 1 to K - 1 places round the classes
    shift = rng.integers(1, n_classes, size=true.shape)
    return np.where(wrong, (true + shift) % n_classes, true)
