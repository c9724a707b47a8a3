"""securebase: a population-scale model of the secure base system of attachment theory.

The common tasks are one line::

    import securebase
    results = securebase.simulate(securebase.load_scenario("school-year"), seed=1)
    results.summary  # one row per day
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from securebase.engine.results import Results
    from securebase.engine.simulation import Simulation, simulate
    from securebase.model.parameters import DEFAULT_PARAMETERS, ModelParameters
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
    "Results": "securebase.engine.results",
    "Simulation": "securebase.engine.simulation",
    "simulate": "securebase.engine.simulation",
    "DEFAULT_PARAMETERS": "securebase.model.parameters",
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
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'securebase' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "BID_TYPES",
    "DEFAULT_PARAMETERS",
    "QUALITIES",
    "STRATEGIES",
    "ModelParameters",
    "Results",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "__version__",
    "caregiving_presets",
    "load_scenario",
    "parse_scenario",
    "preset_scenarios",
    "simulate",
]
