"""The ``securebase`` command line: clear errors with exit code 2, and a tiny run end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import TINY_SCENARIO

from securebase.cli import main
from securebase.engine.simulation import CHECKPOINT_NAME
from securebase.scenario import preset_scenarios

TINY = TINY_SCENARIO

#: (id, file content, what stderr must name)
BAD_FILES = [
    ("wrong-type", TINY.replace("n_children = 50", 'n_children = "many"').encode(), "population.n_children"),
    ("out-of-range", TINY.replace("home = 0.9", "home = 1.5").encode(), "figures[0].availability.home"),
    ("unknown-field", TINY.replace("days = 10", "days = 10\nweeks = 2").encode(), "schedule.weeks"),
    (
        "sd-too-large",
        TINY.replace('"normative"', "{ warmth = { mean = 0.9, sd = 0.5 } }").encode(),
        "figures[0].caregiving.warmth.sd",
    ),
    ("unknown-preset", TINY.replace('"normative"', '"nurturing"').encode(), "figures[0].caregiving"),
    ("invalid-toml", TINY.replace("days = 10", "days = [10").encode(), "not valid TOML"),
    ("empty", b"", "is empty"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe", "not a text file"),
]

EXPECTED_FILES = [
    "summary.parquet",
    "children.parquet",
    "relationships.parquet",
    "child_figures.parquet",
    "run.json",
    "summary.html",
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


def assert_clean_error(result: Result, *named: str) -> None:
    """Exit code 2, one 'securebase: error:' paragraph on stderr naming each of ``named``, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("securebase: error: ")
    assert "Traceback" not in result.stderr
    assert "input_value=" not in result.stderr
    for text in named:
        assert text in result.stderr


@pytest.mark.parametrize(("content", "named"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_check_a_bad_file_exits_2_with_a_clear_error(
    runner: CliRunner, tmp_path: Path, content: bytes, named: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    result = runner.invoke(main, ["check", str(path)])
    assert_clean_error(result, named, str(path))


def test_check_a_missing_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    result = runner.invoke(main, ["check", str(path)])
    assert_clean_error(result, str(path), "neither a file nor a built-in scenario", "school-year")


def test_check_a_good_file_exits_0(runner: CliRunner, tiny_file: Path) -> None:
    result = runner.invoke(main, ["check", str(tiny_file)])
    assert result.exit_code == 0, result.output
    assert "'tiny' is a valid scenario: 50 children, 1 figures, 10 days, 0 events." in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("name", preset_scenarios())
def test_check_each_built_in_exits_0(runner: CliRunner, name: str) -> None:
    result = runner.invoke(main, ["check", name])
    assert result.exit_code == 0, result.output
    assert f"'{name}' is a valid scenario" in result.stdout


def test_scenarios_lists_the_built_ins_and_presets(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scenarios"])
    assert result.exit_code == 0, result.output
    assert "school-year" in result.stdout
    for name in preset_scenarios():
        assert name in result.stdout
    assert "normative" in result.stdout


def test_show_prints_toml_that_parses_back(runner: CliRunner) -> None:
    result = runner.invoke(main, ["show", "school-year"])
    assert result.exit_code == 0, result.output
    data = tomllib.loads(result.stdout)
    assert data["name"] == "school-year"
    assert {f["name"] for f in data["figures"]} == {"parent", "teacher"}


def test_show_an_unknown_name_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(main, ["show", "no-such-scenario"])
    assert_clean_error(result, "no-such-scenario", "school-year")


def test_run_a_tiny_scenario_writes_the_tables_and_summary(runner: CliRunner, tiny_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["run", str(tiny_file), "--out", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "ran 'tiny' for 50 children (seed 1)" in result.stdout
    for name in EXPECTED_FILES:
        assert (out / name).is_file(), name
        assert (out / name).stat().st_size > 0, name
    assert not (out / CHECKPOINT_NAME).exists()
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "<img" in html
    assert "data:image/png;base64," in html
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["scenario"] == "tiny"
    assert run["n_children"] == 50


def test_run_a_bad_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(TINY.replace("home = 0.9", "home = 1.5"), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(main, ["run", str(path), "--out", str(out), "--no-progress"])
    assert_clean_error(result, "figures[0].availability.home", "1.5")
    assert not out.exists()


def test_resume_without_a_checkpoint_exits_2(runner: CliRunner, tiny_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["run", str(tiny_file), "--out", str(out), "--resume", "--no-progress"])
    assert_clean_error(result, "--resume", "no checkpoint", str(out))


def test_the_console_script_reports_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "securebase"
    assert script.is_file(), f"no console script at {script}; is securebase installed?"
    path = tmp_path / "bad.toml"
    path.write_bytes(b"\x00\xff\xfe binary \x00")
    done = subprocess.run([str(script), "check", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("securebase: error: ")
    assert "not a text file" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("content", [b"", b"not a pickle\n", b"\x80\x05K\x01."], ids=["empty", "text", "not-a-state"])
def test_resume_from_a_damaged_checkpoint_exits_2(
    runner: CliRunner, tiny_file: Path, tmp_path: Path, content: bytes
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CHECKPOINT_NAME).write_bytes(content)
    result = runner.invoke(main, ["run", str(tiny_file), "--out", str(out), "--resume", "--no-progress"])
    assert_clean_error(result, "--resume", "cannot be read", str(out / CHECKPOINT_NAME))
