"""No process outlives the command that started it: a sweep's workers (and its resource tracker) end with it,
whether it is killed (SIGKILL), terminated (SIGTERM) or interrupted (Ctrl-C)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from procs import alive, descendants, wait_gone
from test_sweep import SWEEP, write_sweep

from securebase.sweep.dataset import POINTS_NAME

#: a longer sweep than test_sweep's: 20 runs, so the workers are busy when the signal comes
LONG_SWEEP = SWEEP.replace("values = [250, 300]", "values = [2000, 2500, 3000, 3500]").replace("[3, 4]", "[3, 4, 5]")


def start(sweep_file: Path, out: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "securebase", "sweep", str(sweep_file), "--out", str(out), "--workers", "2"]
    return subprocess.Popen(
        [*command, "--no-progress"], start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def workers_of(process: subprocess.Popen[str], count: int = 2, seconds: float = 120.0) -> set[int]:
    """The processes below ``process`` once it has at least ``count`` of them and a run is finished."""
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, process.communicate()
        below = descendants(process.pid)
        out_has_a_run = any(Path(process.args[6]).joinpath(POINTS_NAME).glob("*.parquet"))
        if len(below) >= count and out_has_a_run:
            return below
        assert time.monotonic() < deadline, "the sweep started no workers in two minutes"
        time.sleep(0.05)


@contextlib.contextmanager
def group_killed_after(process: subprocess.Popen[str]):
    """Whatever the test asserts, kill what is left of the process group at the end (no leak from a failing test)."""
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=10)


def test_sigkill_of_the_sweep_ends_its_workers_and_resource_tracker(tmp_path: Path) -> None:
    process = start(write_sweep(tmp_path, LONG_SWEEP), tmp_path / "out")
    with group_killed_after(process):
        below = workers_of(process)
        assert len(below) >= 2
        os.kill(process.pid, signal.SIGKILL)  # the driver alone, not its process group
        process.wait(timeout=10)
        left = wait_gone(below, seconds=10)
        assert not left, f"processes of the killed sweep still running: {sorted(left)}"


@pytest.mark.parametrize(
    ("signum", "code", "word"), [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")]
)
def test_sigterm_or_sigint_of_the_sweep_alone_stops_it_cleanly(
    tmp_path: Path, signum: int, code: int, word: str
) -> None:
    out = tmp_path / "out"
    process = start(write_sweep(tmp_path, LONG_SWEEP), out)
    with group_killed_after(process):
        below = workers_of(process)
        os.kill(process.pid, signum)  # the driver alone (a `kill`, not a terminal's Ctrl-C to the group)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == code, stderr
        assert f"{word}:" in stderr
        assert "--resume" in stderr
        assert "Traceback" not in stderr
        assert "leaked" not in stderr  # no semaphore left for the resource tracker to clean up
        assert not wait_gone(below, seconds=10)
        assert not alive(descendants(process.pid))
