"""Sizes checked up front: a run, a sweep or the studies that cannot fit in memory are refused before any work,
saying what would fit; the estimate is measured, not guessed (it bounds a real run's peak)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SHIPPED, small
from test_sweep import write_sweep

from securebase.cli import main
from securebase.engine.simulation import Simulation
from securebase.sizing import (
    BASE_BYTES,
    SECONDS_PER_CHILD_EPISODE,
    SECONDS_PER_DAY,
    available_memory,
    run_estimate,
)

SMALL_MACHINE = str(600 * 2**20)  # 600 MB available


def refused(result: object, *named: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("securebase: error: ")
    assert "Traceback" not in result.output
    for text in named:
        assert text in result.stderr, result.stderr


def test_available_memory_is_read_from_the_machine() -> None:
    available = available_memory()
    assert available is not None
    assert 10 * 2**20 < available < 2**50


def test_the_estimate_bounds_a_real_runs_peak_memory() -> None:
    scenario = small("school-year", n_children=4000, days=3, start_age_years=0.0)
    Simulation(
        small("school-year", n_children=10, days=1, start_age_years=0.0), params=SHIPPED.params
    ).run()  # warm: imports, caches
    tracemalloc.start()
    try:
        Simulation(scenario, params=SHIPPED.params).run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = run_estimate(scenario)
    assert peak <= estimate.bytes - BASE_BYTES, (peak, estimate)
    assert estimate.bytes - BASE_BYTES < 4 * peak  # not absurdly large either


def test_the_time_estimate_counts_the_days_and_child_episodes_a_run_lives(monkeypatch: pytest.MonkeyPatch) -> None:
    """What makes the time estimate right, without timing anything (speed is measured in benchmarks/): it prices
    each day the run lives (its simulated history included) and each child-episode the run's kernel lives, at the
    measured rates of sizing.py. A history left out, or episodes counted per figure, fails here."""
    from securebase.engine import driver

    lived_episodes: list[int] = []
    drive = driver.Driver.drive

    def counted(self: driver.Driver, timeline: object) -> object:
        lived = drive(self, timeline)
        lived_episodes.append(lived[0].episodes)
        return lived

    monkeypatch.setattr(driver.Driver, "drive", counted)
    scenario = small("school-year", n_children=30, days=3, start_age_years=0.05)  # a history of some days first
    simulation = Simulation(scenario, params=SHIPPED.params)
    simulation.run()
    days = simulation.day - simulation.first_day
    assert scenario.history_days > 0
    assert len(lived_episodes) == days
    assert len(scenario.figures) == 2  # the measured rate is for two figures
    child_episodes = scenario.population.n_children * sum(lived_episodes)
    lived = days * SECONDS_PER_DAY + child_episodes * SECONDS_PER_CHILD_EPISODE
    assert run_estimate(scenario).seconds == pytest.approx(lived, rel=1e-12)


def test_a_run_too_large_for_the_memory_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECUREBASE_MEMORY_AVAILABLE", SMALL_MACHINE)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", "--children", "50000000", "--out", str(out), "--no-progress"])
    refused(result, "50,000,000 children", "needs", "600 MB available", "--children")
    assert not out.exists()


def test_a_sweep_with_too_many_points_is_refused_before_building_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECUREBASE_MEMORY_AVAILABLE", SMALL_MACHINE)
    text = """name = "huge"\nscenario = "small.toml"\nseeds = 1\ndesign = "latin-hypercube"\nsamples = 1000000\n
[[parameters]]\npath = "figures.parent.caregiving.warmth"\nlow = 0.2\nhigh = 0.8\n"""
    from securebase.sweep import load, points

    def never(*args: object) -> None:
        raise AssertionError("the sweep's points were built before it was refused")

    monkeypatch.setattr(load, "expand", never)  # refused by counting them (count_points), before building any
    monkeypatch.setattr(points, "expand", never)
    result = CliRunner().invoke(main, ["sweep", str(write_sweep(tmp_path, text)), "--out", str(tmp_path / "o")])
    refused(result, "1,000,000 points", "fewer points")


def test_a_sweep_whose_workers_cannot_fit_is_told_how_many_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECUREBASE_MEMORY_AVAILABLE", str(1500 * 2**20))
    text = """name = "wide"\nscenario = "small.toml"\nseeds = 1\n
[[parameters]]\npath = "population.n_children"\nvalues = [300, 400000]\n"""
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["sweep", str(write_sweep(tmp_path, text)), "--out", str(out), "--workers", "2"])
    refused(result, "2 worker processes", "400,000 children", "--workers 1")
    assert not out.exists()


def test_the_studies_are_refused_on_a_machine_without_the_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECUREBASE_MEMORY_AVAILABLE", str(100 * 2**20))
    result = CliRunner().invoke(main, ["report", "--quick", "--out", str(tmp_path / "r"), "--no-progress"])
    refused(result, "quick studies need", "100 MB available")


def test_the_per_run_figure_bounds_what_a_sweeps_driver_holds_for_each_run(tmp_path: Path) -> None:
    """The slope of the driver's peak (tracemalloc over loading, sweep.json's record and text, and the jobs) between
    sweeps of 2,000 and 20,000 runs is within BYTES_PER_SWEEP_RUN, and of its order."""
    import gc
    import json

    from test_check_kinds import write_sweep as write_many

    from securebase.sizing import BYTES_PER_SWEEP_RUN
    from securebase.sweep import dataset, load_sweep
    from securebase.sweep.task import Job

    def peak(seeds: int) -> int:
        path = write_many(tmp_path / str(seeds), points=1, seeds=seeds)
        gc.collect()
        tracemalloc.start()
        try:
            sweep = load_sweep(path)
            record = dataset.manifest(sweep, SHIPPED)
            text = json.dumps(record, indent=2).encode()
            del record, text
            jobs = [Job(t, sweep.scenarios[t.point], sweep.points[t.point].values, SHIPPED.params) for t in sweep.tasks]
            assert len(jobs) == seeds
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    per_run = (peak(20_000) - peak(2_000)) / 18_000
    assert per_run <= BYTES_PER_SWEEP_RUN, per_run
    assert per_run > BYTES_PER_SWEEP_RUN / 4  # not absurdly large either


def test_a_sweep_is_sized_by_its_runs_not_its_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from securebase.sizing import TooLarge, check_runs

    monkeypatch.setenv("SECUREBASE_MEMORY_AVAILABLE", str(2 * 2**30))
    check_runs(999, 1)  # the points fit
    with pytest.raises(TooLarge, match=r"99,900,000 runs \(999 points x 100,000 seeds\)"):
        check_runs(999, 100_000)
