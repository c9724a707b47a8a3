"""Shared test helpers: small scenarios built in code."""

from __future__ import annotations

import pytest

from securebase.scenario import Scenario, load_scenario


def small(name: str, n_children: int = 300, days: int | None = None, **population: object) -> Scenario:
    """A built-in scenario cut down to a test size."""
    scenario = load_scenario(name)
    update_population = {"n_children": n_children, **population}
    update = {"population": scenario.population.model_copy(update=update_population)}
    if days is not None:
        update["schedule"] = scenario.schedule.model_copy(update={"days": days})
    return scenario.model_copy(update=update)


@pytest.fixture
def tiny_school_year() -> Scenario:
    return small("school-year", n_children=200, days=20, start_age_years=0.5)
