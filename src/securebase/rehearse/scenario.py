"""The scenario library: situations a trainee rehearses, as TOML data validated with pydantic.

A rehearsal scenario is a simulated child (an age, a name and pronoun for the page, and a home history that
the engine produces: years under a caregiving preset), the situations of a term (what the adult
sees arise, and how stressful it is for the child), and the rhythm of the term. Files live in
``rehearse/scenarios/``; docs/rehearse.md lists them.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from securebase.rehearse.repertoire import keys
from securebase.scenario.caregiving import UnknownPresetError, caregiving_presets, resolve
from securebase.scenario.load import describe
from securebase.scenario.schema import NAME_PATTERN, Caregiving, FieldError

#: kinds of situation (part of what the adult observes: the situation is plain to see)
KINDS: tuple[str, ...] = ("separation", "task", "setback", "peer", "transition", "after_rupture", "arrival", "help")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Situation(Strict):
    """One kind of moment in the term: what arises, in words an adult would use, and its stress.

    ``text`` says what happens around the child, never how the child behaves: the cues say that, from the
    model, and a text that did ("holding your sleeve") would contradict them (tests/test_rehearse_words.py).
    """

    kind: Literal[KINDS]  # type: ignore[valid-type]
    text: str = Field(min_length=1, max_length=400)
    #: the need the situation brings, per minute (the scale of instruments/strange_situation.py)
    stress_per_minute: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
    #: whether the home figure is there as the situation arises (a drop-off)
    with_home_figure: bool = False


class Home(Strict):
    """The child's care before the trainee: the engine runs these years (from birth) to make the history."""

    caregiving: str | Caregiving
    availability: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = 0.9


class Term(Strict):
    days: Annotated[int, Field(ge=1, le=400)] = 84
    moments: Annotated[int, Field(ge=2, le=60)] = 14
    #: chance that the trainee is with the child in a school episode between moments
    availability: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.8


class RehearsalScenario(Strict):
    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    title: str = Field(min_length=1, max_length=80)
    #: the situation in plain words, for the page that starts an attempt
    summary: str = Field(min_length=1, max_length=800)
    child: str = Field(min_length=1, max_length=30, description="the simulated child's first name on the page")
    #: how the page speaks of the child (cues, consequences, coaching); "they" where a file does not say
    pronoun: Literal["she", "he", "they"] = "they"
    age_years: Annotated[float, Field(ge=2.0, le=18.0, allow_inf_nan=False)]
    home: Home
    term: Term = Term()
    #: the adult's response before the trainee's first choice (the adult lost their temper a moment ago)
    opens_with: str | None = None
    seed: Annotated[int, Field(ge=0)] = 0
    situations: Annotated[list[Situation], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> RehearsalScenario:
        if self.opens_with is not None and self.opens_with not in keys():
            raise FieldError("opens_with", self.opens_with, f"a response, one of: {', '.join(keys())}")
        if isinstance(self.home.caregiving, str):
            try:
                resolve(self.home.caregiving)
            except UnknownPresetError:
                presets = ", ".join(sorted(caregiving_presets()))
                raise FieldError(
                    "home.caregiving", self.home.caregiving, f"a caregiving preset, one of: {presets}"
                ) from None
        return self

    def situation(self, moment: int) -> Situation:
        return self.situations[moment % len(self.situations)]

    def moment_day(self, moment: int) -> int:
        """The day of the term on which ``moment`` happens (moments spread evenly over the term)."""
        return (moment * self.term.days) // self.term.moments


class ScenarioFileError(ValueError):
    """A rehearsal scenario file that cannot be used; the message names the file and the field."""


def parse(text: str, origin: str) -> RehearsalScenario:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as bad:
        raise ScenarioFileError(f"{origin}: not valid TOML ({bad})") from None
    try:
        return RehearsalScenario.model_validate(data)
    except ValidationError as bad:
        raise ScenarioFileError(f"{origin}: {describe(bad, RehearsalScenario, data)}") from None


@cache
def library() -> dict[str, RehearsalScenario]:
    """The built-in scenarios by name, in the order of their file names."""
    folder = resources.files("securebase.rehearse").joinpath("scenarios")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            scenario = parse(entry.read_text("utf-8"), f"rehearse scenario '{entry.name}'")
            found[scenario.name] = scenario
    return found


def get(name: str) -> RehearsalScenario:
    scenarios = library()
    if name not in scenarios:
        raise KeyError(f"no rehearsal scenario {name!r}; expected one of: {', '.join(scenarios)}")
    return scenarios[name]
