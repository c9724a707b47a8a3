"""Reading scenario files: TOML in, a validated Scenario out, or one clear paragraph of error."""

from __future__ import annotations

import math
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from securebase.scenario.caregiving import UnknownPresetError, resolve
from securebase.scenario.schema import Caregiving, FieldError, Scenario

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
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(f"scenario file '{path}' cannot be read ({error.strerror or error}).") from None
    text = decode_text(raw, f"scenario file '{path}'")
    return parse_scenario(text, origin=f"scenario file '{path}'")


Spec = TypeVar("Spec", bound=BaseModel)


def read_spec(path: Path, model: type[Spec], kind: str, error: type[ScenarioError]) -> tuple[Spec, bytes, str]:
    """A ``kind`` file ('sweep', 'trial') read and validated as ``model``: (the spec, its bytes, its origin for
    messages); any failure is one ``error`` naming the file and, for a bad field, the field, value and expected."""
    origin = f"{kind} file '{path}'"
    try:
        raw = path.read_bytes()
    except OSError as problem:
        raise error(f"{origin} cannot be read ({problem.strerror or problem}).") from None
    data = read_toml(decode_text(raw, origin, error), origin, error)
    try:
        spec = model(**data)
    except ValidationError as problem:
        raise error(f"{origin} is not valid: {describe(problem, model, data)}") from None
    return spec, raw, origin


#: the most levels of tables and arrays a file may nest (a scenario has five; a sweep four)
MAX_DEPTH = 10

_BOMS = {b"\xef\xbb\xbf": "a UTF-8", b"\xff\xfe": "a UTF-16", b"\xfe\xff": "a UTF-16"}


def decode_text(raw: bytes, origin: str, error: type[ScenarioError] = ScenarioError) -> str:
    """The UTF-8 text of a file, or ``error`` naming a byte-order mark or the first byte that is not UTF-8."""
    for bom, kind in _BOMS.items():
        if raw.startswith(bom):
            raise error(
                f"{origin} starts with {kind} byte-order mark (BOM, bytes {bom.hex(' ').upper()}); "
                "expected TOML text in UTF-8 without a BOM (save it as 'UTF-8', not 'UTF-8 with BOM' or UTF-16)."
            )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise error(
            f"{origin} is not a text file in UTF-8 (byte {bad.start}, 0x{raw[bad.start]:02X}, is not valid UTF-8); "
            "expected a TOML file saved as UTF-8."
        ) from None


def read_toml(text: str, origin: str, error: type[ScenarioError] = ScenarioError) -> dict[str, Any]:
    """TOML text into a dict, or ``error``: a syntax error with its line, or nesting deeper than MAX_DEPTH."""
    if "\x00" in text:
        raise error(f"{origin} contains NUL bytes; expected a TOML text file.")
    if text.startswith("\ufeff"):
        raise error(f"{origin} starts with a byte-order mark (BOM, U+FEFF); expected TOML text without one.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as bad:
        raise error(f"{origin} is not valid TOML: {bad}{_line_of(text, str(bad))}.") from None
    except RecursionError:
        raise error(
            f"{origin} is nested too deeply (tables or arrays inside one another, hundreds of levels); "
            f"expected at most {MAX_DEPTH} levels."
        ) from None
    deep = _too_deep(data)
    if deep is not None:
        raise error(
            f"{origin} is nested too deeply: field '{deep}' is more than {MAX_DEPTH} levels of tables or arrays "
            f"down; expected at most {MAX_DEPTH} levels."
        )
    return data


def _too_deep(data: dict[str, Any]) -> str | None:
    """The location of the first value deeper than MAX_DEPTH levels (iteratively: no recursion to exhaust)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            return where
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            if isinstance(item, dict | list):
                inner = f"{where}[{key}]" if isinstance(key, int) else (f"{where}.{key}" if where else str(key))
                stack.append((item, inner, depth + 1))
    return None


def parse_scenario(text: str, origin: str = "scenario") -> Scenario:
    """Validate TOML text into a Scenario, resolving caregiving presets."""
    data = read_toml(text, origin)
    if not data:
        raise ScenarioError(
            f"{origin} is empty; expected at least 'name', [population], [[figures]] and [schedule] "
            "(see the built-in scenarios with `securebase scenarios`)."
        )
    return scenario_from_data(data, origin)


def scenario_from_data(data: dict[str, Any], origin: str = "scenario") -> Scenario:
    """Validate a scenario's TOML data (a dict) into a Scenario, resolving caregiving presets."""
    try:
        scenario = Scenario(**data)
    except ValidationError as error:
        raise ScenarioError(f"{origin} is not valid: {describe(error, Scenario, data)}") from None
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


def _line_of(text: str, message: str) -> str:
    """The offending line of a TOML syntax error, quoted (empty when the message gives no line)."""
    found = re.search(r"at line (\d+)", message)
    lines = text.splitlines()
    if not found or not 1 <= int(found.group(1)) <= len(lines):
        return ""
    return f": {lines[int(found.group(1)) - 1].strip()[:80]!r}"


#: what a value of the wrong kind should have been, by pydantic's error ``type`` (the documented list:
#: https://docs.pydantic.dev/latest/errors/validation_errors/)
_KINDS = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "an array",
    "tuple_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
}
#: the bound errors: pydantic's ``type`` -> (the ``ctx`` key holding the bound, the words before it)
_BOUNDS = {
    "greater_than": ("gt", "a value greater than"),
    "greater_than_equal": ("ge", "a value greater than or equal to"),
    "less_than": ("lt", "a value less than"),
    "less_than_equal": ("le", "a value less than or equal to"),
    "multiple_of": ("multiple_of", "a multiple of"),
}


def _walk(loc: tuple[Any, ...], data: Any, missing: bool = False) -> tuple[tuple[Any, ...], bool]:
    """The part of ``loc`` the user wrote (the keys and indices found in ``data``, the file's parsed TOML), and
    whether ``loc`` ends in a part that is not in the file: pydantic's name for a branch of a union or a
    validator, whatever it calls it. For a ``missing`` field the last part is the absent key itself."""
    path: list[Any] = []
    current: Any = data
    last_is_tag = False
    for index, part in enumerate(loc):
        in_table = isinstance(current, dict) and part in current
        if in_table or (isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)):
            path.append(part)
            current, last_is_tag = current[part], False
        elif missing and index == len(loc) - 1:
            path.append(part)
            last_is_tag = False
        else:
            last_is_tag = True
    return tuple(path), last_is_tag


def _location(path: tuple[Any, ...]) -> str:
    """The dotted path as written in TOML: ``figures[0].caregiving.warmth``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _join(where: str, field: str) -> str:
    if not field or not where:
        return where or field
    return where + field if field.startswith("[") else f"{where}.{field}"


def _allowed_fields(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """Field names of the table that holds the last part of ``path`` (through lists and unions)."""
    current: Any = model
    for part in path[:-1]:
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


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _number(bound: Any) -> str:
    """A bound as people write it: 1 for 1.0, 0.25 for 0.25."""
    if isinstance(bound, float) and bound.is_integer() and abs(bound) < 1e15:
        return str(int(bound))
    return str(bound)


def _expected(item: dict[str, Any]) -> str:
    """What the field should have held, from the error's ``type`` and ``ctx`` (never from its English ``msg``,
    which is shown as it is only for a type this does not know)."""
    kind, value, ctx = item["type"], item.get("input"), item.get("ctx") or {}
    if isinstance(value, float) and not math.isfinite(value):
        return "a finite number" + (f" ({_expected({**item, 'input': 0.0})})" if kind != "finite_number" else "")
    if kind in _KINDS:
        return _KINDS[kind]
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{words} {_number(ctx[key])}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        items = f"{least} item{'s' if least != 1 else ''}"
        return f"an array of at least {items} (it is empty)" if not value else f"an array of at least {items}"
    if kind == "too_long":
        return f"an array of at most {ctx.get('max_length')} items (it has {ctx.get('actual_length')})"
    if kind == "string_too_short":
        return f"a string of at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"a string of at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return f"a string matching pattern '{ctx.get('pattern')}'"
    if kind in ("literal_error", "enum"):
        return str(ctx.get("expected"))
    if kind == "finite_number":
        return "a finite number"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        text = str(ctx["error"])
        return text[:1].lower() + text[1:]
    return f"a valid value ({item['msg']})"


def describe(error: ValidationError, model: type[BaseModel], data: dict[str, Any]) -> str:
    """One paragraph naming each bad field (its path as written in the file, ``data``), its value and what was
    expected, built from pydantic's documented error fields (``loc``, ``type``, ``ctx``, ``input``)."""
    items = error.errors(include_url=False)
    walked = [_walk(item["loc"], data, missing=item["type"] == "missing") for item in items]
    # An error that only says the value is of another kind than one branch of a union expects
    wrong_branch = [item["type"] in _KINDS and tag for item, (_, tag) in zip(items, walked, strict=True)]
    # A union reports every branch; where one branch got further than "wrong kind of value", the
    # "wrong kind" errors of the other branches say nothing useful. Where none did, they are joined.
    deeper = {path for (path, _), wrong in zip(walked, wrong_branch, strict=True) if not wrong}
    deeper = {path[:i] for path in deeper for i in range(len(path) + 1)}
    kinds: dict[str, list[str]] = {}
    for item, (path, _), wrong in zip(items, walked, wrong_branch, strict=True):
        if wrong and path not in deeper:
            kinds.setdefault(_location(path), []).append(_KINDS[item["type"]])
    parts = []
    seen = set()
    for item, (path, _), wrong in zip(items, walked, wrong_branch, strict=True):
        where = _location(path)
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            where = _join(where, cause.field)
        if where in seen or (wrong and path in deeper):
            continue
        seen.add(where)
        shown = where or "(top level)"
        if isinstance(cause, FieldError):
            parts.append(f"field '{shown}' has {cause.shown}; expected {cause.expected}")
        elif item["type"] == "extra_forbidden":
            allowed = _allowed_fields(model, path)
            hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
            parts.append(f"field '{shown}' is not a known field{hint}")
        elif item["type"] == "missing":
            parts.append(f"field '{shown}' is required but missing")
        elif where in kinds:
            expected = " or ".join(dict.fromkeys(kinds[where]))
            parts.append(f"field '{shown}' has value {_shown(item.get('input'))}; expected {expected}")
        else:
            parts.append(f"field '{shown}' has value {_shown(item.get('input'))}; expected {_expected(item)}")
    return "; ".join(parts) + "."
