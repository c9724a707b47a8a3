"""Reading scenario files: TOML in, a validated Scenario out, or one clear paragraph of error."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from securebase.scenario.caregiving import UnknownPresetError, resolve
from securebase.scenario.schema import Caregiving, Scenario

DEFAULT_SCENARIO = "school-year"


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message names the field, the value and what was expected."""


def preset_scenarios() -> list[str]:
    folder = resources.files("securebase.scenario").joinpath("presets/scenarios")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_scenario(source: str | Path | None = None) -> Scenario:
    """A built-in scenario by name, or a TOML file by path (the default scenario when None)."""
    source = DEFAULT_SCENARIO if source is None else source
    if isinstance(source, str) and source in preset_scenarios():
        text = resources.files("securebase.scenario").joinpath(f"presets/scenarios/{source}.toml").read_text("utf-8")
        return parse_scenario(text, origin=f"built-in scenario '{source}'")
    path = Path(source)
    if not path.is_file():
        raise ScenarioError(
            f"scenario '{source}' is neither a file nor a built-in scenario; "
            f"expected a path to a .toml file or one of: {', '.join(preset_scenarios())}."
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"scenario file '{path}' is not a text file (byte {error.start} is not UTF-8); "
            "expected a TOML scenario file."
        ) from None
    return parse_scenario(text, origin=f"scenario file '{path}'")


def parse_scenario(text: str, origin: str = "scenario") -> Scenario:
    """Validate TOML text into a Scenario, resolving caregiving presets."""
    if "\x00" in text:
        raise ScenarioError(f"{origin} contains NUL bytes; expected a TOML text file.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{origin} is not valid TOML: {error}.") from None
    if not data:
        raise ScenarioError(
            f"{origin} is empty; expected at least 'name', [population], [[figures]] and [schedule] "
            "(see the built-in scenarios with `securebase scenarios`)."
        )
    try:
        scenario = Scenario(**data)
    except ValidationError as error:
        raise ScenarioError(f"{origin} is not valid: {describe(error, Scenario)}") from None
    for where, spec in _caregiving_specs(scenario):
        try:
            resolve(spec)
        except UnknownPresetError as error:
            raise ScenarioError(f"{origin} is not valid: field '{where}': {error}.") from None
    return scenario


def _caregiving_specs(scenario: Scenario) -> list[tuple[str, str | Caregiving]]:
    specs: list[tuple[str, str | Caregiving]] = [
        (f"figures[{i}].caregiving", f.caregiving) for i, f in enumerate(scenario.figures)
    ]
    specs += [(f"events[{i}].caregiving", e.caregiving) for i, e in enumerate(scenario.events) if e.caregiving]
    return specs


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("str", "Caregiving", "float", "TraitDistribution", "constrained-float") or "[" in str(part):
            continue  # pydantic's names for the branches of a union
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the table that holds ``loc`` (best effort through lists and unions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        field = current.model_fields.get(part)
        if field is None:
            continue
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def describe(error: ValidationError, model: type[BaseModel]) -> str:
    """One paragraph naming each bad field, its value and what was expected."""
    parts = []
    seen = set()
    for item in error.errors(include_url=False):
        where = _location(item["loc"])
        if where in seen:
            continue  # a union reports each branch; the first says enough
        seen.add(where)
        value = item.get("input")
        if item["type"] == "extra_forbidden":
            allowed = _allowed_fields(model, item["loc"])
            hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
            parts.append(f"field '{where}' is not a known field{hint}")
        elif item["type"] == "missing":
            parts.append(f"field '{where}' is required but missing")
        else:
            message = item["msg"].removeprefix("Value error, ")
            shown = repr(value) if not isinstance(value, dict) else "a table"
            parts.append(f"field '{where}' has value {shown[:80]}; expected: {message[0].lower() + message[1:]}")
    return "; ".join(parts) + "."
