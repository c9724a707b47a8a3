"""What a trial file may say, as typed objects (pydantic), in the manner of ``scenario/schema.py``.

A trial names a population (a scenario, its caregiving optionally replaced by a preset or a mixture),
its arms (a control and interventions, each a list of changes of care), N per arm, the measurement
schedule, the analysis (primary and secondary outcomes) and, optionally, a power curve. Ages are in
months: a number (every child the same) or a distribution (each child its own). Anything not named
here is an error, so a typo never passes silently.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from securebase.model.state import FIGURE_TRAITS, QUALITIES, UNIT_TRAITS
from securebase.scenario.schema import NAME_PATTERN, Availability, Caregiving, FieldError, Strict

Months = Annotated[float, Field(ge=0.0, le=1200.0, allow_inf_nan=False)]


class AgeDraw(Strict):
    """Ages drawn per child: ``uniform = [low, high]`` or ``normal = [mean, sd]`` (months)."""

    uniform: Annotated[tuple[Months, Months], Field(strict=False)] | None = None
    normal: Annotated[tuple[Months, Annotated[float, Field(gt=0.0, le=600.0)]], Field(strict=False)] | None = None

    @model_validator(mode="after")
    def _one(self) -> AgeDraw:
        if (self.uniform is None) == (self.normal is None):
            expected = "exactly one of 'uniform = [low, high]' or 'normal = [mean, sd]'"
            raise FieldError("", None, expected, shown="both or neither")
        if self.uniform is not None and self.uniform[1] < self.uniform[0]:
            raise FieldError("uniform", list(self.uniform), "[low, high] with low <= high")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """The range the ages are kept in (a normal draw is kept within 3 sd of its mean)."""
        if self.uniform is not None:
            return self.uniform
        mean, sd = self.normal
        return max(0.0, mean - 3 * sd), mean + 3 * sd


Age = Months | AgeDraw


def age_bounds(age: Age) -> tuple[float, float]:
    return (float(age), float(age)) if isinstance(age, int | float) else age.bounds


KINDS = ("change", "replace", "add", "remove")


class Change(Strict):
    """One change of care in an arm (engine ``Simulation`` API):

    - ``change``: ``figure``'s ``traits`` move (``mode`` 'set' to the values, 'add' by them, 'logit' by them in
      logit units, 'sd' by that many SDs of ``instrument``'s reading) from ``from_age_months`` to
      ``until_age_months`` (absent: for good), reached over ``ramp_days``; the same person goes on;
    - ``replace``: a new person drawn from ``caregiving`` takes ``figure``'s place at ``at_age_months``;
    - ``add``: ``figure`` enters the child's life at ``at_age_months`` (drawn from ``caregiving``; a figure the
      population does not have needs its ``availability``);
    - ``remove``: ``figure`` leaves the child's life at ``at_age_months``.

    ``probability`` is the share of the arm's children it happens to (a life event), each at its own age.
    """

    kind: Literal["change", "replace", "add", "remove"]
    figure: Annotated[str, Field(pattern=NAME_PATTERN)]
    traits: dict[str, Annotated[float, Field(allow_inf_nan=False)]] = Field(default_factory=dict)
    mode: Literal["set", "add", "logit", "sd"] = "set"
    instrument: Literal["observed-sensitivity"] | None = None
    from_age_months: Age | None = None
    until_age_months: Months | None = None
    ramp_days: Annotated[int, Field(ge=0, le=36_525)] = 0
    at_age_months: Age | None = None
    caregiving: str | Caregiving | None = None
    availability: Availability | None = None
    probability: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = 1.0

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Change:
        if self.kind == "change":
            for name in ("at_age_months", "caregiving", "availability"):
                if getattr(self, name) is not None:
                    expected = "no such field in a 'change' (it has from_age_months, until_age_months)"
                    raise FieldError(name, getattr(self, name), expected)
            if self.from_age_months is None:
                raise FieldError("from_age_months", None, "the age (months) the change starts at", shown="no value")
            if not self.traits:
                raise FieldError("traits", {}, "at least one trait to change, such as { sensitivity = 0.8 }")
            if self.until_age_months is not None and self.until_age_months <= age_bounds(self.from_age_months)[1]:
                raise FieldError("until_age_months", self.until_age_months, "an age after from_age_months")
            if self.mode == "sd" and self.instrument is None:
                expected = "the instrument whose SD 'sd' counts in: 'observed-sensitivity'"
                raise FieldError("instrument", None, expected, shown="no value")
            if self.mode == "sd" and len(set(self.traits.values())) > 1:
                raise FieldError("traits", self.traits, "one number of SDs for every trait named (they move together)")
            if self.mode != "sd" and self.instrument is not None:
                raise FieldError("instrument", self.instrument, "no instrument unless mode is 'sd'")
        else:
            for name in ("from_age_months", "until_age_months", "instrument"):
                if getattr(self, name) is not None:
                    raise FieldError(name, getattr(self, name), f"no such field in a '{self.kind}' (at_age_months)")
            if self.at_age_months is None:
                raise FieldError("at_age_months", None, f"the age (months) of the '{self.kind}'", shown="no value")
            if self.kind in ("replace", "add") and self.caregiving is None:
                expected = f"the caregiving the new person is drawn from in an '{self.kind}'"
                raise FieldError("caregiving", None, expected, shown="no value")
            if self.kind == "remove" and (self.caregiving is not None or self.traits):
                raise FieldError("caregiving", self.caregiving, "nothing but the figure and the age in a 'remove'")
            if self.kind != "add" and self.availability is not None:
                raise FieldError("availability", self.availability.model_dump(), "availability only in an 'add'")
            if self.ramp_days:
                raise FieldError("ramp_days", self.ramp_days, "a ramp only in a 'change'")
            if self.traits:
                raise FieldError("traits", self.traits, f"no traits in a '{self.kind}' (give a caregiving table)")
        for name, value in self.traits.items():
            if name not in FIGURE_TRAITS:
                raise FieldError(f"traits.{name}", value, f"a trait among {', '.join(FIGURE_TRAITS)}")
            if self.mode in ("logit", "sd") and name not in (QUALITIES if self.mode == "sd" else UNIT_TRAITS):
                allowed = "a caregiving quality" if self.mode == "sd" else "a proportion"
                raise FieldError(f"traits.{name}", value, f"{allowed} for mode '{self.mode}'")
        return self

    @property
    def window(self) -> tuple[float, float]:
        """The months the change may act in, from its earliest start to its end (for good: no end)."""
        if self.kind == "change":
            end = self.until_age_months if self.until_age_months is not None else float("inf")
            return age_bounds(self.from_age_months)[0], end
        low, high = age_bounds(self.at_age_months)
        return low, high


class Arm(Strict):
    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    description: str = ""
    changes: list[Change] = Field(default_factory=list)


class Population(Strict):
    """The children: a scenario (built-in name or file, relative to the trial file), its length and caregiving."""

    scenario: Annotated[str, Field(min_length=1)]
    #: the caregiving of ``figure`` (default: the scenario's first figure): a preset name or a table (a mixture)
    caregiving: str | Caregiving | None = None
    figure: Annotated[str, Field(pattern=NAME_PATTERN)] | None = None
    #: how long the trial follows the children from the scenario's start, in months (default: the scenario's days)
    months: Annotated[float, Field(gt=0.0, le=1200.0, allow_inf_nan=False)] | None = None


class Measure(Strict):
    """An instrument run on every child at ``at_age_months`` (each child its own age when drawn)."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    instrument: Literal[
        "strange-situation", "observed-sensitivity", "security-score", "reunion", "security-scale", "state-of-mind",
        "model-strategy", "model-trust",
    ]
    figure: Annotated[str, Field(pattern=NAME_PATTERN)]
    at_age_months: Age
    #: the class whose share is the outcome (a classification: B for the Strange Situation, secure for the strategy)
    outcome_class: str | None = None


class Analysis(Strict):
    primary: Annotated[str, Field(pattern=NAME_PATTERN)]
    secondary: list[Annotated[str, Field(pattern=NAME_PATTERN)]] = Field(default_factory=list)
    #: the arm the others are compared with (default: the first)
    control: Annotated[str, Field(pattern=NAME_PATTERN)] | None = None
    alpha: Annotated[float, Field(gt=0.0, lt=0.5, allow_inf_nan=False)] = 0.05
    #: comparisons between two arms besides each against the control (dose, timing): [[arm, reference], ...], each
    #: analysed as arm against control is; "all": every pair of intervention arms
    contrasts: (
        list[Annotated[tuple[Annotated[str, Field(pattern=NAME_PATTERN)], Annotated[str, Field(pattern=NAME_PATTERN)]],
                       Field(strict=False)]]
        | Literal["all"]
    ) = Field(default_factory=list)  # fmt: skip


class Power(Strict):
    """The power curve: ``replicates`` trials simulated afresh at each N per arm (nested: see docs/trials.md)."""

    n_per_arm: Annotated[list[Annotated[int, Field(ge=2, le=10_000_000)]], Field(min_length=1, max_length=20)]
    replicates: Annotated[int, Field(ge=1, le=100_000)] = 200

    @field_validator("n_per_arm")
    @classmethod
    def _increasing(cls, sizes: list[int]) -> list[int]:
        for i in range(1, len(sizes)):
            if sizes[i] <= sizes[i - 1]:
                raise FieldError(f"[{i}]", sizes[i], f"sizes in increasing order, each once (after {sizes[i - 1]})")
        return sizes


class TrialSpec(Strict):
    """A whole trial, as read from a TOML file."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    description: str = ""
    seed: Annotated[int, Field(ge=0)] = 0
    n_per_arm: Annotated[int, Field(ge=1, le=10_000_000)]
    kernel: Literal["cpu", "cuda", "readable"] = "cpu"
    population: Population
    arms: Annotated[list[Arm], Field(min_length=2, max_length=16)]
    measures: Annotated[list[Measure], Field(min_length=1, max_length=32)]
    analysis: Analysis
    power: Power | None = None

    @model_validator(mode="after")
    def _references(self) -> TrialSpec:
        arms = [arm.name for arm in self.arms]
        for i, name in enumerate(arms):
            if name in arms[:i]:
                raise FieldError(f"arms[{i}].name", name, "each arm's name once")
        measures = [m.name for m in self.measures]
        for i, name in enumerate(measures):
            if name in measures[:i]:
                raise FieldError(f"measures[{i}].name", name, "each measure's name once")
        for where, name in [("analysis.primary", self.analysis.primary)] + [
            (f"analysis.secondary[{i}]", n) for i, n in enumerate(self.analysis.secondary)
        ]:
            if name not in measures:
                raise FieldError(where, name, f"one of the measures: {', '.join(measures)}")
        if self.analysis.control is not None and self.analysis.control not in arms:
            raise FieldError("analysis.control", self.analysis.control, f"one of the arms: {', '.join(arms)}")
        if self.analysis.contrasts != "all":
            control, seen = self.analysis.control or arms[0], set()
            for i, pair in enumerate(self.analysis.contrasts):
                where = f"analysis.contrasts[{i}]"
                for name in pair:
                    if name not in arms:
                        raise FieldError(where, list(pair), f"two of the arms: {', '.join(arms)}")
                if pair[0] == pair[1]:
                    raise FieldError(where, list(pair), "two different arms")
                if control in pair:
                    raise FieldError(where, list(pair), f"two arms besides the control '{control}' (each arm is "
                                     "already compared with the control)")  # fmt: skip
                if frozenset(pair) in seen:
                    raise FieldError(where, list(pair), "each pair of arms once")
                seen.add(frozenset(pair))
        return self

    def contrast_pairs(self, arm_names: list[str]) -> list[tuple[str, str]]:
        """The (arm, reference) pairs of ``[analysis] contrasts``: "all" is every pair of intervention arms, the
        later arm against the earlier (in the file's order)."""
        if self.analysis.contrasts != "all":
            return [tuple(pair) for pair in self.analysis.contrasts]
        others = [name for name in arm_names if name != self.control]
        return [(later, earlier) for i, earlier in enumerate(others) for later in others[i + 1 :]]

    @property
    def control(self) -> str:
        return self.analysis.control or self.arms[0].name

    @property
    def outcomes(self) -> list[str]:
        return [self.analysis.primary, *[m for m in self.analysis.secondary if m != self.analysis.primary]]
