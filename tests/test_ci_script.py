"""CI's script runs the README's test command exactly, with a PostgreSQL server of its own for the database tests."""

from __future__ import annotations

import re
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
