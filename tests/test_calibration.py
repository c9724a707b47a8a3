"""Calibration: targets as data, the studies, the fit's output with provenance, and validate."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

from securebase.calibration import fit as fit_module
from securebase.calibration.calibration import Calibration
from securebase.calibration.fit import FREE, ONE_SIDED_MARGIN, fit, score, vector, with_vector, write
from securebase.calibration.measure import Measured, targets


def test_targets_are_the_published_figures():
    by_name = {t.name: t for t in targets()}
    assert by_name["normative_B"].value == 0.66
    assert by_name["mixed_risk_D"].value == 0.235
    assert by_name["sensitivity_security_r"].value == 0.24
    assert by_name["stability_kappa"].value == 0.23
    assert by_name["anomalous_disorganisation_r"].value == 0.34
    for target in targets():
        assert target.low <= target.value <= target.high
        assert target.source


def test_score_is_zero_on_target_and_one_at_the_edge_of_a_range():
    def aim(t):  # a one-sided requirement is aimed a margin inside its bound
        return t.low + ONE_SIDED_MARGIN if t.one_sided else t.value

    on_target = {t.name: Measured(aim(t), aim(t), aim(t), 1) for t in targets()}
    assert score(on_target) == 0.0
    first = targets()[0]
    at_edge = dict(on_target, **{first.name: Measured(first.high, first.high, first.high, 1)})
    assert abs(score(at_edge) - 1.0) < 1e-9
    one_sided = next(t for t in targets() if t.one_sided)
    at_bound = dict(on_target, **{one_sided.name: Measured(one_sided.low, one_sided.low, one_sided.low, 1)})
    assert abs(score(at_bound) - 1.0) < 1e-9  # met, but no margin: costs what a two-sided edge costs
    beyond = dict(on_target, **{one_sided.name: Measured(0.99, 0.99, 0.99, 1)})
    assert score(beyond) == 0.0


def test_calibration_vector_round_trips():
    values = vector(Calibration())
    assert len(values) == len(FREE)
    assert (vector(with_vector(Calibration(), values)) == values).all()


def _fake_measure(params, scheme, n, seed, *, observer_sd, keep=None, **options):
    """A stand-in for the studies (which take minutes): every statistic moves with two constants.

    It lets the test check the search and the file it writes; the real studies
    are exercised by test_validate_writes_the_table_and_plot.
    """
    value = min(1.0, params.rejection_drive / 10 + scheme.avoidance_full)
    if keep is not None:  # what the real studies keep for aligning the read-out
        keep["working_models"] = [
            pd.DataFrame({"gain": [-1.0, 0.0, 1.0], "fear": [0.0, 0.0, 0.0], "classification": ["A", "B", "C"]})
        ]
        keep["change_models"] = {}
    return {t.name: Measured(value, value, value, n) for t in targets()}


def test_fit_searches_and_writes_constants_with_provenance(tmp_path, monkeypatch):
    monkeypatch.setattr(fit_module, "measure", _fake_measure)
    calibration, final_score, measured = fit(n=100, points=4, iterations=6, seed=1, workers=1, report=lambda _: None)
    assert final_score <= fit_module.evaluate(Calibration(), 100, 1)[0]  # never worse than the start
    path = tmp_path / "calibrated.toml"
    write(calibration, final_score, measured, path, command="securebase calibrate --n 100 --seed 1", n=100, seed=1)
    data = tomllib.loads(path.read_text())
    assert data["method"]["seed"] == 1
    assert "date" in data
    assert data["command"] == "securebase calibrate --n 100 --seed 1"
    assert data["securebase_version"]
    assert set(data["fit"]) == {t.name for t in targets()}
    assert data["model"]["rejection_drive"] == round(calibration.params.rejection_drive, 6)
    assert data["coding"]["avoidance_full"] == round(calibration.coding.avoidance_full, 6)
    back = Calibration.load(path)  # what the file says, read back through the Calibration object
    assert back.params.rejection_drive == round(calibration.params.rejection_drive, 6)
    assert back.provenance.command == "securebase calibrate --n 100 --seed 1"
    assert back.provenance.fit["normative_B"]["published"] == 0.66


def test_parallel_rounds_only_improve_and_keep_the_best_so_far(tmp_path, monkeypatch):
    """The evolution strategy's rounds never end worse than the search before them, and the best constants so
    far are in the progress file (a stopped search loses nothing)."""
    monkeypatch.setattr(fit_module, "measure", _fake_measure)
    progress = tmp_path / "calibrated.progress.toml"
    _, before, _ = fit(n=100, points=3, iterations=0, seed=2, workers=1, report=lambda _: None)
    lines: list[str] = []
    calibration, after, _ = fit(
        n=100, points=3, iterations=0, seed=2, workers=1, report=lines.append, rounds=4, progress=progress
    )
    assert after <= before
    assert sum(line.startswith("round") for line in lines) == 4
    kept = Calibration.load(progress)
    assert kept.params.rejection_drive == pytest.approx(calibration.params.rejection_drive, abs=1e-5)
    assert kept.coding.avoidance_full == pytest.approx(calibration.coding.avoidance_full, abs=1e-5)


def test_validate_writes_the_table_and_plot(shipped_validation):
    out, output = shipped_validation  # `validate --n 100 --out OUT` on the shipped constants (conftest.py)
    assert "targets within range" in output
    table = pd.read_csv(out / "validation.csv")
    assert set(table["target"]) == {t.name for t in targets()}
    shares = table[table["target"] != "sensitivity_security_r"]
    assert shares["simulated"].between(0.0, 1.0).all()
    assert (out / "ssp_pattern.png").stat().st_size > 10_000
    behaviour = pd.read_parquet(out / "ssp_behaviour.parquet")
    assert set(behaviour["classification"]) <= {"A", "B", "C", "D"}


def test_readout_alignment_is_balanced_over_the_classes():
    """Many B children must not buy agreement by reading every child as secure."""
    from securebase.calibration.fit import align_readout, balanced_agreement
    from securebase.model.parameters import ModelParameters

    rng = np.random.default_rng(0)
    gain = np.concatenate(
        [rng.normal(0, 0.2, 900), rng.normal(-1.0, 0.2, 40), rng.normal(1.0, 0.2, 40), rng.normal(0, 0.2, 20)]
    )
    fear = np.concatenate([np.full(980, 0.1), np.full(20, 0.8)])
    coded = np.array(["B"] * 900 + ["A"] * 40 + ["C"] * 40 + ["D"] * 20)
    kept = {"working_models": [pd.DataFrame({"gain": gain, "fear": fear, "classification": coded})]}
    start = ModelParameters().with_changes(gain_threshold=1.5, fear_threshold=0.95)  # reads everyone as secure
    params, agreement = align_readout(start, kept)
    assert 0.3 < params.gain_threshold < 0.7
    assert 0.1 <= params.fear_threshold < 0.8  # every threshold in [0.1, 0.8) separates D; the grid takes the first
    assert agreement > 0.9
    assert balanced_agreement(np.array(["B"] * 1000), coded) == 0.25
