"""From findings to claims: one verdict per claim of the seed, and findings that are one number told once.

The rule of :func:`claim_verdict` was set in issue 28 (report v2), after the earlier reports' findings were
known (docs/studies.md says so); it changes no finding's verdict and no minimum effect.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from securebase.studies.base import Finding

ClaimVerdictName = Literal["supported", "partly supported", "not shown", "contradicted"]

#: what each claim-level verdict means, in the reader's words (the rule of :func:`claim_verdict`)
CLAIM_VERDICTS: dict[str, str] = {
    "supported": "every finding of the claim is supported",
    "partly supported": (
        "some findings of the claim are supported and others are not (not shown, or contradicted: said beside it)"
    ),
    "not shown": "no finding of the claim is supported and none is contradicted",
    "contradicted": "no finding of the claim is supported and at least one is contradicted",
}

#: decimals to which two findings' estimates must agree to be told once (one row naming both)
IDENTICAL_DECIMALS = 4


@dataclass(frozen=True)
class ClaimVerdict:
    verdict: ClaimVerdictName
    #: one sentence: how many findings came out how, and so the verdict
    why: str


def claim_verdict(verdicts: Sequence[str]) -> ClaimVerdict:
    """The verdict of a claim whose findings (identical ones told once) have ``verdicts``.

    All supported: "supported"; some supported: "partly supported"; none supported and some contradicted:
    "contradicted"; none supported and none contradicted: "not shown". A claim needs at least one finding.
    """
    if not verdicts:
        raise ValueError("a claim without findings has no verdict")
    total = len(verdicts)
    supported, contradicted = verdicts.count("supported"), verdicts.count("contradicted")
    tally = f"{supported} of {total} findings supported" + (f", {contradicted} contradicted" if contradicted else "")
    if supported == total:
        name: ClaimVerdictName = "supported"
        tally = f"all {total} findings supported"
    elif supported:
        name = "partly supported"
    elif contradicted:
        name = "contradicted"
    else:
        name = "not shown"
        tally += ", none contradicted"
    return ClaimVerdict(name, f"its one finding {verdicts[0]}" if total == 1 else tally)


def _key(finding: Finding) -> tuple[object, ...]:
    e = finding.estimate
    return (finding.claim, finding.verdict, *(round(v, IDENTICAL_DECIMALS) for v in (e.value, e.low, e.high)))


def identical_groups(findings: Sequence[Finding]) -> list[list[int]]:
    """The findings' indices grouped where claim, verdict and estimate [interval] agree to IDENTICAL_DECIMALS
    decimals (the model does not tell those conditions apart); groups in the order of their first finding."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, finding in enumerate(findings):
        groups.setdefault(_key(finding), []).append(index)
    return list(groups.values())


def merged_statistic(statistics: Sequence[str]) -> str:
    """Several statistics that differ in a phrase, said once: "at 2 years (the same caregiver / a new caregiver),
    secure history". Statistics with nothing in common are joined with "; "."""
    if len(statistics) == 1:
        return statistics[0]
    prefix = os.path.commonprefix(list(statistics))  # noqa: RUF071 (characters are meant: these are not paths)
    prefix = prefix[: max(prefix.rfind(" "), prefix.rfind("(")) + 1]  # a whole word
    suffix = os.path.commonprefix([s[len(prefix) :][::-1] for s in statistics])[::-1]  # noqa: RUF071
    # the phrase that differs ends at punctuation where it can ("(the same caregiver / a new caregiver)")
    cuts = [i for i, c in enumerate(suffix) if c in "),;:"] or [i for i, c in enumerate(suffix) if c == " "]
    suffix = suffix[cuts[0] :] if cuts else ""
    middles = [s[len(prefix) : len(s) - len(suffix)] for s in statistics]
    if not all(middles) or not (prefix or suffix):
        return "; ".join(statistics)
    return f"{prefix}{' / '.join(middles)}{suffix}"
