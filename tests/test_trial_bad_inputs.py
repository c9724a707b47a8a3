"""Bad trial files (tests/data/bad_trials/): each refused by a real `securebase trial` process with exit 2, one
line 'securebase: error: ...' naming the field, the value and what was expected, no traceback, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "data" / "bad_trials"
MANIFEST = tomllib.loads((CORPUS / "_manifest.toml").read_text(encoding="utf-8"))


def test_the_manifest_names_every_bad_trial_and_no_other() -> None:
    assert {p.stem for p in CORPUS.glob("*.toml") if not p.name.startswith("_")} == set(MANIFEST)


def test_each_bad_trial_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    processes = {}
    for name, case in sorted(MANIFEST.items()):  # all at once: each is a fresh interpreter's start-up
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        if "memory" in case:  # the machine the estimate is compared with (any real machine has less than 38 GB free)
            env["SECUREBASE_MEMORY_AVAILABLE"] = str(case["memory"])
        command = [sys.executable, "-m", "securebase", "trial", str(CORPUS / f"{name}.toml"), "--out",
                   str(tmp_path / name), "--no-progress"]  # fmt: skip
        processes[name] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    for name, process in processes.items():
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, (name, stderr)
        assert "Traceback" not in stderr, name
        lines = stderr.splitlines()
        assert len(lines) == 1, (name, stderr)
        assert lines[0].startswith("securebase: error: trial file "), lines[0]
        assert f"{name}.toml" in lines[0]
        assert MANIFEST[name]["fragment"] in lines[0], f"{name}: expected {MANIFEST[name]['fragment']!r} in {lines[0]}"
        assert not (tmp_path / name).exists(), name


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
    processes = {}
    for name, (path, options, _) in BAD_OPTIONS.items():
        command = [sys.executable, "-m", "securebase", "trial", str(path), *options, "--out", str(tmp_path / name)]
        processes[name] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for name, process in processes.items():
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, (name, stderr)
        lines = stderr.splitlines()
        assert len(lines) == 1, (name, stderr)
        assert lines[0].startswith("securebase: error: "), (name, stderr)
        assert BAD_OPTIONS[name][2] in lines[0], (name, lines[0])
        assert not (tmp_path / name).exists(), name


def test_the_size_options_replace_the_files_sizes() -> None:
    def dry_run(*options: str) -> str:
        command = [sys.executable, "-m", "securebase", "trial", str(EXAMPLE), "--dry-run", *options]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
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
