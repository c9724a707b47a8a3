"""I/O failures: an --out under a file, an unwritable folder, a disk that fills up during the work; each is one
clear message and a non-zero exit, without a traceback, checked before the work where it can be."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import TINY_SCENARIO
from test_sweep import write_sweep

from securebase.cli import main


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_SCENARIO, encoding="utf-8")
    return path


def commands(tiny: Path, tmp_path: Path, out: Path) -> list[list[str]]:
    return [
        ["run", str(tiny), "--out", str(out), "--no-progress"],
        ["sweep", str(write_sweep(tmp_path)), "--out", str(out), "--workers", "1", "--no-progress"],
        ["report", "--quick", "--out", str(out), "--no-progress"],
        ["study", "repair", "--quick", "--out", str(out), "--no-progress"],
        ["validate", "--n", "100", "--out", str(out)],
    ]


def assert_one_clear_error(result: object, code: int, *named: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.stderr.splitlines() if line.startswith("securebase: error: ")]
    assert len(lines) == 1, result.stderr
    for text in named:
        assert text in lines[0], lines[0]


def test_an_out_under_a_file_is_refused_first_by_every_command(tiny: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "out"
    for args in commands(tiny, tmp_path, out):
        result = CliRunner().invoke(main, args)
        assert_one_clear_error(result, 2, str(out), f"'{blocker}' is a file")


def test_an_unwritable_out_is_refused_before_the_work(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", read_only)  # the probe write: as a read-only mount answers
    for args in commands(tiny, tmp_path, tmp_path / "out"):
        result = CliRunner().invoke(main, args)
        assert_one_clear_error(result, 2, "cannot be written", "Read-only file system")


def test_a_disk_that_fills_up_during_a_run_is_one_clear_error(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: pd.DataFrame, path: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    result = CliRunner().invoke(main, ["run", str(tiny), "--out", str(tmp_path / "out"), "--no-progress"])
    assert_one_clear_error(result, 1, "No space left on device", "summary.parquet")
    assert not list((tmp_path / "out").glob("*.parquet"))  # nothing half-written under a table's name


def test_calibrate_refuses_an_out_it_cannot_write_before_the_search(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["calibrate", "--out", str(blocker / "calibrated.toml")])
    assert_one_clear_error(result, 2, "is a file")
    result = CliRunner().invoke(main, ["calibrate", "--out", str(tmp_path)])  # a folder, not a file
    assert_one_clear_error(result, 2, "is a folder", "expected the path of the calibration file")
