"""Chaos: SIGKILL, SIGTERM and SIGINT sent to `run`, `sweep` and `report --quick` at random moments; each time a
resume gives exactly the uninterrupted result, and no process of the stopped command is left behind.

Each command and signal is tried twice in the default suite (the report once: it takes half a minute);
SECUREBASE_FULL_TESTS=1 tries each ten times. The moments are random but seeded (the same in every run).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from procs import descendants, wait_gone
from test_signals import SLOW_TINY
from test_sweep import write_sweep

from securebase.sweep import read_dataset

FULL = bool(os.environ.get("SECUREBASE_FULL_TESTS"))
TRIALS = 10 if FULL else 2
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGTERM": signal.SIGTERM, "SIGINT": signal.SIGINT}
#: what a stopped command may exit with, besides 0 (it finished before the signal came)
STOPPED = {signal.SIGKILL: -signal.SIGKILL, signal.SIGTERM: 143, signal.SIGINT: 130}
TABLES = ("summary", "children", "relationships", "child_figures")


def securebase(*args: str) -> list[str]:
    return [sys.executable, "-m", "securebase", *args, "--no-progress"]


def finish(command: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def stop_at_random(command: list[str], seconds: float, signum: int, rng: random.Random) -> None:
    """Start ``command``, send ``signum`` to it alone at a random moment, and check how it ended."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        moment = time.monotonic() + rng.uniform(0.3, 0.9 * seconds)
        below: set[int] = set()
        while time.monotonic() < moment and process.poll() is None:
            below |= descendants(process.pid)
            time.sleep(0.05)
        if process.poll() is None:
            below |= descendants(process.pid)
            os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode in (0, STOPPED[signum]), stderr
    assert "Traceback" not in stderr
    assert not wait_gone(below, seconds=10), "processes of the stopped command are still running"


def timed(command: list[str]) -> float:
    started = time.monotonic()
    finish(command)
    return time.monotonic() - started


# ---- run -----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    folder = tmp_path_factory.mktemp("run")
    scenario = folder / "slow.toml"
    scenario.write_text(SLOW_TINY.replace("days = 400", "days = 150"), encoding="utf-8")
    out = folder / "reference"
    return scenario, out, timed(securebase("run", str(scenario), "--out", str(out)))


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("name", list(SIGNALS))
def test_run_stopped_at_random_resumes_to_the_uninterrupted_result(
    run_reference: tuple[Path, Path, float], tmp_path: Path, name: str, trial: int
) -> None:
    scenario, reference, seconds = run_reference
    out = tmp_path / "out"
    stop_at_random(
        securebase("run", str(scenario), "--out", str(out)),
        seconds,
        SIGNALS[name],
        random.Random(f"run-{name}-{trial}"),
    )
    if not (out / "summary.html").is_file() or (out / "checkpoint.pkl").is_file():
        again = "--resume" if (out / "checkpoint.pkl").is_file() else "--overwrite"
        finish(securebase("run", str(scenario), "--out", str(out), again))
    for table in TABLES:
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / f"{table}.parquet"), pd.read_parquet(reference / f"{table}.parquet"), check_exact=True
        )
    assert not (out / "checkpoint.pkl").exists()


# ---- sweep ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweep_reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, float]:
    folder = tmp_path_factory.mktemp("sweep")
    sweep_file = write_sweep(folder)
    out = folder / "reference"
    seconds = timed(securebase("sweep", str(sweep_file), "--out", str(out), "--workers", "2"))
    return sweep_file, read_dataset(out), seconds


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("name", list(SIGNALS))
def test_sweep_stopped_at_random_resumes_to_the_uninterrupted_dataset(
    sweep_reference: tuple[Path, pd.DataFrame, float], tmp_path: Path, name: str, trial: int
) -> None:
    sweep_file, reference, seconds = sweep_reference
    out = tmp_path / "out"
    command = securebase("sweep", str(sweep_file), "--out", str(out), "--workers", "2")
    stop_at_random(command, seconds, SIGNALS[name], random.Random(f"sweep-{name}-{trial}"))
    finish([*command, "--resume"] if (out / "sweep.json").is_file() else command)
    pd.testing.assert_frame_equal(read_dataset(out), reference, check_exact=True)
    assert not [p for p in (out / "points").iterdir() if p.name.startswith(".")]


# ---- report --quick ------------------------------------------------------------------------------------------------


def study_files(out: Path) -> dict[str, bytes]:
    files = [*out.glob("*/result.json"), *out.glob("*/tables/*.csv")]
    return {str(path.relative_to(out)): path.read_bytes() for path in files}


@pytest.fixture(scope="module")
def report_reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], float]:
    out = tmp_path_factory.mktemp("report") / "reference"
    seconds = timed(securebase("report", "--quick", "--out", str(out)))
    return study_files(out), seconds


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS if FULL else 1))
@pytest.mark.parametrize("name", list(SIGNALS))
def test_report_stopped_at_random_resumes_to_the_uninterrupted_report(
    report_reference: tuple[dict[str, bytes], float], tmp_path: Path, name: str, trial: int
) -> None:
    reference, seconds = report_reference
    out = tmp_path / "out"
    command = securebase("report", "--quick", "--out", str(out))
    stop_at_random(command, seconds, SIGNALS[name], random.Random(f"report-{name}-{trial}"))
    finish([*command, "--resume"])
    assert (out / "report.html").is_file()
    assert study_files(out) == reference
