"""Signals and exit codes: SIGTERM checkpoints a run and exits 143 like Ctrl-C (130); Ctrl-C exits 130 in every
command; the hint to resume is shell-quoted and complete; --resume on another kernel is refused; run.json records
the kernel and the code version."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import TINY_SCENARIO
from procs import descendants, wait_gone

from securebase.cli import main
from securebase.engine.simulation import CHECKPOINT_NAME

#: a run of a few seconds with a checkpoint every 5 days
SLOW_TINY = TINY_SCENARIO.replace("n_children = 50", "n_children = 4000").replace("days = 10", "days = 400")
SLOW_TINY += "\n[output]\ncheckpoint_every_days = 5\n"


def securebase(*args: str) -> list[str]:
    return [sys.executable, "-m", "securebase", *args]


def as_command(hint: str) -> list[str]:
    """The printed 'resume with: securebase ...' line as a command to run here."""
    words = shlex.split(hint.split("resume with: ", 1)[1].strip())
    assert words[0] == "securebase"
    return securebase(*words[1:])


def stop_when_checkpointed(process: subprocess.Popen[str], checkpoint: Path, signum: int) -> tuple[str, str]:
    deadline = time.monotonic() + 120
    while not checkpoint.is_file():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signum)
    return process.communicate(timeout=120)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted run the stopped runs resume to (made once for both signals, in this process)."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    scenario = folder / "slow tiny.toml"
    scenario.write_text(SLOW_TINY, encoding="utf-8")
    out = folder / "reference"
    done = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out), "--days", "300", "--no-progress"])
    assert done.exit_code == 0, done.output
    return out


@pytest.mark.parametrize(
    ("signum", "code", "word"), [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")]
)
def test_a_stopped_run_checkpoints_exits_with_its_code_and_its_quoted_hint_resumes_it(
    uninterrupted: Path, tmp_path: Path, signum: int, code: int, word: str
) -> None:
    folder = tmp_path / "a folder with spaces"
    folder.mkdir()
    scenario = folder / "slow tiny.toml"
    scenario.write_text(SLOW_TINY, encoding="utf-8")
    out = folder / "the out"
    process = subprocess.Popen(
        securebase("run", str(scenario), "--out", str(out), "--no-progress", "--days", "300"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, stderr = stop_when_checkpointed(process, out / CHECKPOINT_NAME, signum)
    assert process.returncode == code, stderr
    assert f"{word}" in stderr
    assert "Traceback" not in stderr
    assert (out / CHECKPOINT_NAME).is_file()
    hint = next(line for line in stderr.splitlines() if line.startswith("resume with: "))
    assert shlex.quote(str(out)) in hint
    assert "--days=300" in hint
    resumed = subprocess.run(as_command(hint), capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr
    for table in ("summary", "children", "relationships", "child_figures"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / f"{table}.parquet"),
            pd.read_parquet(uninterrupted / f"{table}.parquet"),
            check_exact=True,
        )
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["kernel"] == "cpu"
    assert record["code_version"].startswith(record["securebase_version"] + "+")


def test_resume_on_another_kernel_is_refused_with_the_reason(tmp_path: Path) -> None:
    scenario = tmp_path / "slow.toml"
    # the readable kernel is about a hundred times slower: a tenth of the children still runs for many seconds
    # after its first checkpoint (day 5), and reaches that checkpoint in a tenth of the time
    scenario.write_text(SLOW_TINY.replace("n_children = 4000", "n_children = 400"), encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen(
        securebase("run", str(scenario), "--out", str(out), "--no-progress", "--kernel", "readable"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stop_when_checkpointed(process, out / CHECKPOINT_NAME, signal.SIGINT)
    assert process.returncode == 130
    other = "cpu"
    result = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out), "--resume", "--kernel", other])
    assert result.exit_code == 2, result.output
    assert f"--kernel has value '{other}'" in result.stderr
    assert "run with the 'readable' kernel" in result.stderr


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_validate_stopped_exits_130_or_143_without_a_traceback(signum: int, code: int) -> None:
    process = subprocess.Popen(
        securebase("validate", "--n", "2000"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(4.0)  # well into the work (imports take about two seconds)
    below = descendants(process.pid)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert not wait_gone(below)
