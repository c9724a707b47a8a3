"""Error messages built from pydantic's documented error fields (``loc``, ``type``, ``ctx``, ``input``): one case
per kind of error, each naming the field as written in the file, its value and what was expected.

The model here is the test's own (not the scenario's), so the messages cannot lean on the schema's names: a union
of a string and a table named anything at all reads the same (the old translation knew the scenario's union
members by name, and printed 'room.Room.size' for any other)."""

from __future__ import annotations

import copy
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from securebase.scenario.load import describe


class Room(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: float = Field(ge=0)


class House(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(ge=1)
    share: float = Field(gt=0, lt=1, allow_inf_nan=False)
    cap: float = Field(le=2.5)
    step: float = Field(multiple_of=0.5)
    flag: bool
    name: str = Field(min_length=2, max_length=5, pattern=r"^[a-z]+$")
    kind: Literal["flat", "house"]
    items: list[int] = Field(min_length=1, max_length=2)
    even: int
    room: str | Room
    rooms: list[Room]

    @field_validator("even")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("An even number of floors")
        return value


VALID: dict[str, Any] = {
    "count": 2, "share": 0.5, "cap": 1.0, "step": 1.5, "flag": True, "name": "abc", "kind": "flat",
    "items": [1], "even": 2, "room": "kitchen", "rooms": [{"size": 1.0}, {"size": 2.0}],
}  # fmt: skip

#: (error type, the field changed -> its new value, the field named, the value shown, what was expected)
CASES = [
    ("greater_than_equal", {"count": 0}, "count", "0", "a value greater than or equal to 1"),
    ("greater_than", {"share": 0.0}, "share", "0.0", "a value greater than 0"),
    ("less_than", {"share": 1.0}, "share", "1.0", "a value less than 1"),
    ("less_than_equal", {"cap": 3.0}, "cap", "3.0", "a value less than or equal to 2.5"),
    ("multiple_of", {"step": 0.3}, "step", "0.3", "a multiple of 0.5"),
    ("finite_number", {"share": float("nan")}, "share", "nan", "a finite number"),
    ("int_parsing", {"count": "many"}, "count", "'many'", "an integer"),
    ("int_from_float", {"count": 1.5}, "count", "1.5", "an integer"),
    ("float_parsing", {"cap": "lots"}, "cap", "'lots'", "a number"),
    ("bool_parsing", {"flag": "maybe"}, "flag", "'maybe'", "true or false"),
    ("string_type", {"name": 5}, "name", "5", "a string"),
    ("string_too_short", {"name": "a"}, "name", "'a'", "a string of at least 2 characters"),
    ("string_too_long", {"name": "abcdefg"}, "name", "'abcdefg'", "a string of at most 5 characters"),
    ("string_pattern_mismatch", {"name": "AB"}, "name", "'AB'", "a string matching pattern '^[a-z]+$'"),
    ("literal_error", {"kind": "castle"}, "kind", "'castle'", "'flat' or 'house'"),
    ("list_type", {"items": 5}, "items", "5", "an array"),
    ("too_short", {"items": []}, "items", "[]", "an array of at least 1 item (it is empty)"),
    ("too_long", {"items": [1, 2, 3]}, "items", "[1, 2, 3]", "an array of at most 2 items (it has 3)"),
    ("value_error", {"even": 3}, "even", "3", "an even number of floors"),
    ("union, a branch's field", {"room": {"size": -1.0}}, "room.size", "-1.0", "a value greater than or equal to 0"),
    ("union, no branch fits", {"room": 5}, "room", "5", "a string or a table"),
    ("in an array of tables", {"rooms": [{"size": 1.0}, {"size": -2.0}]}, "rooms[1].size", "-2.0", "greater than"),
]


def message(changes: dict[str, Any], drop: str | None = None) -> str:
    data = copy.deepcopy(VALID) | changes
    if drop:
        del data[drop]
    with pytest.raises(ValidationError) as raised:
        House(**data)
    return describe(raised.value, House, data)


@pytest.mark.parametrize(("kind", "changes", "field", "value", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_error_names_the_field_the_value_and_the_expectation(
    kind: str, changes: dict[str, Any], field: str, value: str, expected: str
) -> None:
    text = message(changes)
    assert f"field '{field}' has value {value}; expected " in text
    assert expected in text.split("; expected ", 1)[1]
    for internal in ("Input should", "Value error", "Room", "function-after", ".str", "pydantic"):
        assert internal not in text


def test_a_missing_field_is_named() -> None:
    assert message({}, drop="count") == "field 'count' is required but missing."


def test_an_unknown_field_is_named_with_the_fields_allowed() -> None:
    assert message({"rooms": [{"size": 1.0, "colour": "red"}]}) == (
        "field 'rooms[0].colour' is not a known field; expected one of: size."
    )
    assert message({"colour": "red"}).startswith("field 'colour' is not a known field; expected one of: count, share")


def test_every_bad_field_is_named_in_one_paragraph() -> None:
    text = message({"count": 0, "kind": "castle"})
    assert "field 'count' has value 0" in text
    assert "field 'kind' has value 'castle'" in text
    assert "\n" not in text
