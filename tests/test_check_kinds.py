"""`securebase check` tells scenario, sweep and trial files apart and validates each with its own loader; a sweep
is sized by its runs (points x seeds), refused up front when they cannot fit, and `sweep --dry-run` and
`trial --dry-run` say what `check` says and run nothing.

The commands run in the test's process (click's CliRunner); only the test of what a long sweep says before it
starts runs one in a process of its own (it is stopped once it has said it).
"""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from securebase.cli import main
from securebase.filekind import SCHEMAS, own_keys

EXAMPLES = Path(__file__).parent.parent / "examples"
SWEEP_EXAMPLE = EXAMPLES / "sweep-warmth.toml"
TRIAL_EXAMPLES = sorted(EXAMPLES.glob("trial-*.toml"))

#: a one-child, one-day scenario: a sweep of it is all driver, no simulation
TINY = """\
name = "tiny"

[population]
n_children = 1
start_age_years = 1.0
history = "none"

[[figures]]
name = "parent"
caregiving = "normative"

[schedule]
days = 1
"""


class Done(NamedTuple):
    """A command's exit status and its two streams, as a process would give them."""

    returncode: int
    stdout: str
    stderr: str


def securebase(*args: str, memory: int | None = None) -> Done:
    """``securebase ARGS`` in this process (click's CliRunner: the same command line, exit codes and streams);
    ``memory`` is the memory the sizing sees as available. An exception that escapes the command shows as a
    traceback on stderr, as it would from a process."""
    env = {"SECUREBASE_MEMORY_AVAILABLE": str(memory)} if memory is not None else None
    result = CliRunner().invoke(main, list(args), env=env)
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    return Done(
        result.exit_code, result.stdout, result.stderr + (f"Traceback: {result.exception!r}\n" if escaped else "")
    )


def one_error_line(done: Done, *named: str) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("securebase: error: ")
    for text in named:
        assert text in lines[0], lines[0]
    return lines[0]


def write_sweep(folder: Path, points: int, seeds: int) -> Path:
    """A sweep of the one-child scenario over ``points`` warmths, each with ``seeds`` seeds."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tiny.toml").write_text(TINY, encoding="utf-8")
    values = ", ".join(f"{(i + 1) / (points + 1):.6f}" for i in range(points))
    path = folder / "sweep.toml"
    path.write_text(
        f'name = "many"\nscenario = "tiny.toml"\nseeds = {seeds}\n\n'
        f'[[parameters]]\npath = "figures.parent.caregiving.warmth"\nvalues = [{values}]\n',
        encoding="utf-8",
    )
    return path


# ---- telling the kinds apart ------------------------------------------------------------------------------------


def test_each_kind_has_keys_of_its_own() -> None:
    for kind in SCHEMAS:
        assert own_keys(kind), kind
    assert {"figures", "schedule"} <= set(own_keys("scenario"))
    assert {"seeds", "parameters"} <= set(own_keys("sweep"))
    assert {"arms", "analysis"} <= set(own_keys("trial"))


def test_check_a_sweep_names_its_points_seeds_runs_and_estimate() -> None:
    spec = tomllib.loads(SWEEP_EXAMPLE.read_text(encoding="utf-8"))
    points = math.prod(len(p["values"]) for p in spec["parameters"])
    seeds = len(spec["seeds"])
    done = securebase("check", str(SWEEP_EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert f"'{spec['name']}' is a valid sweep" in done.stdout
    assert f"{points} points" in done.stdout
    assert f"{seeds} seeds = {points * seeds} runs" in done.stdout
    assert "of memory and" in done.stdout
    assert "valid scenario" not in done.stdout
    assert "required but missing" not in done.stderr  # the old check read it as a scenario: six unrelated errors


@pytest.mark.parametrize("path", TRIAL_EXAMPLES, ids=[p.stem for p in TRIAL_EXAMPLES])
def test_check_a_trial_names_its_arms_size_measures_and_estimate(path: Path) -> None:
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    done = securebase("check", str(path))
    assert done.returncode == 0, done.stderr
    assert f"'{spec['name']}' is a valid trial: {len(spec['arms'])} arms" in done.stdout
    assert f"{spec['n_per_arm']:,} children per arm" in done.stdout
    assert f"{len(spec['measures'])} measures" in done.stdout
    for arm in spec["arms"]:
        assert arm["name"] in done.stdout
    if "power" in spec:
        assert f"{spec['power']['replicates']} replicates" in done.stdout
    assert "of memory and" in done.stdout


def test_check_a_scenario_file_and_a_built_in_name_still_work() -> None:
    for source in (str(EXAMPLES / "one-parent.toml"), "school-year"):
        done = securebase("check", source)
        assert done.returncode == 0, done.stderr
        assert "is a valid scenario" in done.stdout


def test_a_bad_sweep_or_trial_gets_its_own_loaders_error_not_a_scenarios(tmp_path: Path) -> None:
    sweep = SWEEP_EXAMPLE.read_text(encoding="utf-8").replace("seeds = [1, 2]", 'seeds = "two"')
    (tmp_path / "one-parent.toml").write_text((EXAMPLES / "one-parent.toml").read_text(encoding="utf-8"))
    (tmp_path / "sweep.toml").write_text(sweep, encoding="utf-8")
    line = one_error_line(securebase("check", str(tmp_path / "sweep.toml")), "sweep file", "field 'seeds'", "'two'")
    assert "population" not in line
    trial = (
        (EXAMPLES / "trial-home-visiting.toml").read_text(encoding="utf-8").replace("n_per_arm = 500", "n_per_arm = 0")
    )
    (tmp_path / "trial.toml").write_text(trial, encoding="utf-8")
    line = one_error_line(securebase("check", str(tmp_path / "trial.toml")), "trial file", "field 'n_per_arm'")
    assert "figures" not in line


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('name = "x"\ncolour = "blue"\n', "do not say what it is"),
        ('name = "x"\nseeds = 3\n\n[schedule]\ndays = 3\n', "of a scenario (schedule) and of a sweep (seeds)"),
        ("", "is empty"),
    ],
    ids=["neither", "ambiguous", "empty"],
)
def test_a_file_of_no_one_kind_gets_one_line_naming_the_keys_expected(tmp_path: Path, content: str, named: str) -> None:
    path = tmp_path / "what.toml"
    path.write_text(content, encoding="utf-8")
    line = one_error_line(securebase("check", str(path)), str(path), named)
    for kind in SCHEMAS:
        assert f"a {kind} (" in line


# ---- sized by runs ----------------------------------------------------------------------------------------------

#: 999 points x 100000 seeds: the points alone fit in 8 GB (the old check passed them), the runs do not
MEMORY = 8 * 2**30


@pytest.mark.parametrize("command", ["check", "sweep", "dry-run"])
def test_a_sweep_of_too_many_runs_is_refused_up_front_counting_runs(tmp_path: Path, command: str) -> None:
    path = write_sweep(tmp_path, points=999, seeds=100_000)
    out = tmp_path / "out"
    args = {"check": ["check", str(path)], "sweep": ["sweep", str(path), "--out", str(out)],
            "dry-run": ["sweep", str(path), "--dry-run", "--out", str(out)]}[command]  # fmt: skip
    line = one_error_line(securebase(*args, memory=MEMORY), str(path), "99,900,000 runs", "999 points x 100,000 seeds")
    assert "at most about" in line
    assert "fewer seeds or fewer points" in line
    assert not out.exists()


def test_a_sweep_of_many_runs_that_fits_is_accepted_and_counted(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, points=2, seeds=50_000)
    done = securebase("check", str(path), memory=MEMORY)
    assert done.returncode == 0, done.stderr
    assert "2 points" in done.stdout
    assert "50,000 seeds = 100,000 runs" in done.stdout


# ---- the dry runs -----------------------------------------------------------------------------------------------


def test_sweep_dry_run_says_what_check_says_and_runs_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    checked = securebase("check", str(SWEEP_EXAMPLE))
    dry = securebase("sweep", str(SWEEP_EXAMPLE), "--dry-run", "--out", str(out))
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == checked.stdout
    assert "ran " not in dry.stdout
    assert not out.exists()


def test_trial_dry_run_says_what_check_says_and_runs_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    example = TRIAL_EXAMPLES[0]
    checked = securebase("check", str(example))
    dry = securebase("trial", str(example), "--dry-run", "--out", str(out))
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == checked.stdout
    assert not out.exists()


def test_a_long_sweep_says_its_estimate_before_it_starts(tmp_path: Path) -> None:
    from securebase.sizing import LONG_SECONDS, SECONDS_PER_SWEEP_RUN

    seeds = int(2 * LONG_SECONDS / SECONDS_PER_SWEEP_RUN)  # long by the sweep's own time per run alone
    path, out = write_sweep(tmp_path, points=1, seeds=seeds), tmp_path / "out"
    command = [sys.executable, "-m", "securebase", "sweep", str(path), "--out", str(out), "--workers", "1"]
    process = subprocess.Popen([*command, "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stderr.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=120)
    assert first.startswith(f"securebase: this sweep ({seeds:,} runs) needs about "), first


@pytest.mark.parametrize("example", [SWEEP_EXAMPLE, *TRIAL_EXAMPLES[:1]], ids=lambda p: p.stem)
def test_run_given_a_sweep_or_trial_file_names_the_command_that_runs_it(example: Path, tmp_path: Path) -> None:
    done = securebase("run", str(example), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    kind = "sweep" if example == SWEEP_EXAMPLE else "trial"
    assert done.stderr.count("\n") == 1
    assert f"is a {kind} file; expected a scenario (run it with `securebase {kind} {example}`" in done.stderr
    assert not (tmp_path / "o").exists()
