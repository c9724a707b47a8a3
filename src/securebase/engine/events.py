"""Events: a figure replaced, its caregiving changed for a while, or a figure leaving."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from securebase.model.state import FIGURE_TRAITS, Children, Figures, meet
from securebase.scenario.caregiving import draw_traits, resolve
from securebase.scenario.schema import Event


@dataclass
class SavedCaregiving:
    """Traits a 'change' event replaced, to put back on its ``until_day``."""

    figure: int
    until_day: int
    who: np.ndarray
    traits: dict[str, np.ndarray] = field(default_factory=dict)


def affected(event: Event, n: int, rng: np.random.Generator) -> np.ndarray:
    """Which children an event reaches: all, or a random ``fraction`` of them."""
    if event.fraction >= 1.0:
        return np.ones(n, bool)
    return rng.random(n) < event.fraction


def apply_event(event: Event, figures: Figures, children: Children, rng: np.random.Generator) -> SavedCaregiving | None:
    """Apply one event in place; a 'change' with an end returns what to restore then."""
    k = figures.index(event.figure)
    who = affected(event, children.n, rng)
    if event.kind == "leave":
        figures.active[who, k] = False
        return None
    drawn = draw_traits(resolve(event.caregiving), children.n, rng)
    saved = None
    if event.kind == "change" and event.until_day is not None:
        saved = SavedCaregiving(figure=k, until_day=event.until_day, who=who)
        saved.traits = {name: getattr(figures, name)[who, k].copy() for name in FIGURE_TRAITS}
    for name in FIGURE_TRAITS:
        getattr(figures, name)[who, k] = drawn[name][who]
    if event.kind == "replace":
        figures.active[who, k] = True
        mask = np.zeros_like(children.known)
        mask[who, k] = True
        children.known[mask] = False
        meet(children, mask)
    return saved


def restore(saved: SavedCaregiving, figures: Figures) -> None:
    for name, values in saved.traits.items():
        getattr(figures, name)[saved.who, saved.figure] = values
