"""Plausibility flags (issue 28): each rule on hand-made findings, where it fires and where it does not."""

from __future__ import annotations

import importlib
import inspect

import pytest

from securebase.instruments import security_scale
from securebase.studies import plausibility
from securebase.studies.base import Estimate, Finding, MinimumEffect, StudyResult


def finding(value: float, units: str, statistic: str = "something, arm x minus arm y", width: float = 0.05) -> Finding:
    return Finding(
        claim="S8",
        statistic=statistic,
        estimate=Estimate(value, value - width, value + width),
        units=units,
        minimum_effect=MinimumEffect(0.05, "hand-made"),
    )


def result(name: str, *findings: Finding) -> StudyResult:
    return StudyResult(name, ("S8",), "quick", 1, "N = 1, seed 1", list(findings), {}, b"", "")


def kinds(name: str, *findings: Finding) -> dict[int, list[str]]:
    return {i: [f.kind for f in found] for i, found in plausibility.flags(result(name, *findings)).items()}


def test_more_than_three_published_sds_on_the_security_scale_is_implausibly_large():
    sd = security_scale.PUBLISHED_SD
    assert kinds("change", finding(-3.5 * sd, "security-scale points")) == {0: ["implausibly large"]}
    assert kinds("change", finding(2.9 * sd, "security-scale points")) == {}
    (flag,) = plausibility.flags(result("change", finding(1.75, "security-scale points")))[0]
    assert "3.5 of its published SDs" in flag.text


def test_a_standardised_effect_beyond_three_is_implausibly_large():
    assert kinds("life-course", finding(-3.2, "standard deviations")) == {0: ["implausibly large"]}
    assert kinds("life-course", finding(2.5, "standard deviations")) == {}
    # a value on a 0-1 scale is not a d, however large
    assert kinds("repair", finding(0.9, "points on a 0-1 scale")) == {}


@pytest.mark.parametrize(
    ("value", "fires"), [(-0.77, True), (0.75, True), (0.749, False), (0.3, False)]
)  # fmt: skip
def test_a_share_of_children_moving_by_three_quarters_is_every_child(value, fires):
    assert kinds("change", finding(value, "share of children")) == ({0: ["every child"]} if fires else {})


def test_every_child_asks_for_a_share_of_children_and_a_difference():
    # a share of a child's bids is no class flip; a share without a contrast is no move
    assert kinds("bids-like", finding(-0.8, "share of a child's bids (0-1)")) == {}
    assert kinds("styles", finding(0.9, "share of children", statistic="share coded B under responsive care")) == {}


def test_by_construction_is_declared_per_finding_not_guessed_from_the_interval():
    restating = "competence gained, comfort and support minus comfort only (paired per child)"
    flagged = plausibility.flags(result("exploration-support", finding(0.068, "competence", restating, 0.0007)))
    assert [f.kind for f in flagged[0]] == ["by construction"]
    assert "±0.0007" in flagged[0][0].text
    # the same narrow interval on an undeclared finding, or the same words in another study, raise nothing
    assert kinds("exploration-support", finding(0.068, "competence", "competence, a minus b", 0.0007)) == {}
    assert kinds("repair", finding(0.068, "competence", restating, 0.0007)) == {}


def test_every_declared_construction_names_a_finding_of_its_study_and_a_reason():
    from securebase.choices import STUDY_NAMES

    for (study, start), reason in plausibility.BY_CONSTRUCTION.items():
        assert study in STUDY_NAMES
        # the statistic's words are written in the study module (statistics are built there)
        module = importlib.import_module(f"securebase.studies.{study.replace('-', '_')}")
        assert start in inspect.getsource(module), (study, start)
        assert reason.strip()


def test_flags_are_indexed_by_finding_and_leave_plain_findings_out():
    found = plausibility.flags(result("change", finding(0.02, "share of children"), finding(-0.9, "share of children")))
    assert list(found) == [1]
