"""Which kind of securebase file a TOML file is (a scenario, a sweep or a trial), told by its top-level keys.

The keys that only one kind's schema has decide (a scenario's ``figures`` and ``schedule``, a sweep's ``seeds`` and
``parameters``, a trial's ``arms`` and ``analysis``...); keys the kinds share (``name``, ``population``...) do not.
Each kind's loader then validates the file and reports any error in it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from securebase.scenario.load import ScenarioError, decode_text, read_toml
from securebase.scenario.schema import Scenario
from securebase.sweep.spec import SweepSpec
from securebase.trials.spec import TrialSpec

#: each kind's schema, in the order they are named in messages
SCHEMAS: dict[str, type[BaseModel]] = {"scenario": Scenario, "sweep": SweepSpec, "trial": TrialSpec}


def own_keys(kind: str) -> list[str]:
    """The top-level keys of ``kind`` that no other kind has."""
    others = {key for other, schema in SCHEMAS.items() if other != kind for key in schema.model_fields}
    return [key for key in SCHEMAS[kind].model_fields if key not in others]


def expected_keys() -> str:
    """What each kind needs at the top level, for messages."""
    needed = {
        kind: ", ".join(key for key, field in schema.model_fields.items() if field.is_required())
        for kind, schema in SCHEMAS.items()
    }
    return f"a scenario ({needed['scenario']}), a sweep ({needed['sweep']}) or a trial ({needed['trial']})"


def file_kind(path: Path) -> str:
    """'scenario', 'sweep' or 'trial': the kind whose own keys ``path`` has the most of (raises ScenarioError for a
    file that cannot be read as TOML, and for one with none of the kinds' own keys or as many of two kinds')."""
    origin = f"file '{path}'"
    try:
        raw = path.read_bytes()
    except OSError as problem:
        raise ScenarioError(f"{origin} cannot be read ({problem.strerror or problem}).") from None
    data = read_toml(decode_text(raw, origin), origin)
    if not data:
        raise ScenarioError(f"{origin} is empty; expected the top-level keys of {expected_keys()}.")
    found = {kind: [key for key in own_keys(kind) if key in data] for kind in SCHEMAS}
    most = max(len(keys) for keys in found.values())
    likely = [kind for kind, keys in found.items() if keys and len(keys) == most]
    if len(likely) == 1:
        return likely[0]
    if likely:
        shown = " and ".join(f"of a {kind} ({', '.join(found[kind])})" for kind in likely)
        raise ScenarioError(f"{origin} has top-level keys {shown}; expected the keys of one kind: {expected_keys()}.")
    raise ScenarioError(
        f"{origin} has top-level keys {', '.join(data)}, which do not say what it is; "
        f"expected the top-level keys of {expected_keys()}."
    )
