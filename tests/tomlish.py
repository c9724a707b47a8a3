"""A small TOML writer for tests (tomllib only reads): every table inline, which any TOML reader accepts."""

from __future__ import annotations

import json
import math
from typing import Any


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        if math.isinf(item):
            return "inf" if item > 0 else "-inf"
        return repr(item)
    if isinstance(item, str):
        return json.dumps(item)
    if isinstance(item, dict):
        return "{ " + ", ".join(f"{key} = {value(v)}" for key, v in item.items()) + " }"
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(v) for v in item) + "]"
    raise TypeError(f"no TOML for {item!r}")


def dumps(data: dict[str, Any]) -> str:
    """``data`` as TOML text: one ``key = value`` line per top-level key."""
    return "".join(f"{key} = {value(item)}\n" for key, item in data.items())
