"""Test helpers: small scenarios built in code."""

from __future__ import annotations

import securebase
from securebase.plotting import figure_png, subplots
from securebase.scenario import Scenario, load_scenario

#: the shipped calibration: the constants the tests run on unless a test says otherwise
SHIPPED = securebase.default_calibration()

#: a tiny valid scenario file (runs in a second or two); tests of bad files change one thing in it
TINY_SCENARIO = """\
name = "tiny"
seed = 1

[population]
n_children = 50
start_age_years = 0.2

[[figures]]
name = "parent"
role = "parent"
caregiving = "normative"
availability = { home = 0.9, school = 0.0 }

[schedule]
days = 10
episodes_per_day = 8
"""


def small(name: str, n_children: int = 300, days: int | None = None, **population: object) -> Scenario:
    """A built-in scenario cut down to a test size."""
    scenario = load_scenario(name)
    update_population = {"n_children": n_children, **population}
    update = {"population": scenario.population.model_copy(update=update_population)}
    if days is not None:
        update["schedule"] = scenario.schedule.model_copy(update={"days": days})
    return scenario.model_copy(update=update)


def one_figure(
    caregiving: dict | str,
    n_children: int = 300,
    days: int = 120,
    start_age_years: float = 0.0,
    episodes_per_day: int = 8,
) -> Scenario:
    """A population living with a single parent whose caregiving is given in full."""
    return Scenario(
        name="test",
        population={"n_children": n_children, "start_age_years": start_age_years},
        figures=[{"name": "parent", "caregiving": caregiving, "availability": {"home": 0.9}}],
        schedule={"days": days, "episodes_per_day": episodes_per_day},
    )


def tiny_png() -> bytes:
    """A small figure as PNG bytes, for a study result made by hand."""
    fig, ax = subplots()
    ax.plot([0, 1], [0, 1])
    return figure_png(fig)


def clear_of_zero(finding) -> bool:
    """The finding's 95% interval excludes zero on the side its claim predicts: the model's direction, whatever
    its size (the verdict also asks for the minimum effect that would matter, docs/studies.md)."""
    near = min(finding.estimate.low * finding.expected, finding.estimate.high * finding.expected)
    return bool(near > 0)
