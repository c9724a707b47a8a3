"""What the literature found, beside what the model shows: published effects for the seed's claims.

For comparison, never fitted: no constant of the model is tuned to these figures (MODEL.md §4 lists what
the model is fitted to). Each published effect names its source and where in it the figure is (table or
page), read from the paper itself; the model's effect is converted to the same metric (d, r, percentage
points or an odds ratio) and the conversion is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from securebase.studies.base import Estimate, StudyResult

Metric = Literal["d", "r", "percentage points", "odds ratio"]


@dataclass(frozen=True)
class PublishedEffect:
    """One published effect size for a claim, with its source."""

    claim: str
    #: the study (securebase.studies name) and the finding within it (its ``statistic``, exactly) it sits beside
    study: str
    statistic: str
    metric: Metric
    value: float
    low: float | None
    high: float | None
    #: the full reference, and where in it the figure is (table, page)
    source: str
    where: str
    #: what was compared, in which population (one line)
    note: str


@dataclass(frozen=True)
class Comparison:
    """A published effect beside the model's effect in the same metric (``model`` None: not convertible)."""

    published: PublishedEffect
    model: Estimate | None
    #: how the model's effect was put in the published metric (one line)
    conversion: str


#: the published effects, by claim (filled from the papers themselves)
PUBLISHED: tuple[PublishedEffect, ...] = ()


def compare(result: StudyResult) -> dict[int, list[Comparison]]:
    """For each finding of ``result`` (by its index in ``result.findings``) the published effects beside it."""
    return {}
