"""securebase: a population-scale model of the secure base system of attachment theory.

The common tasks are one line::

    import securebase
    results = securebase.simulate(securebase.load_scenario("school-year"), seed=1)
    results.summary  # one row per day
"""

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
