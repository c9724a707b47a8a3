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
