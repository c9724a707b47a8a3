"""The benchmarks' population: the built-in school year for five-year-olds (shared by every implementation)."""

from __future__ import annotations

from securebase.scenario import Scenario, load_scenario


def benchmark_scenario(n_children: int, days: int | None = None) -> Scenario:
    """The built-in school year for ``n_children`` five-year-olds, with no simulated history.

    ``days`` shortens the year (its calendar stays the same); stepping a model past the
    scenario's end works too, it only sets ``running`` to False.
    """
    scenario = load_scenario("school-year")
    population = scenario.population.model_copy(
        update={"n_children": n_children, "start_age_years": 5.0, "history": "none"}
    )
    update = {"population": population}
    if days is not None:
        update["schedule"] = scenario.schedule.model_copy(update={"days": days})
    return scenario.model_copy(update=update)
