"""CI's script runs the README's test command exactly, with a PostgreSQL server of its own for the database tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readmes_test_command_after_starting_postgresql() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"Run the tests \(ruff, then pytest\):\n\n```bash\n(.+)\n```", readme).group(1)
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert script[-1] == command
    started = script.index('SECUREBASE_TEST_DATABASE_URL="$(.ci/postgres start)"')
    assert script[started + 1] == "export SECUREBASE_TEST_DATABASE_URL"
    assert started < len(script) - 1
    assert any(line.startswith("trap '.ci/postgres stop'") for line in script)
    postgres = (ROOT / ".ci" / "postgres").read_text(encoding="utf-8")
    assert "apt-get install -y postgresql" in postgres  # Debian's, when absent
    assert "postgresql+psycopg://" in postgres


def _database_test_without_postgresql(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "SECUREBASE_TEST_DATABASE_URL")}
    if ci is not None:
        env["CI"] = ci
    test = "tests/test_backup.py::test_a_backup_from_sqlite_restores_into_either_database[postgresql]"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


def test_a_missing_postgresql_skips_here_and_fails_under_ci() -> None:
    here = _database_test_without_postgresql(None)
    assert here.returncode == 0, here.stdout[-2000:]
    assert "1 skipped" in here.stdout
    ci = _database_test_without_postgresql("true")
    assert ci.returncode == 1, ci.stdout[-2000:]
    assert "PostgreSQL tests cannot run under CI: $SECUREBASE_TEST_DATABASE_URL is not set" in ci.stdout
