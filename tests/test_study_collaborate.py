"""The collaborate study (S11): contract, and every direction at quick size."""

from __future__ import annotations

import pytest
from helpers import clear_of_zero

from securebase.studies import check_result, get_study
from securebase.studies import collaborate as study


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("collaborate")


def test_contract(result):
    check_result(get_study("collaborate"), result)
    assert len(result.findings) == 4


def test_roles_are_exchanged_in_mutual_dyads(result):
    less_giving, to_the_anxious = result.findings[:2]
    assert less_giving.verdict == "supported"
    assert to_the_anxious.verdict == "supported"
    arms = result.tables["arms"].set_index("arm")
    assert arms.loc["one-sided, repairing", "care_given_b_per_couple"] == 0
    assert arms.loc["mutual, repairing", "share_of_care_by_less_giving_partner"] > 0.3


def test_the_partner_who_receives_care_only_in_mutual_dyads_explores_more(result):
    partner_a = result.findings[2]
    assert "partner a" in partner_a.statistic
    assert partner_a.verdict == "supported"


def test_partner_b_exploration_is_shown_not_judged(result):
    """Re-posed (issue 28): b receives a's care in both arms, so its exploration is no test of mutual benefit."""
    assert not any("partner b" in f.statistic for f in result.findings)
    arms = result.tables["arms"]
    assert {"mean_exploration_b", "mean_exploration_b_low", "mean_exploration_b_high"} <= set(arms.columns)


def test_repair_keeps_trust_after_conflicts(result):
    assert clear_of_zero(result.findings[3])  # the direction; smaller than the 5-point minimum at quick size
    arms = result.tables["arms"].set_index("arm")
    assert arms.loc["mutual, non-repairing", "repairs_a_per_couple"] == 0
    assert arms.loc["mutual, repairing", "conflicts_per_couple"] > 0


def test_the_arms_share_their_couples(result):
    couples = result.tables["couples"]
    sizes = couples.groupby("arm")["couple"].nunique()
    assert set(sizes) == {study.SIZES["quick"]["n"]}
