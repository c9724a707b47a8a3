"""securebase: a population-scale model of the secure base system of attachment theory.

The common tasks are one line::

    import securebase
    results = securebase.simulate(securebase.load_scenario("school-year"), seed=1)
    results.summary  # one row per day

A virtual trial (arms of changes of care, measures, the analysis, a power curve) is one line too::

    securebase.run_trial("examples/trial-home-visiting.toml", out="trial-out")  # trial.html and tables

The model's constants come from a calibration: the shipped one by default
(:func:`default_calibration`), or any calibration file::

    results = securebase.simulate(scenario, calibration="my-calibration.toml")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from securebase.calibration.calibration import Calibration, CalibrationError
    from securebase.engine.results import Results
    from securebase.engine.simulation import Simulation
    from securebase.model.parameters import ModelParameters
    from securebase.model.state import BID_TYPES, QUALITIES, STRATEGIES
    from securebase.scenario import (
        Scenario,
        ScenarioError,
        caregiving_presets,
        load_scenario,
        parse_scenario,
        preset_scenarios,
    )

#: where each public name lives: imported on first use (``import securebase`` and ``securebase --help`` stay fast)
_LAZY = {
    "Calibration": "securebase.calibration.calibration",
    "CalibrationError": "securebase.calibration.calibration",
    "Results": "securebase.engine.results",
    "Simulation": "securebase.engine.simulation",
    "ModelParameters": "securebase.model.parameters",
    "BID_TYPES": "securebase.model.state",
    "QUALITIES": "securebase.model.state",
    "STRATEGIES": "securebase.model.state",
    "Scenario": "securebase.scenario",
    "ScenarioError": "securebase.scenario",
    "caregiving_presets": "securebase.scenario",
    "load_scenario": "securebase.scenario",
    "parse_scenario": "securebase.scenario",
    "preset_scenarios": "securebase.scenario",
    "load_trial": "securebase.trials",
    # the trial's page is written by the report (the interfaces' floor): this name is that module's entry point,
    # reached by name on first use so that importing securebase imports neither
    "run_trial": "securebase.report.trial",
}


def default_calibration() -> Calibration:
    """The calibration shipped with securebase (read on the first call, then kept): the constants every study uses."""
    from securebase.calibration.calibration import Calibration

    return Calibration.shipped()


def load_calibration(calibration: Calibration | str | Path | None = None) -> Calibration:
    """``calibration`` as a Calibration: itself, the file at that path, or (None) the shipped one."""
    from securebase.calibration.calibration import Calibration

    if calibration is None:
        return default_calibration()
    if isinstance(calibration, Calibration):
        return calibration
    if not isinstance(calibration, str | Path):
        raise TypeError(
            f"calibration must be a Calibration, a calibration file's path or None, not {type(calibration).__name__}"
            " (for other model constants: Calibration(params=...))"
        )
    return Calibration.load(calibration)


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    calibration: Calibration | str | Path | None = None,
    progress: bool = False,
    kernel: str = "cpu",
    precision: str = "float64",
) -> Results:
    """Run a scenario to the end and return its tables: the one-line way to use securebase.

    ``calibration`` gives the model's constants: a Calibration, a calibration file, or None for the
    shipped calibration. The scenario's ``[[measures]]`` are run on every child at their ages (the
    results' ``measurements`` table). ``kernel`` is where the step runs: 'cpu' (compiled, every core; the default),
    'cuda' (an NVIDIA GPU) or 'readable' (uncompiled, slow); ``precision`` is 'float64' or 'float32'.
    """
    from securebase.engine.simulation import Simulation
    from securebase.instruments.scheduled import schedule_measures

    calibration = load_calibration(calibration)
    simulation = Simulation(scenario, seed=seed, params=calibration.params, kernel=kernel, precision=precision,
                            classroom=calibration.classroom)  # fmt: skip
    schedule_measures(simulation, calibration.instrument_settings())  # the scenario's [[measures]], if any
    return simulation.run(progress=progress)


def __getattr__(name: str) -> Any:
    if name == "__version__":  # from the package metadata, read when first asked (importing reads no file)
        from securebase._version import version

        return version()
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'securebase' has no attribute {name!r}")


__all__ = [
    "BID_TYPES",
    "QUALITIES",
    "STRATEGIES",
    "Calibration",
    "CalibrationError",
    "ModelParameters",
    "Results",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "__version__",
    "caregiving_presets",
    "default_calibration",
    "load_calibration",
    "load_scenario",
    "load_trial",
    "parse_scenario",
    "preset_scenarios",
    "run_trial",
    "simulate",
]
