"""Calibration: targets as data, the studies, the fit's output with provenance, and validate."""

from __future__ import annotations

import tomllib

from click.testing import CliRunner

from securebase.calibration.fit import FREE, Calibration, fit, score, write
from securebase.calibration.measure import Measured, measure, table, targets
from securebase.cli import main


def test_targets_are_the_published_figures():
    by_name = {t.name: t for t in targets()}
    assert by_name["normative_B"].value == 0.66
    assert by_name["mixed_risk_D"].value == 0.235
    assert by_name["sensitivity_security_r"].value == 0.24
    assert by_name["stability_stressed"].value == 0.62
    for target in targets():
        assert target.low <= target.value <= target.high
        assert target.source


def test_score_is_zero_on_target_and_one_at_the_edge_of_a_range():
    on_target = {t.name: Measured(t.value, t.value, t.value, 1) for t in targets()}
    assert score(on_target) == 0.0
    first = targets()[0]
    at_edge = dict(on_target, **{first.name: Measured(first.high, first.high, first.high, 1)})
    assert abs(score(at_edge) - 1.0) < 1e-9


def test_calibration_vector_round_trips():
    calibration = Calibration()
    vector = calibration.vector()
    assert len(vector) == len(FREE)
    assert (Calibration().with_vector(vector).vector() == vector).all()


def test_measure_is_reproducible_and_complete():
    first = measure(n=150, seed=3)
    second = measure(n=150, seed=3)
    assert first == second
    assert set(first) == {t.name for t in targets()}
    assert all(
        0.0 <= m.low <= m.value <= m.high <= 1.0 for name, m in first.items() if name != "sensitivity_security_r"
    )
    assert set(table(first).columns) >= {"target", "simulated", "ci95", "within_range"}


def test_fit_writes_constants_with_provenance(tmp_path):
    calibration, final_score, measured = fit(n=120, points=2, iterations=2, seed=1, workers=1, report=lambda _: None)
    path = tmp_path / "calibrated.toml"
    write(calibration, final_score, measured, path, n=120, seed=1)
    data = tomllib.loads(path.read_text())
    assert data["method"]["seed"] == 1
    assert "date" in data
    assert set(data["fit"]) == {t.name for t in targets()}
    assert data["model"]["distortion_cost"] == calibration.model.distortion_cost
    assert data["coding"]["avoidance_full"] == calibration.coding.avoidance_full


def test_validate_prints_the_table():
    result = CliRunner().invoke(main, ["validate", "--n", "150"])
    assert result.exit_code == 0, result.output
    assert "normative_B" in result.output
    assert "targets within range" in result.output
