"""Shared fixtures."""

from __future__ import annotations

import pytest
from helpers import small

from securebase.scenario import Scenario


@pytest.fixture
def tiny_school_year() -> Scenario:
    return small("school-year", n_children=200, days=20, start_age_years=0.5)
