"""Scenarios as data: the schema, caregiving presets, and loading with clear errors."""

from securebase.scenario.caregiving import caregiving_presets
from securebase.scenario.load import ScenarioError, load_scenario, parse_scenario, preset_scenarios
from securebase.scenario.schema import Scenario

__all__ = ["Scenario", "ScenarioError", "caregiving_presets", "load_scenario", "parse_scenario", "preset_scenarios"]
