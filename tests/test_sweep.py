"""``securebase sweep``: clear errors for bad sweep files, the design's points, and one dataset whatever runs it.

The same sweep gives the same dataset on a local process pool, in this process and
on a Dask cluster; a sweep killed with SIGKILL (or stopped with Ctrl-C) and resumed
gives the dataset of an uninterrupted one, redoing no finished run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from helpers import SHIPPED

from securebase.cli import main
from securebase.sweep import SweepError, SweepStopped, load_sweep, read_dataset, run_sweep
from securebase.sweep.dataset import MANIFEST_NAME, POINTS_NAME
from securebase.sweep.overrides import scenario_data, with_overrides
from securebase.sweep.points import expand, tasks
from securebase.sweep.spec import SweepSpec

#: a small scenario: a run of it takes a few tenths of a second
SCENARIO = """\
name = "small"

[population]
n_children = 300
start_age_years = 1.0
history = "none"

[[figures]]
name = "parent"
caregiving = "normative"

[schedule]
days = 40
"""

#: 6 points x 2 seeds = 12 runs
SWEEP = """\
name = "test-sweep"
scenario = "small.toml"
seeds = [3, 4]

[[parameters]]
path = "figures.parent.caregiving.warmth"
values = [0.3, 0.6, 0.9]

[[parameters]]
path = "population.n_children"
values = [250, 300]
"""

LHS = """\
name = "test-lhs"
scenario = "small.toml"
seeds = 1
design = "latin-hypercube"
samples = 5
design_seed = 7

[[parameters]]
path = "figures.parent.caregiving.warmth"
low = 0.2
high = 0.8

[[parameters]]
path = "schedule.days"
low = 10
high = 14
integer = true
"""

#: (id, the sweep file, what stderr must name)
BAD_SWEEPS = [
    ("unknown-field", LHS.replace("samples = 5", "sample = 5"), ["'sample' is not a known field", "samples"]),
    ("wrong-type", SWEEP.replace("seeds = [3, 4]", 'seeds = "two"'), ["'seeds'", "'two'", "an integer or an array"]),
    (
        "no-such-figure",
        SWEEP.replace("figures.parent.", "figures.mum."),
        ["parameters[0].path", "'figures.mum.caregiving.warmth'", "expected one of: parent"],
    ),
    (
        "no-such-field",
        SWEEP.replace("population.n_children", "population.n_kids"),
        ["population.n_kids", "not a known field", "n_children"],
    ),
    ("bad-path-syntax", SWEEP.replace('"population.n_children"', '"children"'), ["parameters[1].path", "'children'"]),
    (
        "low-above-high",
        LHS.replace("high = 0.8", "high = 0.1"),
        ["parameters[0].high", "0.1", "greater than low (0.2)"],
    ),
    (
        "value-out-of-range",
        SWEEP.replace("0.9]", "1.5]"),
        ["figures[0].caregiving.warmth", "1.5", "a proportion between 0 and 1"],
    ),
    ("mixed-values", SWEEP.replace("0.9]", '"high"]'), ["parameters[0].values", "values of one kind"]),
    ("grid-with-low", SWEEP.replace("values = [250, 300]", "low = 250"), ["parameters[1]", "'values' in a grid"]),
    ("lhs-without-samples", LHS.replace("samples = 5\n", ""), ["'samples'", "latin-hypercube"]),
    ("no-scenario", SWEEP.replace('"small.toml"', '"nowhere.toml"'), ["'scenario'", "nowhere.toml"]),
    ("invalid-toml", SWEEP.replace("seeds = [3, 4]", "seeds = [3, 4"), ["not valid TOML"]),
]


def write_sweep(folder: Path, text: str = SWEEP, name: str = "sweep.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "small.toml").write_text(SCENARIO, encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_clean_error(result: Result, *named: str) -> None:
    """Exit code 2, one 'securebase: error:' paragraph naming each of ``named``, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("securebase: error: ")
    assert "Traceback" not in result.stderr
    for text in named:
        assert text in result.stderr


def file_times(out: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in (out / POINTS_NAME).glob("*.parquet")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The test sweep run uninterrupted on a local pool of two processes."""
    folder = tmp_path_factory.mktemp("reference")
    out = folder / "out"
    done = run_sweep(write_sweep(folder), out, SHIPPED, workers=2, progress=False)
    assert (done.total, done.already_done) == (12, 0)
    return read_dataset(out)


# ---- the file ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "named"), [c[1:] for c in BAD_SWEEPS], ids=[c[0] for c in BAD_SWEEPS])
def test_a_bad_sweep_file_exits_2_naming_field_value_and_expectation(
    tmp_path: Path, text: str, named: list[str]
) -> None:
    path = write_sweep(tmp_path, text)
    result = CliRunner().invoke(main, ["sweep", str(path), "--out", str(tmp_path / "out"), "--no-progress"])
    assert_clean_error(result, str(path), *named)
    assert not (tmp_path / "out").exists()


def test_grid_is_the_product_of_the_values_times_the_seeds(tmp_path: Path) -> None:
    sweep = load_sweep(write_sweep(tmp_path))
    assert len(sweep.points) == 6
    assert [p.values for p in sweep.points[:2]] == [
        {"figures.parent.caregiving.warmth": 0.3, "population.n_children": 250},
        {"figures.parent.caregiving.warmth": 0.3, "population.n_children": 300},
    ]
    ids = [t.id for t in sweep.tasks]
    assert ids[:3] == ["p0000-s3", "p0000-s4", "p0001-s3"]
    assert len(ids) == len(set(ids)) == 12
    assert sweep.scenarios[1].population.n_children == 300
    caregiving = sweep.scenarios[5].figures[0].caregiving
    assert (caregiving.preset, caregiving.warmth) == ("normative", 0.9)


def test_latin_hypercube_is_reproducible_and_stratified(tmp_path: Path) -> None:
    spec = load_sweep(write_sweep(tmp_path, LHS)).spec
    points = expand(spec)
    assert points == expand(SweepSpec(**spec.model_dump()))
    warmth = [p.values["figures.parent.caregiving.warmth"] for p in points]
    days = [p.values["schedule.days"] for p in points]
    assert all(0.2 <= w <= 0.8 for w in warmth)
    # one sample in each fifth of the range; 5 samples of 5 whole numbers: each exactly once
    assert sorted(int((w - 0.2) / 0.6 * 5) for w in warmth) == [0, 1, 2, 3, 4]
    assert sorted(days) == [10, 11, 12, 13, 14]
    assert all(isinstance(d, int) for d in days)
    other = expand(spec.model_copy(update={"design_seed": 8}))
    assert [p.values for p in other] != [p.values for p in points]
    assert [t.id for t in tasks(spec, points)] == [f"p000{i}-s0" for i in range(5)]


def test_overrides_set_a_trait_on_a_preset_and_a_distribution_mean(tmp_path: Path) -> None:
    scenario = load_sweep(write_sweep(tmp_path)).scenario
    changed = with_overrides(scenario, {"figures.parent.caregiving.warmth.mean": 0.4}, origin="test")
    assert changed.figures[0].caregiving.warmth.mean == 0.4
    assert scenario_data(scenario)["figures"][0]["caregiving"] == "normative"  # the original is untouched


# ---- running it --------------------------------------------------------------------------------------------------


def test_the_dataset_is_one_table_of_every_run_and_day(reference: pd.DataFrame) -> None:
    assert len(reference) == 12 * 40
    assert list(reference.columns[:5]) == [
        "point",
        "seed",
        "figures.parent.caregiving.warmth",
        "population.n_children",
        "day",
    ]
    assert set(reference["seed"]) == {3, 4}
    by_point = reference.groupby("point")[["figures.parent.caregiving.warmth", "population.n_children"]].first()
    assert by_point.loc[5].tolist() == [0.9, 300]
    # the swept warmth shows: the warmest parent gives the most felt security
    security = reference.groupby("figures.parent.caregiving.warmth")["felt_security"].mean()
    assert security.is_monotonic_increasing


def test_in_this_process_gives_the_pools_dataset(tmp_path: Path, reference: pd.DataFrame) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["sweep", str(write_sweep(tmp_path)), "--out", str(out), "--workers", "1", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    assert "ran 12 of 12 runs (6 points x 2 seeds)" in result.stdout
    pd.testing.assert_frame_equal(read_dataset(out), reference, check_exact=True)
    assert (out / MANIFEST_NAME).is_file()


@pytest.mark.slow
def test_a_dask_cluster_gives_the_pools_dataset(tmp_path: Path, reference: pd.DataFrame) -> None:
    from distributed import LocalCluster

    out = tmp_path / "out"
    # threads in this process talking TCP: the tasks and their tables go through the network layer
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        done = run_sweep(write_sweep(tmp_path), out, SHIPPED, scheduler=cluster.scheduler_address, progress=False)
    assert done.total == 12
    pd.testing.assert_frame_equal(read_dataset(out), reference, check_exact=True)


def test_an_unreachable_scheduler_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(SweepError, match="cannot connect to a Dask scheduler at 'nowhere://x'"):
        run_sweep(write_sweep(tmp_path), out, SHIPPED, scheduler="nowhere://x", progress=False)
    assert not out.exists()


def test_a_finished_sweep_refuses_a_fresh_start_and_resumes_to_nothing(tmp_path: Path, reference: pd.DataFrame) -> None:
    out = tmp_path / "out"
    sweep_file = write_sweep(tmp_path)
    assert run_sweep(sweep_file, out, SHIPPED, workers=1, progress=False).already_done == 0
    before = file_times(out)
    runner = CliRunner()
    result = runner.invoke(main, ["sweep", str(sweep_file), "--out", str(out), "--no-progress"])
    assert_clean_error(result, str(out), "already holds a sweep", "--resume")
    result = runner.invoke(main, ["sweep", str(sweep_file), "--out", str(out), "--resume", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "ran 0 of 12 runs" in result.stdout
    assert file_times(out) == before
    changed = write_sweep(tmp_path, SWEEP.replace("0.9]", "0.8]"), name="changed.toml")
    result = runner.invoke(main, ["sweep", str(changed), "--out", str(out), "--resume", "--no-progress"])
    assert_clean_error(result, "--resume", str(out), "differs from this one in sweep, tasks")
    result = runner.invoke(main, ["sweep", str(sweep_file), "--out", str(tmp_path / "new"), "--resume"])
    assert_clean_error(result, "--resume", "no sweep at", "new")


def start_sweep(sweep_file: Path, out: Path) -> subprocess.Popen[str]:
    """``python -m securebase sweep`` in its own process group (so a signal reaches its workers too)."""
    command = [sys.executable, "-m", "securebase", "sweep", str(sweep_file), "--out", str(out), "--workers", "2"]
    return subprocess.Popen(
        [*command, "--no-progress"], start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def stop_part_way(process: subprocess.Popen[str], out: Path, signum: int) -> tuple[str, str]:
    """Send ``signum`` to the sweep's process group once a run is written, and wait for it to end."""
    deadline = time.monotonic() + 120
    while not any((out / POINTS_NAME).glob("*.parquet")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no run finished in two minutes"
        time.sleep(0.02)
    os.killpg(process.pid, signum)
    return process.communicate(timeout=60)


@pytest.mark.slow
def test_a_sweep_killed_with_sigkill_resumes_to_the_uninterrupted_dataset(
    tmp_path: Path, reference: pd.DataFrame
) -> None:
    sweep_file, out = write_sweep(tmp_path), tmp_path / "out"
    process = start_sweep(sweep_file, out)
    stop_part_way(process, out, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    kept = file_times(out)
    assert 1 <= len(kept) < 12, "the kill should come part way through"
    for name in kept:  # every file in place is whole
        assert len(pd.read_parquet(out / POINTS_NAME / name)) == 40
    command = [sys.executable, "-m", "securebase", "sweep", str(sweep_file), "--out", str(out), "--resume"]
    done = subprocess.run([*command, "--no-progress"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert f"ran {12 - len(kept)} of 12 runs" in done.stdout
    assert {name: file_times(out)[name] for name in kept} == kept  # finished runs were not redone
    assert not list((out / POINTS_NAME).glob(".*"))  # no temporary file left
    pd.testing.assert_frame_equal(read_dataset(out), reference, check_exact=True)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_exit_130_and_resumes(tmp_path: Path, reference: pd.DataFrame) -> None:
    sweep_file, out = write_sweep(tmp_path), tmp_path / "out"
    process = start_sweep(sweep_file, out)
    _, stderr = stop_part_way(process, out, signal.SIGINT)  # as a terminal sends it: to the whole group
    assert process.returncode == 130, stderr
    assert "interrupted:" in stderr
    assert f"securebase sweep {sweep_file} --out {out} --resume" in stderr
    assert "Traceback" not in stderr
    kept = file_times(out)
    assert 1 <= len(kept) <= 12
    with pytest.raises(SweepError, match="already holds a sweep"):
        run_sweep(sweep_file, out, SHIPPED, workers=1, progress=False)
    done = run_sweep(sweep_file, out, SHIPPED, resume=True, workers=1, progress=False)
    assert done.already_done == len(kept)
    pd.testing.assert_frame_equal(read_dataset(out), reference, check_exact=True)


def test_sweep_stopped_says_what_is_kept() -> None:
    assert str(SweepStopped("interrupted", 3, 12, 130)) == "interrupted: 3 of 12 runs are done and kept"


def test_the_example_sweep_is_valid() -> None:
    example = Path(__file__).parent.parent / "examples" / "sweep-warmth.toml"
    sweep = load_sweep(example)
    assert (len(sweep.points), len(sweep.tasks)) == (3, 6)


def test_the_pool_holds_a_few_jobs_at_a_time_not_a_future_for_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sweep of a million runs must not hold a million futures (and their finished tables) in the driver."""
    from concurrent.futures import ProcessPoolExecutor

    from securebase.sweep import run as sweep_run

    submitted = []

    class Counting(ProcessPoolExecutor):
        def submit(self, *args: object, **kwargs: object) -> object:
            submitted.append(1)
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(sweep_run, "ProcessPoolExecutor", Counting)
    jobs, workers, most, received = list(range(-40, 0)), 2, 0, []
    for job, result in sweep_run.execute(jobs, abs, workers):  # abs: a picklable job of no cost
        most = max(most, len(submitted) - len(received))
        received.append((job, result))
    assert sorted(received) == sorted((job, abs(job)) for job in jobs)
    assert most <= 4 * workers < len(jobs)  # a few per worker, not one per job
    assert most <= sweep_run.IN_FLIGHT_PER_WORKER * workers
