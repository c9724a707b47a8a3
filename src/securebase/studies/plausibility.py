"""Plausibility flags: a finding whose size the literature or the instrument's range makes incredible.

A flag does not change a verdict; it tells the reader to weigh the finding: an effect of more than three
published standard deviations, a share that moves for (nearly) every child, an interval narrower than
sampling would allow because the finding restates a mechanism ("by construction").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from securebase.studies.base import StudyResult

FlagKind = Literal["by construction", "implausibly large", "every child"]


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    #: one sentence for the reader: what is implausible, with the figure it rests on
    text: str


def flags(result: StudyResult) -> dict[int, list[Flag]]:
    """For each finding of ``result`` (by its index in ``result.findings``) its plausibility flags."""
    return {}
