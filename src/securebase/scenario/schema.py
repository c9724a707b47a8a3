"""What a scenario file may say, as typed objects (pydantic).

A scenario is data: the population of children and their figures (each figure
drawn from a caregiving population: a distribution of its traits), the
settings and schedule, the duration, and events. Anything not named here is
an error, so a typo never passes silently.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from securebase.model.state import FIGURE_TRAITS, UNIT_TRAITS

NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"

#: the most a rate or latency trait may be (a mean or an sd): more cannot mean anything in the model.
#: rupture_rate is per day, at most one an episode (96 episodes a day at most); a latency is at most the
#: longest schedule (a century of days)
#: the narrowest distribution of a trait (an sd below it is 0: the same for every figure)
MIN_SD = 1e-6
#: a simulated history longer than this many years is worth a warning: it is most of a run's time, and the
#: model's development is calibrated on childhood (docs/model.md)
LONG_HISTORY_YEARS = 18.0
TRAIT_LIMITS = {"rupture_rate": 96.0, "anomalous_rate": 96.0, "repair_latency_days": 36_525.0}


class FieldError(ValueError):
    """A validator's complaint about one field: where (relative to the table validated), its value, what was expected.

    ``describe`` in ``load.py`` joins ``field`` to the table's own location, so the message names the full path.
    """

    def __init__(self, field: str, value: object, expected: str, shown: str | None = None):
        self.field = field
        self.shown = f"value {value!r}" if shown is None else shown
        self.expected = expected
        super().__init__(f"{field or 'table'} has {self.shown}; expected {expected}")


class Strict(BaseModel):
    # strict: a TOML string or boolean is never taken for a number
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class TraitDistribution(Strict):
    """A trait's distribution over figures: Beta for proportions, Gamma for rates and latencies."""

    mean: Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
    sd: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0


Trait = Annotated[float, Field(ge=0.0, allow_inf_nan=False)] | TraitDistribution


class MixtureComponent(Strict):
    """One kind of caregiver in a mixed population, and its share."""

    preset: str
    weight: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]


class Caregiving(Strict):
    """A caregiving population: the distribution of each trait of a figure.

    Start from a named ``preset`` and override any trait. A trait is a number
    (every figure the same) or ``{mean, sd}``. Or give a ``mixture`` of presets
    with weights (a risk mixture), and nothing else.
    """

    preset: str | None = None
    mixture: Annotated[list[MixtureComponent], Field(min_length=1)] | None = None
    consistency: Trait | None = None
    appropriateness: Trait | None = None
    sensitivity: Trait | None = None
    warmth: Trait | None = None
    reliability: Trait | None = None
    exploration_support: Trait | None = None
    intrusiveness: Trait | None = None
    rupture_rate: Trait | None = None
    repair_propensity: Trait | None = None
    repair_latency_days: Trait | None = None
    anomalous_rate: Trait | None = None
    anomalous_severity: Trait | None = None
    #: correlation of the five qualities through one shared factor (a Gaussian copula)
    quality_correlation: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _check_feasible(self) -> Caregiving:
        if self.mixture is not None:
            others = [n for n in ("preset", *FIGURE_TRAITS, "quality_correlation") if getattr(self, n) is not None]
            if others:
                raise FieldError("mixture", "a mixture", f"a mixture alone, without {', '.join(others)}")
        for name in FIGURE_TRAITS:
            trait = getattr(self, name)
            if trait is None:
                continue
            is_table = isinstance(trait, TraitDistribution)
            mean, sd = (trait.mean, trait.sd) if is_table else (trait, 0.0)
            if 0 < sd < MIN_SD:  # a distribution too narrow to draw from (its shape overflows): a constant is meant
                raise FieldError(f"{name}.sd", sd, f"0 (every figure the same) or at least {MIN_SD:g}")
            if (sd > 0 and 0 < mean < MIN_SD) or (name in UNIT_TRAITS and sd > 0 and 1 - MIN_SD < mean < 1):
                raise FieldError(f"{name}.mean", mean, f"a mean at least {MIN_SD:g} from its bounds when sd > 0")
            if name in UNIT_TRAITS:
                if mean > 1.0:
                    raise FieldError(f"{name}.mean" if is_table else name, mean, "a proportion between 0 and 1")
                if sd > 0 and sd >= math.sqrt(mean * (1.0 - mean)):
                    raise FieldError(
                        f"{name}.sd",
                        sd,
                        f"an sd below {math.sqrt(mean * (1.0 - mean)):.3f}, the most a proportion with mean {mean} allows",
                    )
            elif sd > 0 and mean == 0:
                raise FieldError(f"{name}.sd", sd, "0, as a mean of 0 cannot have a positive sd")
            if name in TRAIT_LIMITS:
                limit = TRAIT_LIMITS[name]
                for part, value in (("mean", mean), ("sd", sd)):
                    if value > limit:
                        where = f"{name}.{part}" if is_table else name
                        raise FieldError(where, value, f"at most {limit:g} (the most a {name} can mean)")
        return self


class Availability(Strict):
    """Probability that the figure is with the child during an episode, by setting."""

    home: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.0
    school: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.0


class FigureSpec(Strict):
    """One figure in every child's life (a parent, a teacher, a partner...)."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    role: Literal["parent", "caregiver", "teacher", "partner", "friend", "mentor", "other"] = "parent"
    caregiving: str | Caregiving = "normative"
    availability: Availability = Availability(home=0.9)
    #: day (of the scenario) the figure enters the child's life; absent: from birth
    from_day: int | None = None


class Population(Strict):
    n_children: Annotated[int, Field(ge=1, le=50_000_000)]
    start_age_years: Annotated[float, Field(ge=0.0, le=80.0, allow_inf_nan=False)] = 0.0
    #: "simulate": live the years before the start with the figures present from birth
    history: Literal["simulate", "none"] = "simulate"
    #: children per class (classes are consecutive blocks of children; each class shares one teacher and its
    #: children are each other's classmates, model/classroom.py); absent: no classes
    class_size: Annotated[int, Field(ge=2, le=1000)] | None = None

    @model_validator(mode="after")
    def _check_classes(self) -> Population:
        if self.class_size is not None and self.n_children % self.class_size != 0:
            raise FieldError(
                "class_size",
                self.class_size,
                f"a divisor of n_children ({self.n_children}): classes are equal consecutive blocks of children",
            )
        return self


class SchoolSchedule(Strict):
    days_per_week: Annotated[int, Field(ge=0, le=7)] = 5
    #: [first, last) episode of a school day spent at school
    episodes: Annotated[tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]], Field(strict=False)] = (2, 6)
    #: [first, last) scenario days with no school
    holidays: list[Annotated[tuple[int, int], Field(strict=False)]] = []

    @model_validator(mode="after")
    def _check_order(self) -> SchoolSchedule:
        first, last = self.episodes
        if first > last:
            raise FieldError("episodes", [first, last], "[first, last) with first <= last")
        for i, (start, end) in enumerate(self.holidays):
            if start > end:
                raise FieldError(f"holidays[{i}]", [start, end], "[first, last) days with first <= last")
        return self


class Schedule(Strict):
    days: Annotated[int, Field(ge=1, le=36_525)]
    episodes_per_day: Annotated[int, Field(ge=1, le=96)] = 8
    school: SchoolSchedule | None = None

    @model_validator(mode="after")
    def _check_school_fits(self) -> Schedule:
        if self.school is not None and self.school.episodes[1] > self.episodes_per_day:
            raise FieldError(
                "school.episodes",
                list(self.school.episodes),
                f"episodes that end by episodes_per_day ({self.episodes_per_day}), the episodes of a day",
            )
        return self


class Event(Strict):
    """Something that happens to the figures on a day, to all children or a random fraction.

    - ``replace``: a new person takes the figure's place (a new caregiver or
      teacher): traits drawn from ``caregiving``, the relationship starts anew
      from the child's general prior;
    - ``change``: the same person's caregiving changes (from ``caregiving``)
      until ``until_day`` (or for good), the relationship carries on;
    - ``leave``: the figure leaves the child's life.
    """

    kind: Literal["replace", "change", "leave"]
    figure: Annotated[str, Field(pattern=NAME_PATTERN)]
    day: int | None = None
    at_age_years: Annotated[float, Field(ge=0.0, le=200.0, allow_inf_nan=False)] | None = None
    until_day: int | None = None
    caregiving: str | Caregiving | None = None
    fraction: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = 1.0

    @model_validator(mode="after")
    def _check_when_and_what(self) -> Event:
        if (self.day is None) == (self.at_age_years is None):
            shown = (
                "neither 'day' nor 'at_age_years'"
                if self.day is None
                else f"both day = {self.day} and at_age_years = {self.at_age_years}"
            )
            raise FieldError("", None, "exactly one of 'day' or 'at_age_years'", shown=shown)
        if self.kind in ("replace", "change") and self.caregiving is None:
            raise FieldError(
                "caregiving", None, f"a caregiving preset name or table for a '{self.kind}' event", shown="no value"
            )
        if self.kind != "change" and self.until_day is not None:
            raise FieldError("until_day", self.until_day, f"no 'until_day' on a '{self.kind}' event (only 'change')")
        if self.until_day is not None and self.day is not None and self.until_day <= self.day:
            raise FieldError("until_day", self.until_day, f"a day after the event's day ({self.day})")
        return self


class Measure(Strict):
    """An instrument run on every child at the ages asked (each child on the day it reaches each age).

    Which instruments exist and the ages each is valid at are the instruments' (``securebase.instruments``);
    the run checks them before it starts (a name or age it cannot take is refused there, with exit 2).
    """

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    instrument: Annotated[str, Field(min_length=1, max_length=40)]
    figure: Annotated[str, Field(pattern=NAME_PATTERN)]
    at_age_years: Annotated[
        list[Annotated[float, Field(ge=0.0, le=200.0, allow_inf_nan=False)]], Field(min_length=1, max_length=100)
    ]


class Output(Strict):
    #: keep per-child trajectories (large: n_children x days / trajectory_every_days rows)
    trajectories: bool = False
    trajectory_every_days: Annotated[int, Field(ge=1)] = 7
    checkpoint_every_days: Annotated[int, Field(ge=1)] = 30


class Scenario(Strict):
    """A whole scenario, as read from a TOML file."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    description: str = ""
    seed: Annotated[int, Field(ge=0)] = 0
    population: Population
    figures: Annotated[list[FigureSpec], Field(min_length=1, max_length=16)]
    schedule: Schedule
    events: list[Event] = []
    #: instruments run on every child at the ages asked; their rows are the run's ``measurements`` table
    measures: list[Measure] = []
    output: Output = Output()

    @field_validator("figures")
    @classmethod
    def _unique_names(cls, figures: list[FigureSpec]) -> list[FigureSpec]:
        names = [f.name for f in figures]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise FieldError(
                    f"[{i}].name", name, f"a unique name (figures[{names.index(name)}] is already '{name}')"
                )
        return figures

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        names = [f.name for f in self.figures]
        days, first = self.schedule.days, -self.history_days
        for i, event in enumerate(self.events):
            if event.figure not in names:
                raise FieldError(f"events[{i}].figure", event.figure, f"one of the figures: {', '.join(names)}")
            when = "day" if event.day is not None else "at_age_years"
            value, day = getattr(event, when), self.event_day(event)
            if day >= days:
                raise FieldError(
                    f"events[{i}].{when}",
                    value,
                    f"a day before the end of the schedule (schedule.days = {days}); "
                    f"an event on day {day} would never happen",
                )
            if day < first and not (event.at_age_years is not None and self.population.history == "none"):
                lived = "the simulated history" if first < 0 else "the scenario (population.history is 'none')"
                raise FieldError(
                    f"events[{i}].{when}",
                    value,
                    f"day {first} or later, the first day of {lived}; an event on day {day} would never happen",
                )
            if event.until_day is not None and event.until_day <= day:
                raise FieldError(f"events[{i}].until_day", event.until_day, f"a day after the event's day ({day})")
            too_early = event.at_age_years is not None and event.at_age_years < self.population.start_age_years
            if too_early and self.population.history == "none":
                raise FieldError(
                    f"events[{i}].at_age_years",
                    event.at_age_years,
                    f"at least start_age_years ({self.population.start_age_years}) when population.history is 'none'",
                )
        self._check_measures(names)
        for j, figure in enumerate(self.figures):
            if figure.from_day is not None and figure.from_day < 0 and self.population.history == "none":
                raise FieldError(
                    f"figures[{j}].from_day", figure.from_day, "0 or later when population.history is 'none'"
                )
            if figure.from_day is not None and figure.from_day >= days:
                raise FieldError(
                    f"figures[{j}].from_day",
                    figure.from_day,
                    f"a day before the end of the schedule (schedule.days = {days}); "
                    "the figure would never enter the children's lives",
                )
        return self

    def _check_measures(self, names: list[str]) -> None:
        """Each measure's name once, its figure one of the figures, its ages within the children's lives here."""
        first_age = 0.0 if self.population.history == "simulate" else self.population.start_age_years
        last_age = self.population.start_age_years + self.schedule.days / 365.25
        seen: list[str] = []
        for i, measure in enumerate(self.measures):
            if measure.name in seen:
                raise FieldError(f"measures[{i}].name", measure.name, "each measure's name once")
            seen.append(measure.name)
            if measure.figure not in names:
                raise FieldError(f"measures[{i}].figure", measure.figure, f"one of the figures: {', '.join(names)}")
            for j, age in enumerate(measure.at_age_years):
                if not first_age <= age <= last_age:
                    raise FieldError(
                        f"measures[{i}].at_age_years[{j}]",
                        age,
                        f"an age the children live in this scenario, from {first_age:g} to {last_age:.4g} years",
                    )

    def warnings(self) -> list[str]:
        """What is legitimate but surprising in this scenario: one sentence each, naming the field and value."""
        found = []
        days, first = self.schedule.days, -self.history_days
        if all(f.availability.home == 0 and f.availability.school == 0 for f in self.figures):
            found.append("figures[*].availability is 0 at home and at school for every figure: no child ever meets one")
        if self.schedule.school is not None:
            for i, (start, end) in enumerate(self.schedule.school.holidays):
                if start < 0 or end > days:
                    found.append(
                        f"schedule.school.holidays[{i}] is [{start}, {end}), not within the scenario's days "
                        f"[0, {days}): the days outside it are ignored"
                    )
        for i, event in enumerate(self.events):
            if event.until_day is not None and event.until_day > days:
                found.append(
                    f"events[{i}].until_day is {event.until_day}, after the end (schedule.days = {days}): "
                    "the change lasts to the end of the scenario"
                )
        start_age = self.population.start_age_years
        if self.population.history == "simulate" and start_age > LONG_HISTORY_YEARS:
            found.append(
                f"population.start_age_years is {start_age:g} with population.history 'simulate': "
                f"{self.history_days:,} days of life are simulated before the scenario starts, most of the run's "
                "time; population.history = 'none' starts the children at that age without them"
            )
        for j, figure in enumerate(self.figures):
            if figure.from_day is not None and figure.from_day < first:
                found.append(
                    f"figures[{j}].from_day is {figure.from_day}, before the simulated history starts "
                    f"(day {first}): the figure is there from birth"
                )
        return found

    @property
    def history_days(self) -> int:
        """Days lived before the scenario starts (simulated when history is 'simulate')."""
        if self.population.history == "none":
            return 0
        return round(self.population.start_age_years * 365.25)

    def event_day(self, event: Event) -> int:
        if event.day is not None:
            return event.day
        return round((event.at_age_years - self.population.start_age_years) * 365.25)
