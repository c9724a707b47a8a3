"""Changes of care as data: what happens to which children's figures, and on which day of each child's life.

A change is registered once (``Simulation.change_care``, ``replace_figure``, ``add_figure``,
``remove_figure``, ``schedule``) with the children it reaches and a per-child day; the engine applies
each child's part at the start of that child's day (``apply``), before the day's episodes. Nothing
here draws from the engine's streams: a change's own random numbers (a new person's traits, ages
drawn from a distribution) come from a generator keyed by the seed and the change's order
(:func:`care_generator`), so registering a change leaves every other child's random numbers alone and
two forks that make the same changes make them identically (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from securebase.model.state import (
    FIGURE_TRAITS,
    NEWBORN_PRIOR,
    RELATIONSHIP_ARRAYS,
    UNIT_TRAITS,
    Children,
    Figures,
    meet,
)
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.scenario.schema import TRAIT_LIMITS

#: keys that separate the care generators from the engine's own streams (any fixed numbers would do)
CARE_KEY = 0xCA5E
MEASURE_KEY = 0x3EA5
#: how far from 0 and 1 a proportion is kept before its logit is taken (a logit of 0 or 1 is infinite)
LOGIT_MARGIN = 1e-6

#: how a change moves a trait: to a value ('set'), by an amount on the trait's scale ('add'), or in logit
#: units, which keeps a proportion inside (0, 1) however large the shift ('logit')
CHANGE_MODES: tuple[str, ...] = ("set", "add", "logit")
Mode = Literal["set", "add", "logit"]

#: an instrument as the engine runs it: (children, figures, generator) of the children measured today -> one
#: row per child with a 'child' column (0..m-1 within the subset), the engine maps it back to the population
Instrument = Callable[[Children, Figures, np.random.Generator], pd.DataFrame]


class CareError(ValueError):
    """A change of care that cannot be made; the message names the argument, its value and what was expected."""


def care_generator(seed: int, key: int, order: int) -> np.random.Generator:
    """The generator of the ``order``-th change of care (or measurement, with ``key``) of a run seeded ``seed``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence((int(seed), key, int(order)))))


def measurement_generator(seed: int, order: int, day: int) -> np.random.Generator:
    """The generator of the ``order``-th measurement on scenario ``day``; a day of the simulated history (negative)
    has its own key, as a seed cannot take a negative number."""
    if day >= 0:
        return care_generator(seed, MEASURE_KEY, order * 1_000_003 + day)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence((int(seed), MEASURE_KEY, int(order), -int(day), 1))))


def days_of_ages(ages_years: np.ndarray, age_days_now: np.ndarray, day_now: int) -> np.ndarray:
    """The scenario day on which each child reaches its age (``age_days_now`` is its age on ``day_now``)."""
    return day_now + np.rint(np.asarray(ages_years, float) * DAYS_PER_YEAR - age_days_now).astype(np.int64)


def per_child(value: float | np.ndarray, n: int, name: str) -> np.ndarray:
    """``value`` as one number per child of a subset of ``n`` (a number is every child's)."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return np.full(n, float(array))
    if array.shape != (n,):
        raise CareError(f"{name} has {array.shape[0] if array.ndim else 0} values; expected one per child ({n})")
    return array


def children_of(who: np.ndarray | slice | None, n: int) -> np.ndarray:
    """The children a change reaches as sorted unique indices (None: every child)."""
    if who is None:
        return np.arange(n)
    index = np.arange(n)[who] if isinstance(who, slice) else np.asarray(who)
    if index.dtype == bool:
        if index.shape != (n,):
            raise CareError(f"who is a mask of {index.shape[0]} values; expected one per child ({n})")
        return np.flatnonzero(index)
    index = index.astype(np.int64, copy=False)
    if index.size and (index.min() < 0 or index.max() >= n):
        raise CareError(f"who has child {int(index.min() if index.min() < 0 else index.max())}; expected 0 to {n - 1}")
    if np.unique(index).size != index.size:
        raise CareError("who names a child more than once; expected each child once")
    return index


def bounded(name: str, values: np.ndarray) -> np.ndarray:
    """A trait's values kept on its scale: proportions in [0, 1], rates and latencies from 0 to their limit."""
    if name in UNIT_TRAITS:
        return np.clip(values, 0.0, 1.0)
    return np.clip(values, 0.0, TRAIT_LIMITS.get(name, np.inf))


def moved(name: str, base: np.ndarray, amount: np.ndarray, mode: str) -> np.ndarray:
    """Where a change takes a trait from ``base``: to ``amount`` ('set'), by it ('add'), or by it in logit ('logit')."""
    if mode == "set":
        return bounded(name, np.broadcast_to(amount, base.shape).astype(float))
    if mode == "add":
        return bounded(name, base + amount)
    p = np.clip(base, LOGIT_MARGIN, 1.0 - LOGIT_MARGIN)
    return 1.0 / (1.0 + np.exp(-(np.log(p / (1.0 - p)) + amount)))


@dataclass
class Timed:
    """Children (indices into the population) and each one's day."""

    who: np.ndarray
    day: np.ndarray
    #: the last day already applied (a change registered for today is applied at once, not again at the day's start)
    done_day: int = -(10**9)

    def due(self, day: int) -> bool:
        return day > self.done_day and bool(np.any(self.day == day))

    def last_day(self) -> int:
        return int(self.day.max()) if self.day.size else -(10**9)


@dataclass
class CareChange(Timed):
    """A figure's traits moved for some children from their day, reached over ``ramp_days``, until ``end_day``.

    The change starts from the value each child's figure has on its first day (``base``, kept to put
    back on its ``end_day``; no end: for good). Within the ramp the trait moves a step a day, linearly.
    """

    figure: int = 0
    amounts: dict[str, np.ndarray] = field(default_factory=dict)
    mode: str = "set"
    ramp_days: int = 0
    end_day: np.ndarray | None = None
    base: dict[str, np.ndarray] = field(default_factory=dict)

    def due(self, day: int) -> bool:
        if day <= self.done_day:
            return False
        started = (self.day <= day) & (day < self.day + max(self.ramp_days, 1))
        return bool(np.any(started) or (self.end_day is not None and np.any(self.end_day == day)))

    def last_day(self) -> int:
        last = int((self.day + max(self.ramp_days, 1) - 1).max()) if self.day.size else -(10**9)
        return max(last, int(self.end_day.max())) if self.end_day is not None and self.end_day.size else last

    def window(self) -> tuple[np.ndarray, np.ndarray]:
        """Each child's [first, last) days under the change (no end: the far future)."""
        end = self.end_day if self.end_day is not None else np.full(self.day.shape, np.iinfo(np.int64).max)
        return self.day, end

    def apply(self, day: int, figures: Figures) -> None:
        self.done_day, k = day, self.figure
        starting = self.day == day
        for name in self.amounts:
            if name not in self.base:
                self.base[name] = np.full(self.who.shape, np.nan)
            self.base[name][starting] = getattr(figures, name)[self.who[starting], k]
        ramp = max(self.ramp_days, 1)
        moving = (self.day <= day) & (day < self.day + ramp)
        if self.end_day is not None:
            moving &= day < self.end_day
        if np.any(moving):
            weight = (day - self.day[moving] + 1) / ramp
            for name, amount in self.amounts.items():
                base = self.base[name][moving]
                target = moved(name, base, amount[moving], self.mode)
                getattr(figures, name)[self.who[moving], k] = base + weight * (target - base)
        if self.end_day is not None:
            ending = (self.end_day == day) & (self.day < day)
            if np.any(ending):
                for name in self.amounts:
                    getattr(figures, name)[self.who[ending], k] = self.base[name][ending]


@dataclass
class Arrival(Timed):
    """A person takes a figure's place (a new caregiver), or a figure enters or leaves the children's lives.

    ``traits`` (per child, drawn when registered) are the new person's; ``new_person`` starts the
    relationship anew from the child's general prior; ``present`` is whether the figure is in the
    child's life from the day on.
    """

    figure: int = 0
    traits: dict[str, np.ndarray] = field(default_factory=dict)
    new_person: bool = True
    present: bool = True

    def apply(self, day: int, figures: Figures, children: Children) -> None:
        self.done_day, today = day, self.day == day
        if not np.any(today):
            return
        who, k = self.who[today], self.figure
        for name, values in self.traits.items():
            getattr(figures, name)[who, k] = values[today]
        figures.active[who, k] = self.present
        if self.present:
            mask = np.zeros_like(children.known)
            mask[who, k] = True
            if self.new_person:
                children.known[mask] = False
            meet(children, mask & ~children.known)


@dataclass
class Measurement(Timed):
    """An instrument run on some children, each on its day; rows gathered in ``Simulation.measurements``."""

    name: str = ""
    instrument: Instrument | None = None
    order: int = 0

    def apply(self, day: int, seed: int, children: Children, figures: Figures) -> pd.DataFrame | None:
        today = self.day == day
        if not np.any(today):
            return None
        who = self.who[today]
        rng = measurement_generator(seed, self.order, day)  # the same rows whatever else is run
        table = self.instrument(take_children(children, who), take_figures(figures, who), rng)
        local = table["child"].to_numpy()
        front = pd.DataFrame({"measure": self.name, "child": who[local], "day": day}, index=table.index)
        front["age_years"] = children.age_days[who[local]] / DAYS_PER_YEAR
        return pd.concat([front, table.drop(columns="child")], axis=1)


def take_children(children: Children, who: np.ndarray) -> Children:
    """A copy of some children's state (an instrument may then change it freely)."""
    return Children(**{name: getattr(children, name)[who].copy() for name in children.__dataclass_fields__})


def take_figures(figures: Figures, who: np.ndarray) -> Figures:
    """A copy of some children's figures."""
    return replace(
        figures,
        active=figures.active[who].copy(),
        **{name: getattr(figures, name)[who].copy() for name in FIGURE_TRAITS},
    )


def check_no_overlap(new: CareChange, existing: list[object], figure_name: str) -> None:
    """Refuse a change of a trait that an earlier change of the same figure holds for the same child then.

    A later change supersedes an earlier change for good once that one has reached its full size; any other
    overlap would contradict (the earlier change's end would put back a value the later one changed).
    """
    first, last = new.window()
    for other in existing:
        if not isinstance(other, CareChange) or other.figure != new.figure:
            continue
        shared = sorted(set(new.amounts) & set(other.amounts))
        if not shared:
            continue
        common, mine, theirs = np.intersect1d(new.who, other.who, assume_unique=True, return_indices=True)
        if not common.size:
            continue
        other_first, other_last = other.window()
        if other.end_day is None:  # a change for good is superseded by a later one once it has ramped up
            ramped = other_first + max(other.ramp_days, 1)
            other_last = np.where(first[mine] >= other_first[theirs], ramped[theirs], other_last[theirs])
        else:
            other_last = other_last[theirs]
        overlap = (first[mine] < other_last) & (other_first[theirs] < last[mine])
        if np.any(overlap):
            child = int(common[np.argmax(overlap)])
            raise CareError(
                f"the change of {figure_name}'s {', '.join(shared)} for child {child} overlaps an earlier change "
                f"of the same trait (days {int(other_first[theirs][np.argmax(overlap)])} on); "
                "expected windows that do not overlap for the same figure and trait"
            )


def add_column(figures: Figures, children: Children, name: str, availability: tuple[float, float]) -> None:
    """A new figure (absent from every child's life until it arrives): one more column in every (n, k) array."""
    n = children.n

    def widened(array: np.ndarray, fill: object) -> np.ndarray:
        column = np.full((n, 1), fill, dtype=array.dtype)
        return np.ascontiguousarray(np.concatenate([array, column], axis=1))

    for trait in FIGURE_TRAITS:
        setattr(figures, trait, widened(getattr(figures, trait), 0.0))
    figures.active = widened(figures.active, False)
    figures.availability = np.concatenate([figures.availability, np.array([availability], float)], axis=0)
    figures.names = (*figures.names, name)
    fresh = {"known": False, **NEWBORN_PRIOR}  # the arrival seeds the relationship from the prior in any case
    for array in RELATIONSHIP_ARRAYS:
        setattr(children, array, widened(getattr(children, array), fresh.get(array, 0)))
