"""The calibration is an input: loaded at the edges (CLI, top-level API), passed down, never read on import."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from helpers import SHIPPED, TINY_SCENARIO, one_figure

import securebase
from securebase.calibration.calibration import Calibration, CalibrationError
from securebase.calibration.measure import targets
from securebase.cli import main
from securebase.engine.simulation import CHECKPOINT_NAME, Simulation

SHIPPED_FILE = Path(securebase.__file__).parent / "calibration" / "calibrated.toml"

def other_calibration() -> Calibration:
    """The shipped calibration with a weaker, slower comfort: a model that gives other numbers."""
    params = SHIPPED.params.with_changes(soothing=0.2, base_calming=0.05)
    return dataclasses.replace(SHIPPED, params=params)


@pytest.fixture
def other_file(tmp_path: Path) -> Path:
    return other_calibration().save(tmp_path / "other.toml")


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_SCENARIO, encoding="utf-8")
    return path


def assert_clean_error(result: Result, *named: str) -> None:
    """Exit code 2, one 'securebase: error:' line on stderr naming each of ``named``, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("securebase: error: ")
    assert "Traceback" not in result.stderr
    for text in named:
        assert text in result.stderr, result.stderr


# ---- the Calibration object -----------------------------------------------------


def test_the_shipped_file_loads_with_its_numbers_and_provenance():
    data = tomllib.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    shipped = Calibration.shipped()
    assert shipped is securebase.default_calibration()  # read once
    assert shipped.params.to_dict() == data["model"]
    assert shipped.coding.to_dict() == data["coding"]
    assert shipped.instruments.to_dict() == data["instruments"]
    assert shipped.provenance.date == data["date"]
    assert shipped.provenance.score == data["score"]
    assert shipped.provenance.fit["normative_B"] == data["fit"]["normative_B"]
    assert shipped.provenance.within_range() == (sum(f["within_range"] for f in data["fit"].values()), len(targets()))


def test_save_and_load_keep_every_number(tmp_path: Path):
    path = SHIPPED.with_provenance(command="securebase calibrate --n 1", version="9.9", commit="abc").save(
        tmp_path / "c.toml"
    )
    back = Calibration.load(path)
    assert back == SHIPPED  # the constants (provenance is not compared)
    assert back.constants_hash() == SHIPPED.constants_hash()
    assert (back.provenance.command, back.provenance.version, back.provenance.commit) == (
        "securebase calibrate --n 1",
        "9.9",
        "abc",
    )
    assert back.provenance.fit == SHIPPED.provenance.fit
    assert back.provenance.method == SHIPPED.provenance.method
    assert back.provenance.source == str(path)
    original, written = tomllib.loads(SHIPPED_FILE.read_text()), tomllib.loads(path.read_text())
    for table in ("model", "coding", "instruments", "fit", "method"):
        assert written[table] == original[table], table


@pytest.mark.parametrize(
    "command",
    [
        "securebase calibrate --out 'runs/été 😀.toml'",  # a character beyond the BMP: JSON's surrogate escapes
        'securebase calibrate --note "a\\b" --tab "\t" --del "\x7f"',  # backslashes, a tab and DEL
    ],
)
def test_the_file_is_valid_toml_whatever_the_provenance_holds(tmp_path: Path, command: str):
    """tomli-w writes the file: every string round-trips (the hand-written writer's JSON escapes wrote a
    character beyond the BMP as a surrogate pair, which TOML forbids, so such a file could not be read back)."""
    method = {**SHIPPED.provenance.method, "note": command, "seeds": [1, 2, 3], "flag": True}
    path = SHIPPED.with_provenance(command=command, method=method).save(tmp_path / "c.toml")
    back = Calibration.load(path)
    assert back == SHIPPED
    assert back.provenance.command == command
    assert back.provenance.method == method
    assert path.read_text(encoding="utf-8").startswith("# securebase calibration")


def test_the_hash_tells_constants_apart_and_only_constants():
    assert other_calibration().constants_hash() != SHIPPED.constants_hash()
    recoded = dataclasses.replace(SHIPPED, coding=dataclasses.replace(SHIPPED.coding, coder_sd=0.1))
    assert recoded.constants_hash() != SHIPPED.constants_hash()
    assert SHIPPED.with_provenance(date="another day").constants_hash() == SHIPPED.constants_hash()


def test_a_file_may_leave_out_constants_which_keep_their_hand_set_values(tmp_path: Path):
    path = tmp_path / "partial.toml"
    path.write_text("[model]\nsoothing = 0.5\n[coding]\n[instruments]\nobserver_sd = 1.0\n", encoding="utf-8")
    calibration = Calibration.load(path)
    assert calibration.params == securebase.ModelParameters(soothing=0.5)
    assert calibration.coding == Calibration().coding
    assert calibration.instruments.observer_sd == 1.0


SHIPPED_TEXT = SHIPPED_FILE.read_text(encoding="utf-8")

#: (id, file content, what the message must name)
BAD_CALIBRATIONS = [
    ("unknown-constant", SHIPPED_TEXT.replace("soothing = 0.7", "smoothing = 0.7"), "model.smoothing"),
    ("negative", SHIPPED_TEXT.replace("soothing = 0.7", "soothing = -0.7"), "model.soothing = -0.7"),
    ("text", re.sub(r"(?m)^coder_sd = .*$", 'coder_sd = "high"', SHIPPED_TEXT), "coding.coder_sd = 'high'"),
    ("zero-divisor", re.sub(r"(?m)^avoidance_full = .*$", "avoidance_full = 0", SHIPPED_TEXT), "coding.avoidance_full"),
    ("infinite", re.sub(r"(?m)^sorter_sd = .*$", "sorter_sd = inf", SHIPPED_TEXT), "instruments.sorter_sd = inf"),
    ("no-model", SHIPPED_TEXT.replace("[model]", "[modle]"), "no [model] table"),
    ("invalid-toml", SHIPPED_TEXT.replace("soothing = 0.7", "soothing = [0.7"), "not valid TOML"),
    ("empty", "", "is empty"),
]


@pytest.mark.parametrize(("content", "named"), [c[1:] for c in BAD_CALIBRATIONS], ids=[c[0] for c in BAD_CALIBRATIONS])
def test_a_bad_calibration_file_is_an_error_naming_the_field_and_value(tmp_path: Path, content: str, named: str):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalibrationError) as error:
        Calibration.load(path)
    assert named in str(error.value)
    assert str(path) in str(error.value)


# ---- two calibrations in one process ---------------------------------------------


def test_two_calibrations_side_by_side_in_one_process(other_file: Path):
    scenario = one_figure("normative", n_children=60, days=20)
    shipped_before = securebase.simulate(scenario, seed=3)
    other = securebase.simulate(scenario, seed=3, calibration=other_file)
    other_again = securebase.simulate(scenario, seed=3, calibration=other_calibration())
    shipped_after = securebase.simulate(scenario, seed=3, calibration=securebase.default_calibration())
    assert other.params == other_calibration().params
    assert shipped_after.params == SHIPPED.params
    pd.testing.assert_frame_equal(other.summary, other_again.summary, check_exact=True)
    # weaker comfort: more anxiety than on the shipped constants, day after day
    assert (other.summary["anxiety"] > shipped_before.summary["anxiety"]).mean() > 0.9
    # the shipped constants' results are untouched by having loaded and run the other calibration
    for name, table in shipped_before.tables().items():
        pd.testing.assert_frame_equal(table, shipped_after.tables()[name], check_exact=True)
    assert securebase.default_calibration().params == SHIPPED.params


# ---- nothing reads a file when imported ------------------------------------------

IMPORT_EVERYTHING = textwrap.dedent(
    """
    import json, os, sys

    opened, started = [], []

    def hook(event, args):
        if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            path = os.fsdecode(args[0])
            ours = "securebase" in os.path.basename(os.path.dirname(path))  # securebase's own dist-info
            if path.endswith(".toml") or (ours and path.endswith(("METADATA", "PKG-INFO"))):
                opened.append(path)
        elif event == "subprocess.Popen":
            started.append(str(args[1]))

    sys.addaudithook(hook)
    import pkgutil
    import securebase

    names = [m.name for m in pkgutil.walk_packages(securebase.__path__, "securebase.")]
    for name in names:
        if name != "securebase.__main__":  # running it is the command line itself
            __import__(name)
    print(json.dumps({"modules": len(names), "opened": opened, "started": started}))
    """
)


def test_importing_every_securebase_module_reads_no_calibration_file():
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["modules"] > 50  # it did walk the package
    assert report["opened"] == []
    assert report["started"] == []


def test_the_check_sees_a_file_read_when_it_happens():
    """The audit hook above would catch the shipped calibration being read (the test can fail)."""
    code = IMPORT_EVERYTHING.replace("print(json.dumps(", "securebase.default_calibration(); print(json.dumps(")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    opened = json.loads(done.stdout.splitlines()[-1])["opened"]
    assert any(path.endswith("calibrated.toml") for path in opened)


# ---- the command line -------------------------------------------------------------


def test_run_with_a_calibration_records_it_and_uses_its_constants(tiny_file: Path, other_file: Path, tmp_path: Path):
    runner = CliRunner()
    shipped_out, other_out = tmp_path / "shipped", tmp_path / "other"
    result = runner.invoke(main, ["run", str(tiny_file), "--out", str(shipped_out), "--no-progress"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main, ["run", str(tiny_file), "--out", str(other_out), "--no-progress", "--calibration", str(other_file)]
    )
    assert result.exit_code == 0, result.output
    shipped_run = json.loads((shipped_out / "run.json").read_text())
    other_run = json.loads((other_out / "run.json").read_text())
    assert shipped_run["calibration"]["constants_hash"] == SHIPPED.constants_hash()
    assert "calibrated.toml" in shipped_run["calibration"]["source"]
    assert other_run["calibration"] == {
        "source": str(other_file),
        "constants_hash": other_calibration().constants_hash(),
        "date": SHIPPED.provenance.date,
    }
    assert other_run["model_parameters"]["soothing"] == 0.2
    assert other_run["securebase_version"] == securebase.__version__
    shipped_summary = pd.read_parquet(shipped_out / "summary.parquet")
    other_summary = pd.read_parquet(other_out / "summary.parquet")
    assert not shipped_summary["anxiety"].equals(other_summary["anxiety"])


@pytest.mark.parametrize("command", ["run", "study", "report", "validate", "sweep", "calibrate"])
def test_a_bad_calibration_path_exits_2_on_every_command(command: str, tmp_path: Path, tiny_file: Path):
    missing = tmp_path / "nowhere.toml"
    option = "--constants-from" if command == "calibrate" else "--calibration"
    arguments = {
        "run": [str(tiny_file), "--out", str(tmp_path / "out")],
        "study": ["bids", "--quick", "--out", str(tmp_path / "out")],
        "report": ["--quick", "--out", str(tmp_path / "out")],
        "validate": ["--n", "100"],
        "sweep": [str(Path(__file__).parent.parent / "examples" / "sweep-warmth.toml"), "--out", str(tmp_path / "out")],
        "calibrate": ["--out", str(tmp_path / "c.toml")],
    }[command]
    result = CliRunner().invoke(main, [command, *arguments, option, str(missing)])
    assert_clean_error(result, option, str(missing), "does not exist")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "c.toml").exists()


def test_a_bad_calibration_file_exits_2_naming_the_problem(tiny_file: Path, tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SHIPPED_TEXT.replace("soothing = 0.7", "soothing = -1"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(tiny_file), "--out", str(out), "--calibration", str(bad)])
    assert_clean_error(result, "--calibration", str(bad), "model.soothing = -1", "expected a finite number >= 0")
    assert not out.exists()


def test_resume_with_another_calibration_is_refused(tiny_file: Path, other_file: Path, tmp_path: Path):
    out = tmp_path / "out"
    simulation = Simulation(securebase.load_scenario(str(tiny_file)), params=SHIPPED.params)
    for _ in range(3):
        simulation.step()
    simulation.save(out / CHECKPOINT_NAME)
    runner = CliRunner()
    arguments = ["run", str(tiny_file), "--out", str(out), "--resume", "--no-progress"]
    refused = runner.invoke(main, [*arguments, "--calibration", str(other_file)])
    assert_clean_error(refused, "--resume", "other model constants", str(other_file), "soothing")
    assert (out / CHECKPOINT_NAME).is_file()
    resumed = runner.invoke(main, arguments)  # the calibration it started with: the shipped one
    assert resumed.exit_code == 0, resumed.output
    assert f"resuming 'tiny' at day {simulation.day} of 10" in resumed.stderr


def test_study_and_validate_run_on_the_calibration_given(
    other_file: Path, tmp_path: Path, shipped_validation: tuple[Path, str]
):
    runner = CliRunner()
    out = tmp_path / "study"
    result = runner.invoke(
        main, ["study", "bids", "--quick", "--out", str(out), "--no-progress", "--calibration", str(other_file)]
    )
    assert result.exit_code == 0, result.output
    provenance = json.loads((out / "bids" / "result.json").read_text())["provenance"]
    assert provenance["constants"] == other_calibration().constants_hash()
    assert provenance["calibration"] == str(other_file)
    assert provenance["version"] == securebase.__version__
    page = (out / "bids.html").read_text(encoding="utf-8")
    assert str(other_file) in page
    assert f"securebase study bids --seed 0 --quick --calibration {other_file}</code>" in page

    shipped, _ = shipped_validation  # `validate --n 100` on the shipped constants, once a session (conftest.py)
    result = runner.invoke(main, ["validate", "--n", "100", "--out", str(tmp_path / "other"), "--calibration",
                                  str(other_file)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert str(other_file) in result.stderr
    simulated = {name: pd.read_csv(folder / "validation.csv").set_index("target")["simulated"]
                 for name, folder in (("shipped", shipped), ("other", tmp_path / "other"))}  # fmt: skip
    assert not simulated["shipped"].equals(simulated["other"])


def test_a_sweep_resumes_only_on_the_same_constants(tmp_path: Path):
    from securebase.sweep import SweepError, load_sweep
    from securebase.sweep.dataset import manifest as sweep_manifest
    from securebase.sweep.dataset import prepare

    sweep = load_sweep(Path(__file__).parent.parent / "examples" / "sweep-warmth.toml")
    out = tmp_path / "out"
    prepare(out, sweep_manifest(sweep, SHIPPED), resume=False)
    prepare(out, sweep_manifest(sweep, SHIPPED.with_provenance(source="a copy.toml")), resume=True)  # same constants
    with pytest.raises(SweepError, match="differs from this one in calibration"):
        prepare(out, sweep_manifest(sweep, other_calibration()), resume=True)


def test_calibrate_writes_a_calibration_with_its_provenance(other_file: Path, tmp_path: Path):
    """`calibrate --constants-from` refits only the read-out; the file records how it was made."""
    out = tmp_path / "refit.toml"
    result = CliRunner().invoke(
        main, ["calibrate", "--n", "100", "--seed", "2", "--out", str(out), "--constants-from", str(other_file)]
    )
    assert result.exit_code == 0, result.output
    written = Calibration.load(out)
    p = written.provenance
    assert p.command is not None
    assert p.command.startswith("securebase calibrate --n 100 ")
    assert f"--constants-from {other_file}" in p.command
    assert p.version == securebase.__version__
    assert p.date
    assert p.method["constants_from"] == str(other_file)
    assert p.method["seed"] == 2
    assert set(p.fit) == set(SHIPPED.provenance.fit)
    assert all(set(f) == {"published", "range", "simulated", "ci95", "within_range"} for f in p.fit.values())
    # the constants are the file's, apart from the two read-out thresholds the command refits
    readout = {"gain_threshold", "fear_threshold"}
    mine = {k: v for k, v in written.params.to_dict().items() if k not in readout}
    assert mine == {k: v for k, v in other_calibration().params.to_dict().items() if k not in readout}
    assert written.coding == SHIPPED.coding
    assert written.instruments == SHIPPED.instruments
