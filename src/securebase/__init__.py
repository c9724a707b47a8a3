"""securebase: a population-scale model of the secure base system of attachment theory.

The common tasks are one line::

    import securebase
    results = securebase.simulate(securebase.load_scenario("school-year"), seed=1)
    results.summary  # one row per day

The model's constants come from a calibration: the shipped one by default
(:func:`default_calibration`), or any calibration file::

    results = securebase.simulate(scenario, calibration="my-calibration.toml")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from securebase.calibration.calibration import Calibration, CalibrationError
from securebase.engine.results import Results
from securebase.engine.simulation import Simulation
from securebase.engine.simulation import simulate as _simulate
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


def default_calibration() -> Calibration:
    """The calibration shipped with securebase (read on the first call, then kept): the constants every study uses."""
    return Calibration.shipped()


def load_calibration(calibration: Calibration | str | Path | None = None) -> Calibration:
    """``calibration`` as a Calibration: itself, the file at that path, or (None) the shipped one."""
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
    shipped calibration. ``kernel`` is where the step runs: 'cpu' (compiled, every core; the default),
    'cuda' (an NVIDIA GPU) or 'readable' (uncompiled, slow); ``precision`` is 'float64' or 'float32'.
    """
    params = load_calibration(calibration).params
    return _simulate(scenario, seed=seed, params=params, progress=progress, kernel=kernel, precision=precision)


def __getattr__(name: str) -> Any:
    if name == "__version__":  # from the package metadata, read when first asked (importing reads no file)
        from securebase._version import version

        return version()
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
    "parse_scenario",
    "preset_scenarios",
    "simulate",
]
