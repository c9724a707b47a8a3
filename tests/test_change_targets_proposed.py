"""The proposed change targets (issue 25) and the harness that measures issue 25's figures on a model.

The proposal is not wired into validate yet; these tests keep it loadable as calibration targets, honest about
what was not verified, and clear of the findings that must stay predictions (MODEL.md section 4).
"""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from securebase.calibration.measure import Target, targets

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "calibration-runs" / "measure_change.py"


@cache
def load_harness() -> ModuleType:
    """calibration-runs/measure_change.py as a module (a script beside the package, loaded by its path once)."""
    spec = importlib.util.spec_from_file_location("measure_change", HARNESS)
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    return harness


#: findings the model is checked against but never fitted to (MODEL.md section 4; issue 25)
PREDICTIONS_ONLY = ("placement", "adopt", "foster", "maltreat", "intervention", "outcome")


def proposed() -> list[Target]:
    text = resources.files("securebase.calibration").joinpath("targets_change_proposed.toml").read_text("utf-8")
    return [Target(name=name, **table) for name, table in tomllib.loads(text).items()]


def test_the_proposal_loads_as_calibration_targets_with_new_names() -> None:
    names = [t.name for t in proposed()]
    assert names, "the proposal has no targets"
    assert len(set(names)) == len(names)
    assert not set(names) & {t.name for t in targets()}, "a proposed target would replace a shipped one"


def test_a_proposed_figure_is_either_verified_and_in_its_range_or_marked_unverified_and_never_met() -> None:
    for target in proposed():
        assert target.source.strip()
        if math.isnan(target.value):
            # an unverified published figure: said so in its source, and no value can meet it
            assert "UNVERIFIED" in target.source, target.name
            assert not any(target.within(v) for v in (-1.0, 0.0, 0.5, 1.0)), target.name
        else:
            assert target.low <= target.value <= target.high, target.name


def test_no_proposed_target_fits_what_must_stay_a_prediction() -> None:
    for target in proposed():
        words = target.statistic.lower()
        assert not any(word in words for word in PREDICTIONS_ONLY), (target.name, target.statistic)


@pytest.mark.slow
def test_the_harness_measures_a_change_of_carer_and_the_same_day_retest(tmp_path: Path) -> None:
    """At a tiny size: the tables come out with every arm and component, and the arms read the changed care."""
    harness = load_harness()
    for what, size in (("change", ["--n-change", "12"]), ("retest", ["--n-stability", "30"])):
        harness.main([what, *size, "--out", str(tmp_path)])  # in this process: nothing here needs one of its own
    arms = pd.read_csv(tmp_path / "change-at-48-months.csv")
    assert len(arms) == 2 * (3 * 2 + 1)  # two histories x (three ages x two kinds + the control)
    # the control keeps its history's care; a changed arm ends under the other care: rejecting care is trusted less
    secure_control = arms[(arms["history"] == "secure history") & (arms["change at"] == "none (control)")]
    secure_changed = arms[(arms["history"] == "secure history") & (arms["change at"] == "6 months")]
    control_trust = float(secure_control["trust"].iloc[0].split(" ")[0])
    assert all(float(t.split(" ")[0]) < control_trust for t in secure_changed["trust"])
    contrasts = pd.read_csv(tmp_path / "change-contrasts.csv")
    assert len(contrasts) == 2 * (2 * 2 + 3)
    assert len(pd.read_csv(tmp_path / "change-equal-exposure.csv")) == 2 * 3 * 2
    components = pd.read_csv(tmp_path / "same-day-retest-and-decomposition.csv")["component"]
    for part in ("procedure:", "coder:", "development:", "drift of care:", "reunion at 4 years", "reunion at 6 years"):
        assert components.str.contains(part, regex=False).any(), part


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (["change", "--n-change", "3"], "--n-change has value 3"),
        (["drift", "--drift-rho-year", "1.5"], "--drift-rho-year has value 1.5"),
        (["drift", "--drift-sd-logit", "-1"], "--drift-sd-logit has value -1.0"),
        (["change", "--calibration", "no-such-calibration.toml"], "no-such-calibration.toml' does not exist"),
    ],
)
def test_the_harness_refuses_bad_input_in_one_line_with_exit_code_2(
    arguments: list[str], field: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:  # argparse's error: the exit code and the line, in this process
        load_harness().main([*arguments, "--out", str(tmp_path)])
    assert stopped.value.code == 2
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert field in last, last


def test_the_harness_script_exits_2_as_the_shell_sees_it(tmp_path: Path) -> None:
    """The one thing of the refusals only a process shows: the script's exit code and stderr as the shell gets them."""
    run = subprocess.run(
        [sys.executable, str(HARNESS), "change", "--n-change", "3", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "--n-change has value 3" in run.stderr.strip().splitlines()[-1]


def test_the_proposed_statistics_read_stability_from_infancy_as_the_toml_defines_it() -> None:
    """On made-up read-outs: security at 4 and 6 years copies 12 months, at 16 and 19 it is a coin toss, between them
    it copies 12 months for half of the children: the statistics come out as their definitions say."""
    harness = load_harness()
    rng = np.random.default_rng(0)
    n = 4000
    infancy = (rng.random(n) < 0.6).astype(float)
    half = rng.random(n) < 0.5
    readings = pd.DataFrame({"observed 1": infancy})
    for age in (4.0, 6.0):
        readings[f"observed {age:g}"] = infancy
    for age in (10.0, 13.0):
        readings[f"observed {age:g}"] = np.where(half, infancy, (rng.random(n) < 0.6).astype(float))
    for age in (16.0, 19.0):
        readings[f"observed {age:g}"] = (rng.random(n) < 0.6).astype(float)
    statistics = harness.proposed_statistics(readings)
    assert set(statistics) <= {t.name for t in proposed()}
    assert statistics["stability_levels_off"] == pytest.approx(0.0, abs=0.05)
    assert statistics["stability_falls_with_interval"] == pytest.approx(1.0, abs=0.05)
    # mean over the six later ages: 1, 1, about .5, about .5, 0, 0
    assert statistics["stability_from_infancy_r"] == pytest.approx(0.5, abs=0.05)
