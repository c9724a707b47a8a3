"""Shared fixtures: the quick studies (run once a session), the size of the slow tests, the property tests' examples."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Self

import pytest
from helpers import SLOW_SIZE_KEY, QuickStudies, small
from hypothesis import settings

from securebase.scenario import Scenario

#: the sizes of the tests marked slow: "small" by default (CI), "full" when asked for
SLOW_SIZES = ("small", "full")
SLOW_SIZE_VARIABLE = "SECUREBASE_SLOW_SIZE"

# The property tests draw the same examples on every machine and every run, so the suite gives the same verdict
# everywhere (a random search once failed on a user's machine while CI passed); no example database either, as
# examples saved from earlier runs would differ between machines. A counterexample a search finds is kept in its
# test as an explicit @example. To search new examples: pytest --hypothesis-profile explore -m property
settings.register_profile("fixed", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, print_blob=True)
settings.load_profile("fixed")


@pytest.fixture(scope="module")
def one_numba_thread():
    """Small populations on one thread: the numbers do not depend on it, and a busy machine runs them faster."""
    import numba

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(threads)


@pytest.fixture
def tiny_school_year() -> Scenario:
    return small("school-year", n_children=200, days=20, start_age_years=0.5)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow-size",
        default=None,
        help=(
            "population size of the tests marked slow: 'small' (the default, what CI runs) or 'full' "
            f"(larger populations, minutes more); also ${SLOW_SIZE_VARIABLE}"
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    size = config.getoption("--slow-size") or os.environ.get(SLOW_SIZE_VARIABLE) or "small"
    if size not in SLOW_SIZES:
        raise pytest.UsageError(f"--slow-size (or ${SLOW_SIZE_VARIABLE}) is {size!r}; expected one of {SLOW_SIZES}")
    config.stash[SLOW_SIZE_KEY] = size
    os.environ[SLOW_SIZE_VARIABLE] = size  # for sizes read when a test module is imported (Hypothesis settings)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every Hypothesis test is a property test: ``-m property`` selects them (``-m "not property"`` leaves them)."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)


def pytest_report_header(config: pytest.Config) -> str:
    return f"slow tests at the {config.stash[SLOW_SIZE_KEY]} size (--slow-size full for the larger populations)"


@pytest.fixture(scope="session")
def slow_size(request: pytest.FixtureRequest) -> str:
    """'small' or 'full': the population size a test marked slow runs at (see --slow-size)."""
    return request.config.stash[SLOW_SIZE_KEY]


#: the PostgreSQL server the database tests also run on (.ci/postgres start prints a URL for it); unset: SQLite only
TEST_DATABASE_VARIABLE = "SECUREBASE_TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases for one test, on each engine the web app supports: new SQLite files always, and new
    databases on the PostgreSQL server that $SECUREBASE_TEST_DATABASE_URL names (dropped afterwards). Without that
    variable the PostgreSQL case skips, except under CI=true, where it fails (CI must test both)."""
    if request.param == "sqlite":
        files = iter(range(1_000))
        yield lambda: f"sqlite:///{tmp_path / f'test-{next(files)}.sqlite'}"
        return
    with _PostgreSQLDatabases() as databases:
        yield databases.new


@pytest.fixture
def database_url(new_database: Callable[[], str]) -> str:
    """An empty database for one test, on SQLite and on PostgreSQL (see new_database)."""
    return new_database()


class _PostgreSQLDatabases:
    def __enter__(self) -> Self:
        server = os.environ.get(TEST_DATABASE_VARIABLE)
        if not server:
            missing = f"${TEST_DATABASE_VARIABLE} is not set (.ci/postgres start starts a server and prints its URL)"
            if os.environ.get("CI") == "true":
                pytest.fail(f"PostgreSQL tests cannot run under CI: {missing}")
            pytest.skip(f"PostgreSQL: {missing}")
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.server, self.names = make_url(server), []
        self.admin = create_engine(server, isolation_level="AUTOCOMMIT")
        return self

    def new(self) -> str:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        name = f"securebase_test_{secrets.token_hex(6)}"
        try:
            with self.admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except SQLAlchemyError as error:
            shown = self.server.render_as_string(hide_password=True)
            pytest.fail(f"${TEST_DATABASE_VARIABLE} is {shown}, where no database can be made: {error}")
        self.names.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def __exit__(self, *_: object) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:  # FORCE: a connection a failed test left open does not keep one
            for name in self.names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


# ---- the quick studies, once a session -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def quick_study() -> QuickStudies:
    """Each quick study run once a session (see :class:`QuickStudies`)."""
    return QuickStudies()


# ---- validate on the shipped constants, once a session ---------------------------------------------------------


@pytest.fixture(scope="session")
def shipped_validation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`securebase validate --n 100` on the shipped constants, run once a session: (its --out folder, its output).
    test_calibration.py checks what it writes and test_calibration_input.py compares another calibration's figures
    with it. A shared folder must not be changed by a test."""
    from click.testing import CliRunner

    from securebase.cli import main

    out = tmp_path_factory.mktemp("validate") / "shipped"
    result = CliRunner().invoke(main, ["validate", "--n", "100", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output
