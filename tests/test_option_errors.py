"""Options the machine or the file system cannot honour get one line naming the option, and exit 2, before anything
is written: an --out that is a file (a folder, for calibrate's file), and --kernel cuda without a GPU."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TINY_SCENARIO

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: every command with an --out folder, with what it needs besides (an output folder is checked before the work)
FOLDER_COMMANDS = {
    "run": ["run", "tiny.toml"],  # written in the test's folder
    "sweep": ["sweep", str(EXAMPLES / "sweep-warmth.toml")],
    "trial": ["trial", str(EXAMPLES / "trial-home-visiting.toml")],
    "study": ["study", "repair", "--quick"],
    "report": ["report", "--quick"],
    "validate": ["validate", "--n", "100"],
}


def securebase(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "securebase", *args], capture_output=True, text=True, timeout=600, check=False, cwd=cwd
    )


def assert_one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("securebase: error: "), lines[0]
    assert all(word in lines[0] for word in words), lines[0]


@pytest.mark.parametrize("command", sorted(FOLDER_COMMANDS))
def test_an_out_that_is_a_file_is_one_line(tmp_path: Path, command: str) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine", encoding="utf-8")
    (tmp_path / "tiny.toml").write_text(TINY_SCENARIO, encoding="utf-8")
    done = securebase(*FOLDER_COMMANDS[command], "--out", str(afile), cwd=tmp_path)
    assert_one_line_error(done, "--out", str(afile), "is a file", "expected a folder")
    assert afile.read_text(encoding="utf-8") == "mine"


def test_calibrates_out_that_is_a_folder_is_one_line(tmp_path: Path) -> None:
    done = securebase("calibrate", "--out", str(tmp_path), cwd=tmp_path)
    assert_one_line_error(done, "--out", str(tmp_path), "is a folder", "expected the path of the calibration file")
    assert list(tmp_path.iterdir()) == []
