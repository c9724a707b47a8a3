"""The bad-input corpus (tests/data/bad_inputs/): every file is refused with exit 2, one line
'securebase: error: ...' holding the fragment its manifest names (field, value, expectation), and no traceback.

Scenario files go to `securebase check`, sweep files to `securebase sweep` (refused before any run).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from securebase.cli import main

CORPUS = Path(__file__).parent / "data" / "bad_inputs"
MANIFEST = tomllib.loads((CORPUS / "_manifest.toml").read_text(encoding="utf-8"))


def test_the_manifest_names_every_file_of_the_corpus_and_no_other() -> None:
    files = {path.stem for path in CORPUS.glob("*.toml") if not path.name.startswith("_")}
    assert files == set(MANIFEST)
    assert len(files) >= 60


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_a_bad_input_exits_2_with_a_clear_message(name: str, tmp_path: Path) -> None:
    case = MANIFEST[name]
    path = CORPUS / f"{name}.toml"
    if case["command"] == "check":
        args = ["check", str(path)]
    else:
        args = ["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "1", "--no-progress"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("securebase: error: ")
    assert str(path) in lines[0]
    assert case["fragment"] in lines[0], f"expected {case['fragment']!r} in:\n{lines[0]}"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", ["tcp://host:notaport", "not an address", "tcp://host:99999", "tcp://", "nowhere://x"])
def test_a_malformed_scheduler_address_fails_at_once_and_cleanly(address: str, tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    sweep = CORPUS.parent.parent.parent / "examples" / "sweep-warmth.toml"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "securebase", "sweep", str(sweep), "--out", str(tmp_path / "o"), "--scheduler", address],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("securebase: error: --scheduler"), done.stderr
    assert repr(address) in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert time.monotonic() - started < 15  # no 20 s wait for a connection that cannot be
    assert not (tmp_path / "o").exists()
