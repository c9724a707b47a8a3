"""Setting a sweep point's values in a scenario: dotted paths into the scenario's data, then the usual validation.

A path names tables and fields as the scenario file does (``population.n_children``,
``schedule.school.days_per_week``); a figure by its name (``figures.parent.caregiving.warmth``);
an event or other list item by its index (``events.0.day``). A caregiving preset name
on the way becomes ``{ preset = NAME }``, so a trait can be set on top of it; a trait
given as a number becomes ``{ mean = NUMBER }`` when the path goes on to ``mean`` or ``sd``.
"""

from __future__ import annotations

import copy
from typing import Any

from securebase.scenario.load import ScenarioError, scenario_from_data
from securebase.scenario.schema import Scenario
from securebase.sweep.spec import Value


class PathError(ValueError):
    """A path that does not lead into the scenario; the message says where it stops and what was expected."""


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the data of a TOML file, every default filled in (so a path finds every table)."""
    return scenario.model_dump(mode="json", exclude_none=True)


def apply(data: dict[str, Any], overrides: dict[str, Value]) -> dict[str, Any]:
    """A copy of ``data`` with each path set to its value (raises PathError for a path that leads nowhere)."""
    data = copy.deepcopy(data)
    for path, value in overrides.items():
        _set(data, path, value)
    return data


def with_overrides(scenario: Scenario, overrides: dict[str, Value], origin: str) -> Scenario:
    """The scenario with each path set to its value, validated as a scenario file would be.

    Raises ScenarioError naming the scenario field, the value and what was expected.
    """
    try:
        data = apply(scenario_data(scenario), overrides)
    except PathError as error:
        raise ScenarioError(f"{origin}: {error}.") from None
    return scenario_from_data(data, origin=origin)


def _set(data: dict[str, Any], path: str, value: Value) -> None:
    parts = path.split(".")
    current: Any = data
    for depth, part in enumerate(parts[:-1]):
        here = ".".join(parts[: depth + 1])
        key, child = _child(current, part, here)
        following = parts[depth + 1]
        if child is None:
            child = {}
        elif isinstance(child, str) and part == "caregiving":
            child = {"preset": child}
        elif isinstance(child, int | float) and not isinstance(child, bool) and following in ("mean", "sd"):
            child = {"mean": child}
        elif not isinstance(child, dict | list):
            raise PathError(f"path '{path}' goes on past '{here}', which holds the value {child!r}, not a table")
        current[key] = child
        current = child
    key, _ = _child(current, parts[-1], path)
    current[key] = value


def _child(current: dict[str, Any] | list[Any], part: str, here: str) -> tuple[Any, Any]:
    """The key (or index) of ``part`` in ``current`` and what is there (None when a table lacks it)."""
    if isinstance(current, dict):
        return part, current.get(part)
    names = [item.get("name") for item in current if isinstance(item, dict)]
    if names and all(isinstance(n, str) for n in names) and len(names) == len(current):
        if part not in names:
            raise PathError(f"path part '{here}' names no item; expected one of: {', '.join(names)}")
        index = names.index(part)
        return index, current[index]
    if not part.isdigit() or int(part) >= len(current):
        raise PathError(
            f"path part '{here}' is not an index of this list of {len(current)}; "
            f"expected a number from 0 to {len(current) - 1}"
            if current
            else f"path part '{here}' points into an empty list"
        )
    return int(part), current[int(part)]
