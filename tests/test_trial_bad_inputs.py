"""Bad trial files (tests/data/bad_trials/): each refused by `securebase trial` with exit 2, one line
'securebase: error: ...' naming the field, the value and what was expected, no traceback, nothing written.

The files are refused in the test's process (click's CliRunner: the same exit code and streams); one of them also
by a real process, the way a user meets it."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner

from securebase.cli import main

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "data" / "bad_trials"
MANIFEST = tomllib.loads((CORPUS / "_manifest.toml").read_text(encoding="utf-8"))


def test_the_manifest_names_every_bad_trial_and_no_other() -> None:
    assert {p.stem for p in CORPUS.glob("*.toml") if not p.name.startswith("_")} == set(MANIFEST)


def trial(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``securebase trial ARGS`` in this process; an exception that escapes the command shows as a traceback."""
    result = CliRunner().invoke(main, ["trial", *args], env=env)
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    stderr = result.stderr + (f"Traceback: {result.exception!r}\n" if escaped else "")
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, stderr)


def _memory(case: dict) -> dict[str, str] | None:
    # the machine the estimate is compared with (any real machine has less than 38 GB free)
    return {"SECUREBASE_MEMORY_AVAILABLE": str(case["memory"])} if "memory" in case else None


def _refused_in_one_line(name: str, done: subprocess.CompletedProcess[str], out: Path) -> None:
    assert done.returncode == 2, (name, done.stderr)
    assert "Traceback" not in done.stderr, name
    lines = done.stderr.splitlines()
    assert len(lines) == 1, (name, done.stderr)
    assert lines[0].startswith("securebase: error: trial file "), lines[0]
    assert f"{name}.toml" in lines[0]
    assert MANIFEST[name]["fragment"] in lines[0], f"{name}: expected {MANIFEST[name]['fragment']!r} in {lines[0]}"
    assert not out.exists(), name


def test_each_bad_trial_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    for name, case in sorted(MANIFEST.items()):
        out = tmp_path / name
        done = trial(str(CORPUS / f"{name}.toml"), "--out", str(out), "--no-progress", env=_memory(case))
        _refused_in_one_line(name, done, out)


def test_a_bad_trial_is_refused_by_a_real_process(tmp_path: Path) -> None:
    name = min(MANIFEST)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(_memory(MANIFEST[name]) or {})}
    out = tmp_path / name
    command = [sys.executable, "-m", "securebase", "trial", str(CORPUS / f"{name}.toml"), "--out", str(out),
               "--no-progress"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    _refused_in_one_line(name, done, out)


EXAMPLE = REPO / "examples" / "trial-home-visiting.toml"
NO_POWER = REPO / "examples" / "trial-placement-age.toml"
#: each bad size option (trial file, options) with what its one line must say
BAD_OPTIONS = {
    "n-per-arm-zero": (EXAMPLE, ["--n-per-arm", "0"], "--n-per-arm has value 0; expected a whole number from 1"),
    "n-per-arm-word": (EXAMPLE, ["--n-per-arm", "many"], "--n-per-arm has value 'many'; expected a whole number"),
    "replicates-negative": (EXAMPLE, ["--replicates", "-4"], "--replicates has value -4; expected a whole number"),
    "replicates-without-power": (NO_POWER, ["--replicates", "5"], "has no [power] table"),
}


def test_each_bad_size_option_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    for name, (path, options, expected) in BAD_OPTIONS.items():
        done = trial(str(path), *options, "--out", str(tmp_path / name))
        assert done.returncode == 2, (name, done.stderr)
        assert "Traceback" not in done.stderr, name
        lines = done.stderr.splitlines()
        assert len(lines) == 1, (name, done.stderr)
        assert lines[0].startswith("securebase: error: "), (name, done.stderr)
        assert expected in lines[0], (name, lines[0])
        assert not (tmp_path / name).exists(), name


def test_the_size_options_replace_the_files_sizes() -> None:
    def dry_run(*options: str) -> str:
        done = trial(str(EXAMPLE), "--dry-run", *options)
        assert done.returncode == 0, done.stderr
        return done.stdout

    written = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert f"{written['n_per_arm']:,} children per arm" in dry_run()
    assert "37 children per arm" in dry_run("--n-per-arm", "37")
    quick = dry_run("--quick")
    assert "200 children per arm" in quick
    assert "a power curve at 25, 50, 100 per arm, 10 replicates" in quick
    both = dry_run("--quick", "--n-per-arm", "60", "--replicates", "3")
    assert "60 children per arm" in both
    assert "100 per arm, 3 replicates" in both
