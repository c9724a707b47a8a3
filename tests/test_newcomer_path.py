"""The README's path as a newcomer walks it: a first run that says it is compiling, estimates that count the
compiling, progress that suits a log, a second try that is not refused, and finished runs said to be finished."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from helpers import SHIPPED, TINY_SCENARIO, small

from securebase import progress
from securebase.cli import main
from securebase.engine import compiling
from securebase.engine.simulation import Simulation
from securebase.sizing import check_run, run_estimate


def _securebase(*arguments: str) -> Result:
    """The command as a newcomer runs it in the current folder, standard error not a terminal (in this process:
    nothing here needs one of its own)."""
    return CliRunner().invoke(main, list(arguments))


def test_progress_in_a_log_is_a_line_every_few_percent_not_a_redrawn_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "LINE_EVERY_SECONDS", 0.0)
    log = io.StringIO()
    with progress.progress_bar(total=1000, desc="tiny: history", unit="day", file=log) as bar:
        for _ in range(1000):
            bar.update()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert len(lines) == 100 // progress.LINE_EVERY_PERCENT
    assert lines[-1].startswith("tiny: history: 100% (1,000/1,000 days)")
    assert "left" in lines[0]


def test_quick_work_in_a_log_writes_its_last_line_alone() -> None:
    log = io.StringIO()
    with progress.progress_bar(total=50, initial=10, desc="sweep", unit="run", file=log) as bar:
        for _ in range(40):
            bar.update()
    assert log.getvalue().splitlines() == [log.getvalue().splitlines()[-1]]
    assert "100% (50/50 runs)" in log.getvalue()


def test_a_bar_is_drawn_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(progress.progress_bar(total=3, file=io.StringIO()), progress.ProgressLines)
    assert not isinstance(progress.progress_bar(total=3, file=Terminal()), progress.ProgressLines)


def test_the_first_run_says_it_is_compiling_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the mark beside numba's cache the kernels are compiled first, with a line before and after;
    with it, nothing is said and nothing compiled."""
    mark = tmp_path / "cache" / "kernels.ready"
    monkeypatch.setattr(compiling, "_mark", lambda precision: mark)
    assert not compiling.kernels_ready("cpu", "float64")
    heard: list[str] = []
    compiling.compile_kernels(small("school-year", n_children=20, days=2), SHIPPED.params, report=heard.append)
    assert len(heard) == 2
    assert heard[0].startswith("compiling the model for this machine (once")
    assert compiling.USUAL_COMPILE_TEXT in heard[0]
    assert heard[1].startswith("compiled in")
    assert compiling.kernels_ready("cpu", "float64")
    heard.clear()
    assert compiling.compile_kernels(small("school-year", n_children=20), SHIPPED.params, report=heard.append) == 0
    assert heard == []


def test_the_readable_path_needs_no_compiling() -> None:
    assert compiling.kernels_ready("readable", "float64")


def test_the_estimate_counts_the_compiling_of_a_first_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from securebase.cli import _with_compiling

    later = check_run(small("school-year", n_children=1000, days=10))
    assert "compiling" not in str(later)
    monkeypatch.setattr(compiling, "_mark", lambda precision: tmp_path / "not-compiled.ready")
    first = _with_compiling(later, "cpu")
    assert first.seconds == pytest.approx(later.seconds + compiling.USUAL_COMPILE_SECONDS)
    assert "compiling the model, once" in str(first)
    assert _with_compiling(later, "readable") == later


def test_a_first_sweep_says_its_estimate_counts_the_compiling(tmp_path: Path) -> None:
    """`securebase check SWEEP` in a process whose kernels' cache is new and empty (NUMBA_CACHE_DIR)."""
    import os

    example = Path(__file__).resolve().parents[1] / "examples" / "sweep-warmth.toml"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "securebase", "check", str(example)], capture_output=True,
                          text=True, timeout=300, env=env, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "of it compiling the model, once" in done.stdout


def test_the_estimate_grows_with_children_days_and_figures() -> None:
    base = run_estimate(small("school-year", n_children=1000, days=10))
    assert run_estimate(small("school-year", n_children=2000, days=10)).seconds > base.seconds
    assert run_estimate(small("school-year", n_children=1000, days=40)).seconds > base.seconds
    # a population large enough for every core takes less time a child on more cores
    large = small("school-year", n_children=100_000, days=10)
    assert run_estimate(large, cores=8).seconds < run_estimate(large, cores=1).seconds


def test_the_readme_sequence_runs_without_a_refusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`securebase show NAME > mine.toml`, then a small run of mine.toml and another: the file's stem names the
    default --out (not the built-in it was copied from), a second run goes beside the first, and --days says
    once what it cuts off instead of warning about the file's holidays."""
    monkeypatch.chdir(tmp_path)
    shown = _securebase("show", "school-year")
    assert shown.exit_code == 0, shown.stderr
    (tmp_path / "mine.toml").write_text(shown.stdout, encoding="utf-8")
    first = _securebase("run", "mine.toml", "--children", "20", "--days", "30")
    assert first.exit_code == 0, first.stderr
    assert (tmp_path / "securebase-output" / "mine" / "run.json").is_file()
    assert "warning" not in first.stderr
    assert "--days 30 ends 'school-year' early" in first.stderr
    assert "schedule.school.holidays[0]" in first.stderr
    assert "\r" not in first.stderr  # standard error is not a terminal: lines, not a bar
    assert "school-year: scenario: 100% (30/30 days)" in first.stderr
    second = _securebase("run", "mine.toml", "--children", "20", "--days", "2")
    assert second.exit_code == 0, second.stderr
    assert "writing to 'securebase-output/mine-2'" in second.stderr
    assert json.loads((tmp_path / "securebase-output" / "mine-2" / "run.json").read_text())["n_children"] == 20


def test_resuming_a_finished_run_says_it_is_finished(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--days", "2"]).exit_code == 0
    before = sorted(p.name for p in out.iterdir())
    again = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--days", "2", "--resume"])
    assert again.exit_code == 0, again.output
    assert f"the run in '{out}' is finished: nothing to resume" in again.stderr
    assert "no checkpoint" not in again.stderr
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_run_without_measures_has_an_empty_measurements_table() -> None:
    results = Simulation(small("school-year", n_children=10, days=2), seed=1, params=SHIPPED.params).run()
    assert isinstance(results.measurements, pd.DataFrame)
    assert len(results.measurements) == 0
    assert {"measure", "child", "day", "age_years"} <= set(results.measurements.columns)
    assert "measurements" not in results.tables()  # no empty file is written for it


def test_a_long_simulated_history_is_warned_of(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text(TINY_SCENARIO.replace("start_age_years = 0.2", "start_age_years = 80"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "population.start_age_years is 80 with population.history 'simulate'" in result.stderr
    assert "29,220 days" in result.stderr
    assert "population.history = 'none'" in result.stderr
    assert "start_age_years" not in CliRunner().invoke(main, ["check", "school-year"]).stderr
