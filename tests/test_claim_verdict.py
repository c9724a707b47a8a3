"""A claim's verdict from its findings' verdicts (studies/claims.py), and identical findings told once."""

from __future__ import annotations

import pytest

from securebase.studies import Estimate, Finding, MinimumEffect
from securebase.studies.claims import CLAIM_VERDICTS, claim_verdict, identical_groups, merged_statistic


@pytest.mark.parametrize(
    ("verdicts", "expected", "why"),
    [
        (["supported"], "supported", "its one finding supported"),
        (["supported", "supported"], "supported", "all 2 findings supported"),
        (["supported", "not shown", "not shown"], "partly supported", "1 of 3 findings supported"),
        (["supported", "contradicted"], "partly supported", "1 of 2 findings supported, 1 contradicted"),
        (["not shown", "not shown"], "not shown", "0 of 2 findings supported, none contradicted"),
        (["not shown", "contradicted"], "contradicted", "0 of 2 findings supported, 1 contradicted"),
        (["contradicted"], "contradicted", "its one finding contradicted"),
        (["not shown"], "not shown", "its one finding not shown"),
    ],
)
def test_the_claim_rule_takes_each_branch(verdicts: list[str], expected: str, why: str) -> None:
    result = claim_verdict(verdicts)
    assert result.verdict == expected
    assert result.why == why
    assert result.verdict in CLAIM_VERDICTS  # every verdict the rule gives is explained on the page


def test_a_claim_without_findings_has_no_verdict() -> None:
    with pytest.raises(ValueError, match="without findings"):
        claim_verdict([])


def _finding(statistic: str, value: float, low: float, high: float, claim: str = "S8") -> Finding:
    return Finding(claim, statistic, Estimate(value, low, high), minimum_effect=MinimumEffect(0.05, "r"))


def test_findings_identical_to_four_decimals_are_one_group() -> None:
    findings = [
        _finding("B after care worsened at 2 years (the same caregiver), secure history", -0.81, -0.87491, -0.7147),
        _finding("B after care worsened at 2 years (a new caregiver), secure history", -0.81, -0.87489, -0.71471),
        _finding("B after care improved at 2 years (the same caregiver), insecure history", 0.74, 0.6393, 0.816),
        _finding("B after care improved at 2 years (a new caregiver), insecure history", 0.75, 0.6499, 0.8245),
        _finding("the same number for another claim", -0.81, -0.8749, -0.7147, claim="S9"),
    ]
    assert identical_groups(findings) == [[0, 1], [2], [3], [4]]
    assert merged_statistic([findings[0].statistic, findings[1].statistic]) == (
        "B after care worsened at 2 years (the same caregiver / a new caregiver), secure history"
    )
    assert merged_statistic(["trust", "anxiety"]) == "trust; anxiety"  # nothing in common: both, in full
