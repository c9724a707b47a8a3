"""The early-weeks study (S4): contract, directions at quick size, and its weekly per-child readings."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.engine.simulation import Simulation
from securebase.studies import check_result, get_study
from securebase.studies import early_weeks as study
from securebase.studies.base import NoProgress


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("early-weeks")


def test_contract(result):
    check_result(get_study("early-weeks"), result)


def test_consistent_care_pays_in_the_early_weeks(result):
    assert len(result.findings) == 3
    assert [f.verdict for f in result.findings] == ["supported"] * 3
    trust, anxiety, exploration = result.findings
    assert [trust.expected, anxiety.expected, exploration.expected] == [1, -1, 1]


def test_one_row_per_child_arm_and_week(result):
    children = result.tables["children"]
    assert len(children) == study.SIZES["quick"] * len(study.ARMS) * study.WEEKS
    assert not children.duplicated(["arm", "child", "week"]).any()


def test_weekly_means_are_those_of_the_weeks_episodes():
    simulation = Simulation(study.scenario("responsive", 5), seed=3, params=SHIPPED.params, kernel="cpu")
    table = study.weekly(simulation, "consistent", NoProgress())
    # the mean of the weekly means is the mean over every episode of the run (equal weeks)
    overall = simulation.totals.sums["anxiety"] / simulation.totals.episodes
    np.testing.assert_allclose(table.groupby("child")["mean_anxiety"].mean().to_numpy(), overall)
    np.testing.assert_allclose(table[table["week"] == study.WEEKS]["trust"].to_numpy(), simulation.children.trust[:, 0])
