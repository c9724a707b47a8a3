"""The children's state is declared once (model/state.py CHILD_STATE): the dataclass, the kernels' tuples and
new children derive from it; and the classroom's constants are part of a calibration."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.calibration.calibration import Calibration, CalibrationError
from securebase.model import state
from securebase.model.classroom import ClassroomParameters, classroom_for
from securebase.model.externalising import DEFAULT_EXTERNALISING
from securebase.model.peers import DEFAULT_PEERS
from securebase.model.school import DEFAULT_SCHOOL_EVENTS

MODEL = Path(state.__file__).parent


def test_the_dataclass_and_the_kernels_tuples_follow_the_declaration() -> None:
    names = [p.name for p in state.CHILD_STATE]
    assert len(set(names)) == len(names)
    assert list(state.Children.__dataclass_fields__) == names
    assert state.ChildArrays._fields + state.RelationshipArrays._fields == tuple(names)
    children = state.new_children(3, 2)
    child, rel = children.arrays()
    for name in names:  # the kernels' tuples are views of the very arrays, by name
        held = getattr(child, name) if name in state.CHILD_ARRAYS else getattr(rel, name)
        assert held is getattr(children, name)
    assert all(p.meaning.strip() and p.per in ("child", "relationship") and p.kind in state.KINDS
               for p in state.CHILD_STATE)  # fmt: skip


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_new_children_have_each_declared_array_at_its_default(precision: str) -> None:
    children = state.new_children(5, 3, age_days=12.5, precision=precision)
    for p in state.CHILD_STATE:
        values = getattr(children, p.name)
        assert values.shape == ((5,) if p.per == "child" else (5, 3)), p.name
        assert values.dtype == (state.KINDS[p.kind] or np.dtype(precision)), p.name
        expected = 12.5 if p.name == "age_days" else p.default
        assert np.all(values == expected), p.name
    # a relationship's working model starts where the general prior does (a newborn's)
    for name in state.PRIOR_SEEDED:
        assert np.all(getattr(children, f"prior_{name}") == state.NEWBORN_PRIOR[name])


def _fields_read(source: str, tuple_name: str) -> set[str]:
    """The attributes the model's functions read of an argument called ``tuple_name`` (child, rel)."""
    return {
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == tuple_name
    }


def test_the_kernels_read_only_declared_state() -> None:
    """Every ``child.x`` and ``rel.x`` of the model's compiled functions names a declared array."""
    read_child, read_rel = set(), set()
    for path in MODEL.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        read_child |= _fields_read(source, "child")
        read_rel |= _fields_read(source, "rel")
    assert read_child <= set(state.CHILD_ARRAYS)
    assert read_rel <= set(state.RELATIONSHIP_ARRAYS)
    assert "anxiety" in read_child
    assert "trust" in read_rel


def test_the_classroom_constants_are_part_of_a_calibration_with_their_defaults() -> None:
    # calibrated.toml, written by `securebase calibrate` since model v3's refit, holds the classroom's constants at
    # their defaults (none is fitted)
    assert SHIPPED.classroom == ClassroomParameters()
    assert SHIPPED.classroom.school == DEFAULT_SCHOOL_EVENTS
    assert SHIPPED.classroom.peers == DEFAULT_PEERS
    document = SHIPPED.document()
    document["classroom"] = {"school": {"task_rate": 0.5}, "externalising": {}}
    changed = Calibration.from_document(document, source="test")
    assert changed.classroom.school.task_rate == 0.5
    assert changed.classroom.school.peer_rate == DEFAULT_SCHOOL_EVENTS.peer_rate
    assert changed.classroom.externalising == DEFAULT_EXTERNALISING
    assert changed.constants_hash() != SHIPPED.constants_hash()
    assert Calibration.from_text(changed.to_toml()) == changed
    classroom = classroom_for(20, 10, 1, changed.classroom)
    assert classroom.school_params.task_rate == 0.5


@pytest.mark.parametrize(
    ("tables", "words"),
    [
        ({"school": {"task_rate": 1.5}}, "classroom.school: task_rate must be in [0, 1], got 1.5"),
        ({"school": {"recovery_at_school": 1}}, "classroom.school.recovery_at_school = 1; expected true or false"),
        ({"school": {"recovery_horizon_episodes": 2.5}}, "expected a whole number"),
        ({"teachers": {}}, "classroom.teachers is not a group"),
        ({"peers": {"tie_speed": 1.0}}, "classroom.peers.tie_speed is not a constant"),
    ],
)
def test_a_bad_classroom_constant_is_refused_in_one_line(tables: dict, words: str) -> None:
    document = SHIPPED.document() | {"classroom": tables}
    with pytest.raises(CalibrationError) as refused:
        Calibration.from_document(document, source="bad.toml")
    assert words in str(refused.value)
    assert "bad.toml" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_classroom_parameters_cover_every_group_of_the_array_mechanisms() -> None:
    groups = {f.name: type(f.default) for f in dataclasses.fields(ClassroomParameters)}
    assert set(groups) == {"school", "peers", "externalising", "internalising", "ability"}
