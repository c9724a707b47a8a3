"""What a study is and what it returns.

A study turns one or more of the seed's claims (S1-S12, docs/studies.md) into a
reproducible experiment: a scenario (or a few arms of one), run on the one
calibrated model, and an analysis that ends in statistics with 95% intervals
and a verdict. Every study module defines ``STUDY`` (a :class:`Study`); its
``run`` is a pure function of (size, seed, calibration): the same arguments give
the same numbers. The calibration (the model's constants and the instruments')
is passed in; a study reads no file.

The contract, checked by ``check_result``:

- ``findings`` is not empty, and each finding's interval contains its value;
- every finding states the minimum effect that would matter (above zero, on
  the finding's own scale, with a reason: set in the study module before the
  result is seen), against which its verdict is judged;
- every table is tidy (a pandas DataFrame, one row per child, per arm or per
  summary; columns in the glossary's words);
- ``figure_png`` is a PNG image (drawn with :mod:`securebase.plotting`);
- ``design`` says what was simulated (population, N, seed, duration).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.plotting import PNG_SIGNATURE

#: "quick" is for tests (seconds); "full" is the report's size (about a minute per study on 2 cores)
Size = Literal["quick", "full"]
SIZES: tuple[str, ...] = ("quick", "full")

#: the verdict of a finding: its 95% interval lies beyond the minimum effect in the claimed direction, in the
#: other direction, or neither (see :func:`verdict`)
Verdict = Literal["supported", "contradicted", "not shown"]


@dataclass(frozen=True)
class Estimate:
    """A statistic with its 95% interval."""

    value: float
    low: float
    high: float

    def __post_init__(self) -> None:
        if not (self.low <= self.value <= self.high) and not np.isnan(self.value):
            raise ValueError(f"interval [{self.low}, {self.high}] does not contain the estimate {self.value}")


@dataclass(frozen=True)
class MinimumEffect:
    """The smallest effect that would matter, on a finding's own scale, and why.

    Set in the study module next to the finding's definition, before the result
    is seen (a smallest effect size of interest): e.g. a risk difference of 5
    percentage points, a correlation of .1. ``value`` is a size (above zero);
    the claim's direction comes from the finding's ``expected`` sign.
    """

    value: float
    #: one line: why an effect smaller than ``value`` would not matter
    reason: str

    def __post_init__(self) -> None:
        if not (np.isfinite(self.value) and self.value > 0):
            raise ValueError(f"minimum effect {self.value!r}: expected a finite size above zero")
        if not self.reason.strip():
            raise ValueError(f"minimum effect {self.value!r} has no reason: say why a smaller effect would not matter")


def verdict(estimate: Estimate, expected: Literal[1, -1], minimum: float) -> Verdict:
    """The verdict of an interval on a claim of sign ``expected`` whose smallest effect that matters is ``minimum``.

    "supported" iff the whole 95% interval lies at or beyond ``minimum`` in the claimed direction (it excludes
    every effect smaller than the minimum, and every effect in the other direction); "contradicted" iff it lies
    at or beyond ``minimum`` in the opposite direction (the model shows a reverse effect large enough to matter);
    otherwise "not shown": the interval includes zero, or it excludes zero but also reaches effects too small to
    matter. An interval end exactly at the minimum counts as beyond it (the minimum is itself an effect that
    matters).
    """
    near, far = sorted((estimate.low * expected, estimate.high * expected))
    if near >= minimum:
        return "supported"
    if far <= -minimum:
        return "contradicted"
    return "not shown"


@dataclass(frozen=True)
class Finding:
    """One claim put to the test: a signed statistic whose sign the claim predicts.

    ``statistic`` says in plain words what is measured, e.g. "exploration,
    prompt repair minus no repair (mean difference per child)". ``expected``
    is the sign the claim predicts: +1 (the statistic is above zero) or -1.
    ``minimum_effect`` is the smallest effect that would matter, in the
    statistic's units (required, by keyword).
    """

    claim: str
    statistic: str
    estimate: Estimate
    expected: Literal[1, -1] = 1
    #: what the statistic's units are, for the report ("share of children", "points on a 0-1 scale")
    units: str = ""
    minimum_effect: MinimumEffect = field(kw_only=True)

    @property
    def verdict(self) -> Verdict:
        return verdict(self.estimate, self.expected, self.minimum_effect.value)

    @property
    def why_not_shown(self) -> str:
        """For a finding not shown, what its interval says instead (empty for the other verdicts)."""
        if self.verdict != "not shown":
            return ""
        e, m = self.estimate, self.minimum_effect.value
        if -m < e.low and e.high < m:
            return "the interval lies within the minimum effect either way: any effect is too small to matter"
        if e.low > 0 or e.high < 0:
            side = "claimed" if (e.low > 0) == (self.expected > 0) else "opposite"
            return f"the interval excludes zero ({side} direction) but reaches effects smaller than the minimum"
        return "the interval includes zero and effects that would matter"


@dataclass
class StudyResult:
    """Everything a study produced: the findings, the tidy tables and the figure."""

    name: str
    claims: tuple[str, ...]
    size: str
    seed: int
    #: what was simulated: populations, arms, N, duration, seed
    design: str
    findings: list[Finding]
    tables: dict[str, pd.DataFrame]
    figure_png: bytes
    #: how to read the figure, for a reader who has not seen the code
    reading: str
    extra: dict[str, float] = field(default_factory=dict)


class Progress(Protocol):
    """What a study needs of a progress bar (tqdm satisfies it)."""

    def reset(self, total: float | None = None) -> None: ...
    def update(self, n: float = 1) -> bool | None: ...


class NoProgress:
    def reset(self, total: float | None = None) -> None:
        pass

    def update(self, n: float = 1) -> None:
        pass


@dataclass(frozen=True)
class Study:
    """A named study: which claims it tests, the seed's words, the question, and how to run it."""

    name: str
    claims: tuple[str, ...]
    #: the seed's sentence(s) the study puts to the test, quoted exactly
    sentence: str
    #: the question in plain words, and what would support or contradict the claim
    question: str
    run: Callable[[Size, int, Calibration, Progress], StudyResult]
    #: claim -> the calibration targets (names in calibration/targets.toml) that already require the direction the
    #: claim predicts: the model was fitted to show it, so the report marks the claim "constrained by calibration"
    #: rather than counting it as independent evidence
    calibration_targets: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    def constrained_by_calibration(self, claim: str) -> tuple[str, ...]:
        """The calibration targets that constrain ``claim``'s direction (empty when none do)."""
        return tuple(self.calibration_targets.get(claim, ()))


class ContractError(ValueError):
    """A study's result breaks the contract in this module's docstring."""


def check_result(study: Study, result: StudyResult) -> None:
    """Raise ContractError, naming the study and the problem, where ``result`` breaks the contract."""

    def require(condition: bool, problem: str) -> None:
        if not condition:
            raise ContractError(f"study {study.name}: {problem}")

    require(result.name == study.name, f"result is named {result.name!r}")
    require(bool(result.findings), "no findings")
    for claim in study.calibration_targets:
        require(claim in study.claims, f"calibration targets declared for {claim}, not one of {study.claims}")
    for finding in result.findings:
        require(finding.claim in study.claims, f"a finding for {finding.claim}, not one of {study.claims}")
        require(finding.expected in (1, -1), f"expected sign {finding.expected!r}, not +1 or -1")
        require(
            isinstance(finding.minimum_effect, MinimumEffect),
            f"{finding.statistic!r} states no minimum effect that would matter",
        )
        e = finding.estimate
        require(bool(np.isfinite([e.value, e.low, e.high]).all()), f"{finding.statistic!r} is not finite")
    require(bool(result.tables), "no tables")
    for table_name, table in result.tables.items():
        require(isinstance(table, pd.DataFrame), f"table {table_name} is not a DataFrame")
        require(len(table) > 0, f"table {table_name} is empty")
        require(all(isinstance(c, str) for c in table.columns), f"table {table_name} has unnamed columns")
    require(result.figure_png.startswith(PNG_SIGNATURE), "the figure is not a PNG")
    require("seed" in result.design and "N" in result.design, "the design must state N and the seed")
