"""Settings that cannot mean anything are errors; settings that are legitimate but surprising are warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import TINY_SCENARIO
from tomlish import dumps

from securebase.cli import main
from securebase.scenario import ScenarioError, parse_scenario

BASE = {
    "name": "rules",
    "population": {"n_children": 10, "start_age_years": 0.1},
    "figures": [{"name": "parent"}],
    "schedule": {"days": 10},
}


def scenario_with(**changes: object) -> str:
    return dumps({**BASE, **changes})


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        (
            {"events": [{"kind": "change", "figure": "parent", "day": 5, "until_day": 3, "caregiving": "rejecting"}]},
            ["events[0].until_day", "3", "a day after the event's day (5)"],
        ),
        (
            {"events": [{"kind": "leave", "figure": "parent", "day": 10}]},
            ["events[0].day", "10", "before the end of the schedule (schedule.days = 10)"],
        ),
        (
            {"events": [{"kind": "leave", "figure": "parent", "day": -40}]},
            ["events[0].day", "-40", "day -37 or later", "simulated history"],
        ),
        (
            {"events": [{"kind": "leave", "figure": "parent", "at_age_years": 5.0}]},
            ["events[0].at_age_years", "5.0", "before the end of the schedule"],
        ),
        ({"figures": [{"name": "parent", "from_day": 12}]}, ["figures[0].from_day", "12", "never enter"]),
        (
            {"figures": [{"name": "parent", "caregiving": {"rupture_rate": 1e300}}]},
            ["figures[0].caregiving.rupture_rate", "1e+300", "at most 96"],
        ),
        (
            {"figures": [{"name": "parent", "caregiving": {"repair_latency_days": {"mean": 1.0, "sd": 1e-300}}}]},
            ["figures[0].caregiving.repair_latency_days.sd", "at least 1e-06"],
        ),
    ],
    ids=[
        "until-before-day",
        "event-after-end",
        "event-before-history",
        "age-after-end",
        "from-day-after-end",
        "absurd-rate",
        "subnormal-sd",
    ],
)
def test_settings_that_cannot_mean_anything_are_errors(changes: dict, named: list[str]) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(scenario_with(**changes))
    for text in named:
        assert text in str(raised.value)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"figures": [{"name": "parent", "availability": {"home": 0.0, "school": 0.0}}]}, "availability is 0"),
        ({"schedule": {"days": 10, "school": {"holidays": [[8, 20]]}}}, "schedule.school.holidays[0] is [8, 20)"),
        (
            {"events": [{"kind": "change", "figure": "parent", "day": 2, "until_day": 50, "caregiving": "rejecting"}]},
            "events[0].until_day is 50, after the end",
        ),
        ({"figures": [{"name": "parent", "from_day": -100}]}, "figures[0].from_day is -100, before the simulated"),
    ],
    ids=["no-availability", "holiday-outside", "until-after-end", "from-day-before-history"],
)
def test_surprising_settings_are_warned_by_check_and_run(tmp_path: Path, changes: dict, named: str) -> None:
    assert [w for w in parse_scenario(scenario_with(**changes)).warnings() if named in w]
    path = tmp_path / "surprising.toml"
    path.write_text(scenario_with(**changes), encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "securebase: warning: " in checked.stderr
    assert named in checked.stderr
    ran = runner.invoke(main, ["run", str(path), "--out", str(tmp_path / "out"), "--no-progress"])
    assert ran.exit_code == 0, ran.output
    assert named in ran.stderr


def test_an_ordinary_scenario_has_no_warnings() -> None:
    assert parse_scenario(TINY_SCENARIO).warnings() == []
