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
- every table is tidy (a pandas DataFrame, one row per child, per arm or per
  summary; columns in the glossary's words);
- ``figure_png`` is a PNG image (drawn with :mod:`securebase.plotting`);
- ``design`` says what was simulated (population, N, seed, duration).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.plotting import PNG_SIGNATURE

#: "quick" is for tests (seconds); "full" is the report's size (about a minute per study on 2 cores)
Size = Literal["quick", "full"]
SIZES: tuple[str, ...] = ("quick", "full")

#: the verdict of a finding: its 95% interval excludes zero in the claimed direction, the other, or neither
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
class Finding:
    """One claim put to the test: a signed statistic whose sign the claim predicts.

    ``statistic`` says in plain words what is measured, e.g. "exploration,
    prompt repair minus no repair (mean difference per child)". ``expected``
    is the sign the claim predicts: +1 (the statistic is above zero) or -1.
    """

    claim: str
    statistic: str
    estimate: Estimate
    expected: Literal[1, -1] = 1
    #: what the statistic's units are, for the report ("share of children", "points on a 0-1 scale")
    units: str = ""

    @property
    def verdict(self) -> Verdict:
        low, high = self.estimate.low * self.expected, self.estimate.high * self.expected
        if min(low, high) > 0:
            return "supported"
        if max(low, high) < 0:
            return "contradicted"
        return "not shown"


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


class ContractError(ValueError):
    """A study's result breaks the contract in this module's docstring."""


def check_result(study: Study, result: StudyResult) -> None:
    """Raise ContractError, naming the study and the problem, where ``result`` breaks the contract."""

    def require(condition: bool, problem: str) -> None:
        if not condition:
            raise ContractError(f"study {study.name}: {problem}")

    require(result.name == study.name, f"result is named {result.name!r}")
    require(bool(result.findings), "no findings")
    for finding in result.findings:
        require(finding.claim in study.claims, f"a finding for {finding.claim}, not one of {study.claims}")
        require(finding.expected in (1, -1), f"expected sign {finding.expected!r}, not +1 or -1")
        e = finding.estimate
        require(bool(np.isfinite([e.value, e.low, e.high]).all()), f"{finding.statistic!r} is not finite")
    require(bool(result.tables), "no tables")
    for table_name, table in result.tables.items():
        require(isinstance(table, pd.DataFrame), f"table {table_name} is not a DataFrame")
        require(len(table) > 0, f"table {table_name} is empty")
        require(all(isinstance(c, str) for c in table.columns), f"table {table_name} has unnamed columns")
    require(result.figure_png.startswith(PNG_SIGNATURE), "the figure is not a PNG")
    require("seed" in result.design and "N" in result.design, "the design must state N and the seed")
