"""The exploration-support study (S6): contract, directions at quick size, and what its arms differ in."""

from __future__ import annotations

import pytest

from securebase.studies import check_result, get_study
from securebase.studies import exploration_support as study


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("exploration-support")


def test_contract(result):
    check_result(get_study("exploration-support"), result)


def test_support_adds_development_and_intrusion_cuts_exploration(result):
    assert len(result.findings) == 3
    assert [f.verdict for f in result.findings] == ["supported"] * 3


def test_comfort_alone_gives_nearly_the_same_security_with_less_development(result):
    arms = result.tables["arms"].set_index("arm")
    # support changes no comfort; felt security moves only through what more exploring brings (model v2)
    assert result.extra["felt_security_support_minus_comfort_only"] == pytest.approx(0.0, abs=0.02)
    assert arms.loc["comfort only", "mean_felt_security"] > 0.5
    assert arms.loc["comfort and support", "competence_gain"] > arms.loc["comfort only", "competence_gain"]


def test_intrusive_arm_intrudes_more(result):
    arms = result.tables["arms"].set_index("arm")
    assert (
        arms.loc["intrusive support", "intrusions_per_child"]
        > 2 * arms.loc["comfort and support", "intrusions_per_child"]
    )


def test_arms_differ_only_in_support_and_intrusiveness():
    arms = study.scenarios(10, 5)
    traits = [a.figures[0].caregiving.model_dump() for a in arms.values()]
    for t in traits[1:]:
        assert {k for k in t if t[k] != traits[0][k]} <= {"exploration_support", "intrusiveness"}
    comfort, support, intrusive = traits
    assert comfort["intrusiveness"] == support["intrusiveness"] < intrusive["intrusiveness"]
    assert comfort["exploration_support"] < support["exploration_support"] == intrusive["exploration_support"]
