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


ADDRESSES = ["tcp://host:notaport", "not an address", "tcp://host:99999", "tcp://", "nowhere://x"]
SWEEP = CORPUS.parent.parent.parent / "examples" / "sweep-warmth.toml"


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_malformed_scheduler_address_fails_at_once_and_cleanly(
    address: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before any connection is tried: Dask would try a malformed address for a while (20 s), so the client
    is replaced by one that fails the test if it is ever made."""
    import distributed

    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a connection to {address!r} was tried")

    monkeypatch.setattr(distributed, "Client", no_connection)
    out = tmp_path / "o"
    done = CliRunner().invoke(main, ["sweep", str(SWEEP), "--out", str(out), "--scheduler", address])
    assert done.exit_code == 2, done.output
    assert done.stderr.startswith("securebase: error: --scheduler"), done.stderr
    assert repr(address) in done.stderr
    assert "Traceback" not in done.output
    assert len(done.stderr.splitlines()) == 1
    assert not out.exists()


def test_a_malformed_scheduler_address_ends_the_process_cleanly(tmp_path: Path) -> None:
    """What only a process shows: nothing more on stderr as the interpreter exits (Dask's clean-up once printed
    errors there after the command had failed)."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "securebase", "sweep", str(SWEEP), "--out", str(tmp_path / "o")]
    done = subprocess.run(
        [*command, "--scheduler", ADDRESSES[0]], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("securebase: error: --scheduler"), done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "o").exists()
