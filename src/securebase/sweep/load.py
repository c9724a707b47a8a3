"""Reading sweep files: TOML in, a validated Sweep out (every point a valid scenario), or one clear paragraph of error."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from securebase.scenario.load import ScenarioError, load_scenario, preset_scenarios, read_spec
from securebase.scenario.schema import Scenario
from securebase.sizing import TooLarge, check_runs
from securebase.sweep.overrides import PathError, apply, scenario_data, with_overrides
from securebase.sweep.points import Point, Task, count_points, expand, tasks
from securebase.sweep.spec import SweepSpec


class SweepError(ScenarioError):
    """A sweep that cannot be used or run; the message names the field, the value and what was expected."""


@dataclass(frozen=True)
class Sweep:
    """A sweep ready to run: its spec, its base scenario, and the scenario of each point."""

    spec: SweepSpec
    scenario: Scenario
    points: list[Point]
    scenarios: list[Scenario]  # by point index

    @cached_property  # once: a sweep may have a million runs
    def tasks(self) -> list[Task]:
        return tasks(self.spec, self.points)

    @property
    def runs(self) -> int:
        """Points x seeds, counted without making the tasks."""
        return len(self.points) * self.spec.seed_count


def load_sweep(path: str | Path) -> Sweep:
    """A sweep file, validated down to every point's scenario (raises SweepError)."""
    path = Path(path)
    spec, _, origin = read_spec(path, SweepSpec, "sweep", SweepError)
    return build_sweep(spec, base_folder=path.parent, origin=origin)


def build_sweep(spec: SweepSpec, base_folder: Path = Path(), origin: str = "sweep") -> Sweep:
    """A validated spec made ready: its scenario loaded (from ``base_folder`` when a path) and every point built."""
    source = spec.scenario if spec.scenario in preset_scenarios() else base_folder / spec.scenario
    try:
        scenario = load_scenario(source)
    except ScenarioError as error:
        raise SweepError(f"{origin} is not valid: field 'scenario': {error}") from None
    data = scenario_data(scenario)
    for i, parameter in enumerate(spec.parameters):
        probe = parameter.values[0] if parameter.values else parameter.low
        try:
            apply(data, {parameter.path: probe})
        except PathError as error:
            raise SweepError(
                f"{origin} is not valid: field 'parameters[{i}].path' has value {parameter.path!r}; "
                f"expected a path into scenario '{scenario.name}' ({error})."
            ) from None
    try:  # before building them: a million points, or runs (points x seeds), would fill the memory silently
        check_runs(count_points(spec), spec.seed_count)
    except TooLarge as error:
        raise SweepError(f"{origin} is too large: {error}.") from None
    points = expand(spec)
    scenarios = []
    for point in points:
        shown = ", ".join(f"{path} = {value!r}" for path, value in point.values.items())
        try:
            scenarios.append(with_overrides(scenario, point.values, origin=f"its point {point.index} ({shown})"))
        except ScenarioError as error:
            raise SweepError(f"{origin} is not valid: {error}") from None
    return Sweep(spec=spec, scenario=scenario, points=points, scenarios=scenarios)
