"""Any file `securebase check` accepts, `securebase run` runs to the end (exit 0, every file written).

Scenario files are drawn across the schema: tiny populations, short schedules and histories, figures and events
at the edges of the schedule (on its first and last days, before the history, after the end), availability 0,
extreme caregiving. Files `check` refuses must be refused by `run` with the same exit code, 2.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tomlish import dumps

from securebase.cli import main
from securebase.scenario import caregiving_presets

#: the full size of the slow tests (--slow-size full: conftest.py sets the variable before this module is imported)
FULL = os.environ.get("SECUREBASE_SLOW_SIZE") == "full"
FIGURE_NAMES = ("parent", "teacher", "other")
PRESETS = sorted(caregiving_presets())
UNIT = ("consistency", "appropriateness", "sensitivity", "warmth", "reliability", "exploration_support")

days_near = st.integers(min_value=-30, max_value=12)
unit = st.floats(min_value=0.0, max_value=1.0)


def trait(high: float) -> st.SearchStrategy:
    number = st.floats(min_value=0.0, max_value=high)
    return st.one_of(number, st.fixed_dictionaries({"mean": number, "sd": st.floats(min_value=0.0, max_value=0.6)}))


caregiving = st.one_of(
    st.sampled_from(PRESETS),
    st.fixed_dictionaries(
        {},
        optional={
            "preset": st.sampled_from(PRESETS),
            **{name: trait(1.0) for name in UNIT},
            "rupture_rate": trait(96.0),
            "repair_latency_days": trait(40.0),
            "quality_correlation": st.floats(min_value=0.0, max_value=0.99),
        },
    ),
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    days = draw(st.integers(min_value=1, max_value=8))
    episodes = draw(st.integers(min_value=1, max_value=6))
    n_figures = draw(st.integers(min_value=1, max_value=3))
    figures = []
    for name in FIGURE_NAMES[:n_figures]:
        figure = {"name": name, "caregiving": draw(caregiving)}
        figure["availability"] = {"home": draw(st.sampled_from([0.0, 0.5, 1.0])), "school": draw(unit)}
        if draw(st.booleans()):
            figure["from_day"] = draw(st.one_of(days_near, st.sampled_from([0, days - 1, days])))
        figures.append(figure)
    schedule: dict = {"days": days, "episodes_per_day": episodes}
    if draw(st.booleans()):
        first = draw(st.integers(min_value=0, max_value=episodes))
        holidays = draw(st.lists(st.tuples(days_near, days_near).map(sorted), max_size=2))
        schedule["school"] = {
            "days_per_week": draw(st.integers(min_value=0, max_value=7)),
            "episodes": [first, draw(st.integers(min_value=first, max_value=episodes))],
            "holidays": holidays,
        }
    events = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        kind = draw(st.sampled_from(["replace", "change", "leave"]))
        event: dict = {"kind": kind, "figure": draw(st.sampled_from(FIGURE_NAMES[:n_figures]))}
        if draw(st.booleans()):
            event["day"] = draw(st.one_of(days_near, st.sampled_from([0, days - 1, days])))
        else:
            event["at_age_years"] = draw(st.floats(min_value=0.0, max_value=0.1))
        if kind != "leave":
            event["caregiving"] = draw(caregiving)
        if kind == "change" and draw(st.booleans()):
            event["until_day"] = draw(days_near)
        if draw(st.booleans()):
            event["fraction"] = draw(st.floats(min_value=0.01, max_value=1.0))
        events.append(event)
    data = {
        "name": "drawn",
        "seed": draw(st.integers(min_value=0, max_value=2**32)),
        "population": {
            "n_children": draw(st.integers(min_value=1, max_value=12)),
            "start_age_years": draw(st.sampled_from([0.0, 0.01, 0.05])),
            "history": draw(st.sampled_from(["simulate", "none"])),
        },
        "figures": figures,
        "schedule": schedule,
        "events": events,
    }
    if draw(st.booleans()):
        data["output"] = {"trajectories": True, "trajectory_every_days": draw(st.integers(min_value=1, max_value=3))}
    return data


def check_then_run(text: str) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drawn.toml"
        path.write_text(text, encoding="utf-8")
        checked = runner.invoke(main, ["check", str(path)])
        assert "Traceback" not in checked.output
        assert checked.exit_code in (0, 2), checked.output
        ran = runner.invoke(main, ["run", str(path), "--out", str(Path(folder) / "out"), "--no-progress"])
        assert "Traceback" not in ran.output
        if checked.exit_code == 2:
            assert ran.exit_code == 2, f"check refused this file, run did not:\n{text}\n{ran.output}"
            return
        assert ran.exit_code == 0, f"check accepted this file, run failed:\n{text}\n{ran.output}\n{ran.exception!r}"
        for name in ("summary.parquet", "children.parquet", "run.json", "summary.html"):
            assert (Path(folder) / "out" / name).is_file(), name


@settings(
    max_examples=150 if FULL else 12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_a_file_check_accepts_runs_to_the_end(data: dict) -> None:
    check_then_run(dumps(data))


def test_a_figure_entering_on_the_last_day_is_refused_not_a_crash() -> None:
    """The tester's crash: a figure whose from_day is on or after the last day ran, then failed (KeyError: 'day')."""
    data = {
        "name": "late",
        "population": {"n_children": 20, "start_age_years": 0.2},
        "figures": [{"name": "parent", "from_day": 10}],
        "schedule": {"days": 10},
    }
    check_then_run(dumps(data))
    data["figures"][0]["from_day"] = 9  # enters on the last day: runs
    check_then_run(dumps(data))


def test_a_run_where_every_figure_leaves_on_the_first_day_runs_to_the_end() -> None:
    data = {
        "name": "alone",
        "population": {"n_children": 20, "history": "none"},
        "figures": [{"name": "parent"}],
        "schedule": {"days": 3},
        "events": [{"kind": "leave", "figure": "parent", "day": 0}],
    }
    check_then_run(dumps(data))
