"""Shared fixtures."""

from __future__ import annotations

import os

import pytest
from helpers import small
from hypothesis import settings

from securebase.scenario import Scenario

#: the sizes of the tests marked slow: "small" by default (CI), "full" when asked for
SLOW_SIZES = ("small", "full")
SLOW_SIZE_VARIABLE = "SECUREBASE_SLOW_SIZE"
_SLOW_SIZE = pytest.StashKey[str]()

# In CI the property tests draw the same examples every run (reproducible verdicts);
# locally they explore new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


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
    config.stash[_SLOW_SIZE] = size


def pytest_report_header(config: pytest.Config) -> str:
    return f"slow tests at the {config.stash[_SLOW_SIZE]} size (--slow-size full for the larger populations)"


@pytest.fixture(scope="session")
def slow_size(request: pytest.FixtureRequest) -> str:
    """'small' or 'full': the population size a test marked slow runs at (see --slow-size)."""
    return request.config.stash[_SLOW_SIZE]
