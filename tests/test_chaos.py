"""Chaos: SIGKILL, SIGTERM and SIGINT sent to `run`, `sweep` and `report --quick` at random moments; each time a
resume gives exactly the uninterrupted result, and no process of the stopped command is left behind.

At the small size of the slow tests (the default, CI) each signal stops `run` and `sweep` once, and SIGKILL the
report once (the report's own risk is a study half written when killed; how each signal is handled is the same
code as for `run`, tried here and in test_signals.py); ``--slow-size full`` tries every command and signal ten
times. ``-m chaos`` selects these tests. The moments are random but seeded (the same in every run). The report's
reference is the session's quick studies (tests/conftest.py), stored as the report stores them: the studies run
once in the suite, not again for a reference. At the small size the stopped report resumes a folder holding all
but its last REPORT_LEFT studies (stored from the session's), so the process runs only those (a kill between two
studies or while one is written, as at the full size, where it starts from an empty folder and runs them all).
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
from helpers import SHIPPED, STUDY_SEED, QuickStudies, slow_size_of
from procs import descendants, wait_gone
from test_signals import SLOW_TINY
from test_sweep import write_sweep

from securebase.studies import STUDY_NAMES
from securebase.studies.store import provenance, save
from securebase.sweep import read_dataset

pytestmark = pytest.mark.chaos

#: how many times each command is stopped by each signal, by the size of the slow tests (conftest.py: --slow-size)
TRIALS = {"small": 1, "full": 10}
#: the signals that stop the report at each size
REPORT_SIGNALS = {"small": ("SIGKILL",), "full": ("SIGKILL", "SIGTERM", "SIGINT")}
#: how many studies (the last of STUDY_NAMES) the stopped report runs itself, by size; the others are stored before
REPORT_LEFT = {"small": 3, "full": len(STUDY_NAMES)}
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


def catches(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler for ``signum`` (Linux: the SigCgt mask of /proc/PID/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True  # no /proc (or the process is gone): nothing to wait for
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught >> (signum - 1) & 1)


def stop_at_random(command: list[str], seconds: float, signum: int, rng: random.Random) -> None:
    """Start ``command``, send ``signum`` to it alone at a random moment, and check how it ended."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # the random moment counts from when the program can take the signal at all: before the interpreter has
        # installed its handlers (a slow start on a loaded machine) the kernel's default action ends it (-2, -15)
        while signum != signal.SIGKILL and process.poll() is None and not catches(process.pid, signum):
            time.sleep(0.01)
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The trials and signals of each test, by the size of the slow tests (known once the options are read)."""
    size = slow_size_of(metafunc.config)
    if "trial" in metafunc.fixturenames:
        metafunc.parametrize("trial", range(TRIALS[size]))
    if "name" in metafunc.fixturenames:
        report = metafunc.function.__name__.startswith("test_report")
        metafunc.parametrize("name", list(REPORT_SIGNALS[size] if report else SIGNALS))


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


def stop_when_stored(command: list[str], out: Path, signum: int, rng: random.Random) -> None:
    """Start ``command`` (a report), and send it ``signum`` a random moment after a random number of the studies it
    runs are stored: between two studies or while one is being written (moments by progress, not by the clock)."""
    before = len(list(out.glob("*/result.json")))
    stored = rng.randrange(before + 1, len(STUDY_NAMES))
    delay = rng.uniform(0.0, 1.0)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        below: set[int] = set()
        while process.poll() is None and len(list(out.glob("*/result.json"))) < stored:
            below |= descendants(process.pid)
            time.sleep(0.05)
        time.sleep(delay)
        if process.poll() is None:
            below |= descendants(process.pid)
            os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode in (0, STOPPED[signum]), stderr
    assert "Traceback" not in stderr
    assert not wait_gone(below, seconds=10), "processes of the stopped command are still running"


def store_quick_studies(quick_study: QuickStudies, names: tuple[str, ...], out: Path) -> None:
    """The session's quick studies ``names`` at seed 1 in ``out``, as `report --quick --seed 1` stores them."""
    meta = provenance("quick", STUDY_SEED, SHIPPED)
    for study in names:
        save(quick_study(study), out, meta)


@pytest.fixture(scope="module")
def report_reference(tmp_path_factory: pytest.TempPathFactory, quick_study: QuickStudies) -> dict[str, bytes]:
    """The uninterrupted report's studies at seed 1: the session's quick studies, stored as the report stores them."""
    out = tmp_path_factory.mktemp("report") / "reference"
    store_quick_studies(quick_study, STUDY_NAMES, out)
    return study_files(out)


@pytest.mark.slow
def test_report_stopped_at_random_resumes_to_the_uninterrupted_report(
    report_reference: dict[str, bytes],
    quick_study: QuickStudies,
    slow_size: str,
    tmp_path: Path,
    name: str,
    trial: int,
) -> None:
    out = tmp_path / "out"
    command = securebase("report", "--quick", "--seed", str(STUDY_SEED), "--out", str(out))
    left = REPORT_LEFT[slow_size]
    if left < len(STUDY_NAMES):  # a report already under way: the first studies stored, the last ones to run
        store_quick_studies(quick_study, STUDY_NAMES[:-left], out)
        command = [*command, "--resume"]
    stop_when_stored(command, out, SIGNALS[name], random.Random(f"report-{name}-{trial}"))
    finish(command if "--resume" in command else [*command, "--resume"])
    assert (out / "report.html").is_file()
    assert study_files(out) == report_reference
