"""The calibration shipped with the package (calibrated.toml), read without importing the fit machinery."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

CALIBRATED_FILE = "calibrated.toml"


@cache
def shipped() -> dict | None:
    """The whole calibrated.toml, or None if the package ships none."""
    resource = resources.files("securebase.calibration").joinpath(CALIBRATED_FILE)
    if not resource.is_file():
        return None
    return tomllib.loads(resource.read_text("utf-8"))


def section(name: str) -> dict:
    """One section ('model', 'coding', 'instruments') of the shipped calibration; empty if none."""
    data = shipped()
    return dict(data.get(name, {})) if data else {}
