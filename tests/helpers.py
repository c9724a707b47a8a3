"""Test helpers: small scenarios built in code."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

import securebase
from securebase.plotting import figure_png, subplots
from securebase.scenario import Scenario, load_scenario

#: the shipped calibration: the constants the tests run on unless a test says otherwise
SHIPPED = securebase.default_calibration()

#: where pytest_configure (conftest.py) keeps the size of the slow tests: "small" or "full"
SLOW_SIZE_KEY = pytest.StashKey[str]()
#: the seed the study tests and the report tests read the quick studies at
STUDY_SEED = 1


def slow_size_of(config: pytest.Config) -> str:
    """The size of the slow tests, for hooks that parametrize at collection (pytest_generate_tests)."""
    return config.stash[SLOW_SIZE_KEY]


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


def share_quick_studies(patch: pytest.MonkeyPatch, quick_study: Callable[..., object]) -> None:
    """Make ``securebase report`` (everything that runs studies through ``studies.suite``) take each quick study on
    the shipped constants from the session's ``quick_study`` fixture instead of running it again; other sizes and
    constants still run. What the report adds (storing, resuming, the page, the console) is what is then tested."""
    from securebase.studies import suite

    real = suite.get_study

    def shared(name: str) -> object:
        study = real(name)

        def run(size: str, seed: int, calibration: object, progress: object) -> object:
            if size == "quick" and calibration.constants_hash() == SHIPPED.constants_hash():
                return quick_study(name, seed)
            return study.run(size, seed, calibration, progress)

        return dataclasses.replace(study, run=run)

    patch.setattr(suite, "get_study", shared)


class QuickStudies:
    """``quick_study(name, seed=1)``: the quick study's result on the shipped constants, run once a session.

    Each study's tests, the report's tests and the chaos tests' reference read the same result, so each quick
    study runs once however many tests look at it. A result is shared: a test must not change it.
    ``drawings`` maps each PNG that ``plotting.figure_png`` returned while the studies ran to the figure it drew
    (its last drawing), so a test can measure the figures a report shows.
    """

    def __init__(self) -> None:
        self.results: dict[tuple[str, int], object] = {}
        self.drawings: dict[bytes, object] = {}

    def __call__(self, name: str, seed: int = STUDY_SEED) -> object:
        if (name, seed) not in self.results:
            from securebase import plotting
            from securebase.studies import run_study

            measure = plotting.label_px

            def recorded(fig: object, png: bytes, *args: object) -> object:  # figure_png measures each drawing
                self.drawings[png] = fig
                return measure(fig, png, *args)

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(plotting, "label_px", recorded)
                self.results[name, seed] = run_study(name, SHIPPED, size="quick", seed=seed)
        return self.results[name, seed]
