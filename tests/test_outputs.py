"""Output folders: never clobbered, never written by two commands at once, unusable ones refused before the work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import TINY_SCENARIO
from test_sweep import write_sweep

from securebase.cli import main
from securebase.engine.simulation import CHECKPOINT_NAME
from securebase.outputs import LOCK_NAME, locked


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_SCENARIO, encoding="utf-8")
    return path


def run(*args: str) -> object:
    return CliRunner().invoke(main, [*args, "--no-progress"])


def assert_refused(result: object, *named: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("securebase: error: "), result.stderr
    assert "Traceback" not in result.output
    for text in named:
        assert text in result.stderr


def test_run_refuses_an_out_holding_a_run_unless_overwrite(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("run", str(tiny), "--out", str(out)).exit_code == 0
    (out / "trajectories.parquet").write_bytes(b"stale, from an earlier run")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = (out / "summary.parquet").stat().st_mtime_ns
    assert_refused(run("run", str(tiny), "--out", str(out)), str(out), "already holds a run's files", "--overwrite")
    assert (out / "summary.parquet").stat().st_mtime_ns == before  # nothing was touched
    done = run("run", str(tiny), "--out", str(out), "--overwrite")
    assert done.exit_code == 0, done.output
    assert not (out / "trajectories.parquet").exists()  # the stale table went
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"  # what securebase did not write stays
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_run_without_resume_keeps_an_interrupted_runs_checkpoint(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CHECKPOINT_NAME).write_bytes(b"an interrupted run")
    assert_refused(run("run", str(tiny), "--out", str(out)), "an interrupted run", "--resume")
    assert (out / CHECKPOINT_NAME).read_bytes() == b"an interrupted run"
    assert_refused(run("run", str(tiny), "--out", str(out), "--resume", "--overwrite"), "--resume and --overwrite")


def test_a_second_command_on_a_locked_out_is_refused_naming_the_holder(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with locked(out, command="securebase run other.toml"):
        assert f"pid {os.getpid()}: securebase run other.toml" in (out / LOCK_NAME).read_text(encoding="utf-8")
        for args in (
            ["run", str(tiny), "--out", str(out)],
            ["sweep", str(write_sweep(tmp_path)), "--out", str(out), "--workers", "1"],
            ["report", "--quick", "--out", str(out)],
            ["study", "repair", "--quick", "--out", str(out)],
        ):
            result = run(*args)
            assert_refused(result, str(out), "in use by another securebase command", f"pid {os.getpid()}")
        assert not (out / "summary.parquet").exists()
    assert run("run", str(tiny), "--out", str(out)).exit_code == 0  # free again once the holder ends
