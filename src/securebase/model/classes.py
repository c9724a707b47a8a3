"""Classes: children grouped in classes of equal size, consecutive blocks of the population.

Child ``i`` is in class ``i // class_size`` at seat ``i % class_size``; its
classmates are the other children of its block. A class shares one teacher
(the scenario's ``population.class_size``: engine ``draw_figures`` draws the
teacher once per class) and its children are each other's peers
(model/peers.py). docs/model.md §10, "Classmates and school outcomes".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassLayout:
    """``n_children`` children in classes of ``class_size`` (a divisor of ``n_children``, at least 2)."""

    n_children: int
    class_size: int

    def __post_init__(self) -> None:
        if isinstance(self.class_size, bool) or not isinstance(self.class_size, (int, np.integer)):
            raise TypeError(f"class_size has value {self.class_size!r}; expected a whole number of children")
        if self.class_size < 2:
            raise ValueError(f"class_size has value {self.class_size}; expected at least 2 (a class needs classmates)")
        if self.n_children < 1 or self.n_children % self.class_size != 0:
            raise ValueError(
                f"class_size has value {self.class_size}; expected a divisor of n_children ({self.n_children}): "
                "classes are equal consecutive blocks of children"
            )

    @property
    def n_classes(self) -> int:
        return self.n_children // self.class_size

    def class_of(self) -> np.ndarray:
        """Each child's class, shape (n,)."""
        return np.arange(self.n_children) // self.class_size

    def seat_of(self) -> np.ndarray:
        """Each child's place in its class (0 .. class_size - 1), shape (n,)."""
        return np.arange(self.n_children) % self.class_size

    def by_class(self, values: np.ndarray) -> np.ndarray:
        """Per-child values as (n_classes, class_size) (a view when ``values`` is contiguous)."""
        return values.reshape(self.n_classes, self.class_size)
