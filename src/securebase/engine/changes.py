"""The engine's API for changes of care, conduct at the moment scale and measurements, as part of Simulation.

``Simulation`` (engine/simulation.py) inherits these methods; the changes themselves are data
(engine/care.py), applied at the start of each child's day by the day's modules (engine/plan.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from securebase.engine import care
from securebase.engine.plan import apply_change
from securebase.engine.results import MEASUREMENT_KEYS
from securebase.model.state import FIGURE_TRAITS, MAX_FIGURES, NO_RUPTURE
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.scenario.caregiving import draw_traits, resolve

if TYPE_CHECKING:
    from securebase.model.state import Children, Figures
    from securebase.scenario.schema import Scenario

#: the due time of a rupture held open until it is settled (Simulation.hold_rupture): never, in practice
HELD_RUPTURE_DAYS = 1e9


class CareAPI:
    """Changes of care, conduct at the moment scale and measurements of a Simulation (see its attributes)."""

    scenario: Scenario
    children: Children
    figures: Figures
    seed: int
    day: int
    end_day: int
    care: list
    schedules: list
    measurements: list
    care_calls: int
    #: the Simulation's: make the host's state current (from the GPU), and the backend's the host's
    _pull: Callable[[], None]
    _push: Callable[[], None]

    def _register(self, item: care.CareChange | care.Arrival) -> None:
        """Keep a change; its part for today (the day not yet lived) is made at once, so the state shows it now."""
        self.care.append(item)
        if item.due(self.day):
            self._pull()
            apply_change(self, item, self.day)
            self._push()

    def _figure(self, figure: str) -> int:
        if figure not in self.figures.names:
            raise care.CareError(f"figure has value {figure!r}; expected one of {', '.join(self.figures.names)}")
        return self.figures.index(figure)

    def _days(self, ages_years: float | np.ndarray | None, who: np.ndarray, name: str) -> np.ndarray:
        """Each child's day of ``ages_years`` (None: today), refused when outside what is left of the run."""
        if ages_years is None:
            return np.full(who.shape, self.day, np.int64)
        ages = care.per_child(ages_years, who.size, name)
        days = care.days_of_ages(ages, self.children.age_days[who], self.day)
        for bad, expected in ((days < self.day, "an age the children have not passed yet"),
                              (days >= self.end_day, "an age the children reach before the run ends")):  # fmt: skip
            if np.any(bad):
                i = int(np.argmax(bad))
                now = self.children.age_days[who[i]] / DAYS_PER_YEAR
                last = now + (self.end_day - self.day) / DAYS_PER_YEAR
                raise care.CareError(
                    f"{name} has value {float(ages[i]):g} years for child {int(who[i])}; expected {expected} "
                    f"(it is {now:.3f} years old now, and the run ends at {last:.3f} years)"
                )
        return days

    def _next_generator(self) -> np.random.Generator:
        self.care_calls += 1
        return care.care_generator(self.seed, care.CARE_KEY, self.care_calls)

    def change_care(
        self,
        figure: str,
        traits: dict[str, float | np.ndarray],
        *,
        who: np.ndarray | slice | None = None,
        mode: str = "set",
        from_age_years: float | np.ndarray | None = None,
        until_age_years: float | np.ndarray | None = None,
        ramp_days: int = 0,
    ) -> None:
        """Change ``figure``'s ``traits`` for the children ``who`` (indices, a mask or a slice; None: all).

        ``mode`` 'set' moves each trait to the value given, 'add' by it, 'logit' by it in logit units (a
        proportion stays in (0, 1)); a value is a number or one per child of ``who``. The change starts on
        the day each child reaches ``from_age_years`` (a number or one per child; None: today), reaches its
        full size over ``ramp_days`` (a step a day), and ends, the traits going back to what they were, on the
        day the child reaches ``until_age_years`` (None: for good). The same person goes on: the relationship
        carries on, and the child learns the change through its experience.
        """
        k = self._figure(figure)
        if mode not in care.CHANGE_MODES:
            raise care.CareError(f"mode has value {mode!r}; expected one of {', '.join(care.CHANGE_MODES)}")
        if not traits:
            raise care.CareError("traits is empty; expected at least one of " + ", ".join(FIGURE_TRAITS))
        for name in traits:
            if name not in FIGURE_TRAITS:
                raise care.CareError(f"traits has {name!r}; expected traits among {', '.join(FIGURE_TRAITS)}")
            if mode == "logit" and name not in care.UNIT_TRAITS:
                raise care.CareError(f"traits has {name!r} with mode 'logit'; expected a proportion for a logit shift")
        if not isinstance(ramp_days, int | np.integer) or ramp_days < 0:
            raise care.CareError(f"ramp_days has value {ramp_days!r}; expected a whole number of days, 0 or more")
        index = care.children_of(who, self.children.n)
        first = self._days(from_age_years, index, "from_age_years")
        end = None
        if until_age_years is not None:
            ages = care.per_child(until_age_years, index.size, "until_age_years")
            end = care.days_of_ages(ages, self.children.age_days[index], self.day)
            if np.any(end <= first):
                i = int(np.argmax(end <= first))
                raise care.CareError(
                    f"until_age_years has value {float(ages[i]):g} for child {int(index[i])}; "
                    "expected an age after the change starts"
                )
        change = care.CareChange(
            who=index,
            day=first,
            figure=k,
            amounts={name: care.per_child(value, index.size, f"traits.{name}") for name, value in traits.items()},
            mode=mode,
            ramp_days=int(ramp_days),
            end_day=end,
        )
        care.check_no_overlap(change, self.care, figure)
        self._register(change)

    def _new_person(
        self, index: np.ndarray, caregiving: object | None, traits: dict[str, float | np.ndarray] | None
    ) -> dict[str, np.ndarray]:
        """The traits of a new person for each child of ``index``: given, or drawn from a caregiving population."""
        if (caregiving is None) == (traits is None):
            raise care.CareError("a new person needs exactly one of caregiving (to draw from) or traits (given)")
        rng = self._next_generator()
        if traits is not None:
            unknown = [name for name in traits if name not in FIGURE_TRAITS]
            if unknown:
                raise care.CareError(f"traits has {unknown[0]!r}; expected traits among {', '.join(FIGURE_TRAITS)}")
            return {name: care.per_child(value, index.size, f"traits.{name}") for name, value in traits.items()}
        return draw_traits(resolve(caregiving), index.size, rng)

    def replace_figure(
        self,
        figure: str,
        *,
        who: np.ndarray | slice | None = None,
        at_age_years: float | np.ndarray | None = None,
        caregiving: object | None = None,
        traits: dict[str, float | np.ndarray] | None = None,
    ) -> None:
        """A new person takes ``figure``'s place for the children ``who``, each on the day it reaches ``at_age_years``.

        The person is drawn from ``caregiving`` (a preset name or a scenario Caregiving table) or has the
        ``traits`` given (a number or one per child, for the traits named; the others stay); the child's
        relationship starts anew from its general prior, which carries its history.
        """
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        days = self._days(at_age_years, index, "at_age_years")
        person = self._new_person(index, caregiving, traits)
        self._register(care.Arrival(who=index, day=days, figure=k, traits=person, new_person=True))

    def add_figure(
        self,
        figure: str,
        *,
        availability: tuple[float, float] | None = None,
        who: np.ndarray | slice | None = None,
        at_age_years: float | np.ndarray | None = None,
        caregiving: object | None = None,
        traits: dict[str, float | np.ndarray] | None = None,
    ) -> None:
        """A figure (a teacher, a partner) enters the lives of the children ``who``, each at ``at_age_years``.

        A figure the scenario does not have is made first, absent from every child's life, with its
        ``availability`` (home, school); ``who`` empty makes it alone. Make it before forking, so that every
        arm has the same figures and keeps its common random numbers (the day's draws are per figure).
        """
        if figure not in self.figures.names:
            if availability is None:
                raise care.CareError(f"figure {figure!r} is new; expected its availability (home, school)")
            if self.figures.n_figures >= MAX_FIGURES:
                raise care.CareError(
                    f"figure {figure!r} would be figure {MAX_FIGURES + 1}; expected {MAX_FIGURES} figures at most"
                )
            self._pull()
            self._population = None  # the backend's arrays are made again with the new column
            care.add_column(self.figures, self.children, figure, tuple(float(a) for a in availability))
        k = self.figures.index(figure)
        index = care.children_of(who, self.children.n)
        if index.size == 0:
            return
        days = self._days(at_age_years, index, "at_age_years")
        person = self._new_person(index, caregiving, traits)
        self._register(care.Arrival(who=index, day=days, figure=k, traits=person, new_person=True))

    def remove_figure(
        self, figure: str, *, who: np.ndarray | slice | None = None, at_age_years: float | np.ndarray | None = None
    ) -> None:
        """``figure`` leaves the lives of the children ``who``, each on the day it reaches ``at_age_years``."""
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        days = self._days(at_age_years, index, "at_age_years")
        self._register(care.Arrival(who=index, day=days, figure=k, present=False, new_person=False))

    # ---- conduct at the moment scale (a rehearsal: engine/care.py for whole days) ------------

    def set_traits(
        self, figure: str, traits: dict[str, float | np.ndarray], *, who: np.ndarray | slice | None = None
    ) -> None:
        """Set ``figure``'s ``traits`` for the children ``who`` now, until they are set again.

        The figure's conduct from the next step on, whether the step is a day's (:meth:`step`) or a moment's
        (the driver's moments, engine/driver.py, on :attr:`children` and :attr:`figures`): for play moment by
        moment (a rehearsal sets the adult's response for the next two minutes), where :meth:`change_care`'s
        whole days do not fit. It registers no change (a fork copies the traits as they are) and draws
        nothing; a change registered with :meth:`change_care` still moves the same trait on its own days.
        A value is a number or one per child of ``who``; proportions must lie in [0, 1]; rates are per day and
        may be high for a step of seconds (a rupture within a two-minute response), so only their sign is checked.
        """
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        if not traits:
            raise care.CareError("traits is empty; expected at least one of " + ", ".join(FIGURE_TRAITS))
        values = {}
        for name, value in traits.items():
            if name not in FIGURE_TRAITS:
                raise care.CareError(f"traits has {name!r}; expected traits among {', '.join(FIGURE_TRAITS)}")
            array = care.per_child(value, index.size, f"traits.{name}")
            low, high = (0.0, 1.0) if name in care.UNIT_TRAITS else (0.0, np.inf)
            bad = ~np.isfinite(array) | (array < low) | (array > high)
            if np.any(bad):
                expected = "a proportion in [0, 1]" if name in care.UNIT_TRAITS else "a rate of 0 or more (per day)"
                raise care.CareError(f"traits.{name} has value {float(array[np.argmax(bad)])!r}; expected {expected}")
            values[name] = array
        for name, array in values.items():
            getattr(self.figures, name)[index, k] = array
        self._push()

    def hold_rupture(self, figure: str, *, who: np.ndarray | slice | None = None) -> None:
        """A rupture with ``figure`` still open for the children ``who`` waits, neither repaired nor closed, until
        :meth:`settle_rupture` decides it (a rehearsal: the adult's next response decides it, days later)."""
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        self._pull()
        open_ = index[self.children.rupture_kind[index, k] != NO_RUPTURE]
        self.children.rupture_will_repair[open_, k] = True
        self.children.rupture_due_days[open_, k] = HELD_RUPTURE_DAYS
        self._push()

    def settle_rupture(
        self, figure: str, repair: bool | np.ndarray, *, who: np.ndarray | slice | None = None
    ) -> np.ndarray:
        """Decide the open rupture with ``figure`` of the children ``who``: repaired (``repair`` True) or closed
        unrepaired, at the next step the figure is with the child; the model's step then applies the repair (its
        effectiveness falls with the time since the rupture) or the cost of leaving it. Returns the days since
        each child's rupture opened (NaN for a child with none open)."""
        k = self._figure(figure)
        index = care.children_of(who, self.children.n)
        mends = np.broadcast_to(np.asarray(repair, bool), index.shape)
        self._pull()
        c = self.children
        open_ = c.rupture_kind[index, k] != NO_RUPTURE
        elapsed = np.where(open_, c.rupture_elapsed_days[index, k], np.nan)
        rows = index[open_]
        c.rupture_will_repair[rows, k] = mends[open_]
        c.rupture_due_days[rows, k] = c.rupture_elapsed_days[rows, k]  # due at the next step with the figure
        self._push()
        return elapsed

    def random_ages(
        self,
        distribution: str,
        first: float,
        second: float,
        *,
        who: np.ndarray | slice | None = None,
        probability: float = 1.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ages for a life event drawn per child: (the children it happens to, their ages in years).

        ``distribution`` 'uniform' (from ``first`` to ``second``), 'normal' (mean ``first``, sd ``second``) or
        'exponential' (from age ``first``, mean wait ``second`` years); each child of ``who`` has the event
        with ``probability``, and a child whose age falls outside what is left of the run has none. Pass the
        result to a change: ``sim.replace_figure('parent', who=w, at_age_years=a, ...)``.
        """
        index = care.children_of(who, self.children.n)
        rng = self._next_generator()
        happens = rng.random(index.size) < probability
        if distribution == "uniform":
            ages = rng.uniform(first, second, index.size)
        elif distribution == "normal":
            ages = rng.normal(first, second, index.size)
        elif distribution == "exponential":
            ages = first + rng.exponential(second, index.size)
        else:
            raise care.CareError(f"distribution has value {distribution!r}; expected uniform, normal or exponential")
        days = care.days_of_ages(ages, self.children.age_days[index], self.day)
        inside = happens & (days >= self.day) & (days < self.end_day)
        return index[inside], ages[inside]

    def schedule(
        self,
        name: str,
        instrument: care.Instrument,
        *,
        who: np.ndarray | slice | None = None,
        at_age_years: float | np.ndarray | None = None,
    ) -> None:
        """Run ``instrument`` on the children ``who``, each on the day it reaches ``at_age_years``.

        ``instrument(children, figures, rng)`` gets a copy of the state of the children measured that day
        and returns one row per child (a 'child' column, 0.. within them); the rows, with the population's
        child index, the day and the age, gather in :attr:`measurements` (and ``results().measurements``).
        A measurement observes: it changes nothing and draws from its own generator, never the run's. An
        age the run ends at is measured on the state the last day left.
        """
        index = care.children_of(who, self.children.n)
        if at_age_years is None:
            days = np.full(index.shape, self.day, np.int64)
        else:
            ages = care.per_child(at_age_years, index.size, "at_age_years")
            days = care.days_of_ages(ages, self.children.age_days[index], self.day)
            bad = (days < self.day) | (days > self.end_day)
            if np.any(bad):
                i = int(np.argmax(bad))
                raise care.CareError(
                    f"at_age_years has value {float(ages[i]):g} for child {int(index[i])}; expected an age "
                    "between the children's age now and their age at the end of the run"
                )
        self.schedules.append(
            care.Measurement(who=index, day=days, name=name, instrument=instrument, order=len(self.schedules))
        )

    def measurement_table(self) -> pd.DataFrame:
        """Every measurement so far: one row per child measured (tidy; empty when none)."""
        if not self.measurements:
            return pd.DataFrame(columns=MEASUREMENT_KEYS)
        return pd.concat(self.measurements, ignore_index=True)
