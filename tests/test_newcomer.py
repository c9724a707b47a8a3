"""A newcomer's path: a fast `securebase --help`, --children and --days to try a scenario small and short first,
and a progress bar that counts the simulated history and the scenario as separate phases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from helpers import TINY_SCENARIO

from securebase.cli import main

HEAVY = ("numpy", "pandas", "scipy", "matplotlib", "pydantic", "numba", "distributed")


def test_the_command_line_imports_no_heavy_module_until_a_command_needs_it() -> None:
    code = f"import sys, securebase.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_help_imports_no_heavy_module() -> None:
    """What keeps `securebase --help` fast (it once took seconds): the whole command, as a newcomer types it,
    imports none of the heavy modules (Python's own import log, -X importtime, lists every module imported).
    How fast it is on a machine is for benchmarks/, not for an assertion here."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "securebase", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "securebase.cli" in imported  # the log is read right: the command line itself is in it
    assert not {module for module in imported if module.split(".")[0] in HEAVY}


def test_run_help_still_lists_the_kernels_and_study_the_studies() -> None:
    result = CliRunner().invoke(main, ["run", "--help"])
    assert "readable" in result.output
    assert "--children" in result.output
    assert "--days" in result.output
    result = CliRunner().invoke(main, ["study", "nope"])
    assert result.exit_code == 2
    assert "repair" in result.output


def test_children_and_days_override_the_scenario(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--children", "7", "--days", "3"])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["n_children"] == 7
    assert record["scenario_definition"]["schedule"]["days"] == 3
    summary = pd.read_parquet(out / "summary.parquet")
    assert (summary["day"] >= 0).sum() == 3
    assert len(pd.read_parquet(out / "children.parquet")) == 7
    # the bar: the history (0.2 years, 73 days) and the scenario (3 days) as separate phases
    assert "tiny: history" in result.stderr
    assert "73/73" in result.stderr
    assert "tiny: scenario" in result.stderr
    assert "3/3" in result.stderr
    assert "76/76" not in result.stderr


def test_an_override_that_breaks_the_scenario_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", "caregiver-change", "--days", "10", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "with --days 10" in result.stderr
    assert "events[0].day" in result.stderr
    assert "schedule.days = 10" in result.stderr
