"""Shared fixtures."""

from __future__ import annotations

import os

import pytest
from helpers import small
from hypothesis import settings

from securebase.scenario import Scenario

# In CI the property tests draw the same examples every run (reproducible verdicts);
# locally they explore new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def tiny_school_year() -> Scenario:
    return small("school-year", n_children=200, days=20, start_age_years=0.5)
