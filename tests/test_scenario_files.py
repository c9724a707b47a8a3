"""Scenario files: the built-ins load, and every kind of bad file gets one clear paragraph of error."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TINY_SCENARIO

from securebase.scenario import Scenario, ScenarioError, load_scenario, parse_scenario, preset_scenarios

#: each bad case below changes one thing in the tiny valid scenario
VALID = TINY_SCENARIO

PARENT = 'caregiving = "normative"'
LEAVE_EVENT = '\n[[events]]\nkind = "leave"\nfigure = "parent"\nday = 3\n'


def changed(old: str, new: str) -> str:
    """VALID with one piece of text replaced (which must be there)."""
    assert old in VALID, old
    return VALID.replace(old, new, 1)


#: (id, TOML text, field named, value shown, what was expected)
BAD = [
    ("wrong-type", changed("n_children = 50", 'n_children = "fifty"'), "population.n_children", "'fifty'", "integer"),
    ("number-as-string", changed("n_children = 50", 'n_children = "50"'), "population.n_children", "'50'", "integer"),
    ("boolean-as-number", changed("n_children = 50", "n_children = true"), "population.n_children", "True", "integer"),
    (
        "wrong-type-nested",
        changed("home = 0.9", 'home = "often"'),
        "figures[0].availability.home",
        "'often'",
        "number",
    ),
    (
        "availability-above-one",
        changed("home = 0.9", "home = 1.5"),
        "figures[0].availability.home",
        "1.5",
        "less than or equal to 1",
    ),
    (
        "negative-n-children",
        changed("n_children = 50", "n_children = -3"),
        "population.n_children",
        "-3",
        "greater than or equal to 1",
    ),
    (
        "sd-too-large-for-proportion",
        changed(PARENT, "caregiving = { warmth = { mean = 0.5, sd = 0.6 } }"),
        "figures[0].caregiving.warmth.sd",
        "0.6",
        "below 0.500",
    ),
    (
        "mean-above-one-for-proportion",
        changed(PARENT, "caregiving = { warmth = { mean = 1.2, sd = 0.1 } }"),
        "figures[0].caregiving.warmth.mean",
        "1.2",
        "proportion between 0 and 1",
    ),
    (
        "proportion-above-one",
        changed(PARENT, "caregiving = { preset = 'responsive', sensitivity = 1.3 }"),
        "figures[0].caregiving.sensitivity",
        "1.3",
        "proportion between 0 and 1",
    ),
    (
        "negative-trait",
        changed(PARENT, "caregiving = { warmth = -0.2 }"),
        "figures[0].caregiving.warmth",
        "-0.2",
        "greater than or equal to 0",
    ),
    (
        "caregiving-neither-name-nor-table",
        changed(PARENT, "caregiving = 5"),
        "figures[0].caregiving",
        "5",
        "a string or a table",
    ),
    ("unknown-field-top-level", 'colour = "blue"\n' + VALID, "colour", "colour", "name, description, seed"),
    (
        "unknown-field-nested",
        changed("episodes_per_day = 8", "episodes_per_day = 8\nepisode_per_day = 8"),
        "schedule.episode_per_day",
        "episode_per_day",
        "days, episodes_per_day, school",
    ),
    (
        "unknown-field-in-figure",
        changed('role = "parent"', 'role = "parent"\nmood = 3'),
        "figures[0].mood",
        "mood",
        "name, role, caregiving, availability, from_day",
    ),
    (
        "unknown-field-in-caregiving",
        changed(PARENT, "caregiving = { warmt = 0.5 }"),
        "figures[0].caregiving.warmt",
        "warmt",
        "preset, mixture, consistency",
    ),
    ("missing-required-field", changed("days = 10\n", ""), "schedule.days", "days", "required"),
    (
        "unknown-caregiving-preset",
        changed(PARENT, 'caregiving = "nurturing"'),
        "figures[0].caregiving",
        "'nurturing'",
        "normative",
    ),
    (
        "unknown-preset-in-event",
        VALID + '\n[[events]]\nkind = "replace"\nfigure = "parent"\nday = 3\ncaregiving = "nope"\n',
        "events[0].caregiving",
        "'nope'",
        "normative",
    ),
    (
        "event-names-missing-figure",
        VALID + LEAVE_EVENT.replace('"parent"', '"uncle"'),
        "events[0].figure",
        "'uncle'",
        "one of the figures: parent",
    ),
    (
        "event-with-day-and-age",
        VALID + LEAVE_EVENT + "at_age_years = 0.3\n",
        "events[0]",
        "day = 3 and at_age_years = 0.3",
        "exactly one of 'day' or 'at_age_years'",
    ),
    (
        "school-episodes-past-end-of-day",
        VALID + "\n[schedule.school]\nepisodes = [2, 10]\n",
        "schedule.school.episodes",
        "[2, 10]",
        "episodes_per_day (8)",
    ),
    (
        "duplicated-figure-names",
        VALID + '\n[[figures]]\nname = "parent"\n',
        "figures[1].name",
        "'parent'",
        "unique name",
    ),
    ("invalid-toml", changed("days = 10", "days = = 10"), "line 15", "days = = 10", "TOML"),
]


@pytest.mark.parametrize("name", preset_scenarios())
def test_every_built_in_scenario_loads(name: str) -> None:
    scenario = load_scenario(name)
    assert isinstance(scenario, Scenario)
    assert scenario.name == name


def test_the_built_ins_include_the_default() -> None:
    assert "school-year" in preset_scenarios()
    assert load_scenario(None).name == "school-year"


def test_a_valid_minimal_scenario_parses() -> None:
    scenario = parse_scenario(VALID)
    assert scenario.name == "tiny"
    assert scenario.population.n_children == 50
    assert [f.name for f in scenario.figures] == ["parent"]
    assert scenario.figures[0].availability.home == 0.9
    assert scenario.schedule.days == 10
    assert scenario.events == []


def test_a_valid_scenario_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(VALID, encoding="utf-8")
    assert load_scenario(path) == parse_scenario(VALID)
    assert load_scenario(str(path)) == parse_scenario(VALID)


def assert_one_clear_paragraph(message: str) -> None:
    assert message.strip()
    assert "\n" not in message
    for internal in ("Traceback", "input_value=", "input_type=", "For further information visit", "pydantic"):
        assert internal not in message
    for union_tag in ("function-after", "constrained-float", "TraitDistribution", "instance of"):
        assert union_tag not in message


@pytest.mark.parametrize(("text", "field", "value", "expected"), [case[1:] for case in BAD], ids=[c[0] for c in BAD])
def test_a_bad_scenario_names_the_field_the_value_and_what_was_expected(
    text: str, field: str, value: str, expected: str
) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, origin="scenario file 'bad.toml'")
    message = str(raised.value)
    assert_one_clear_paragraph(message)
    assert message.startswith("scenario file 'bad.toml' ")
    assert field in message
    assert value in message
    assert expected in message


def test_all_bad_fields_are_named_at_once() -> None:
    text = changed("home = 0.9", "home = 1.5").replace("days = 10", "days = 0")
    with pytest.raises(ScenarioError, match=r"figures\[0\]\.availability\.home.*schedule\.days") as raised:
        parse_scenario(text)
    assert_one_clear_paragraph(str(raised.value))


def test_an_unknown_field_lists_the_allowed_fields() -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(changed("school = 0.0", "park = 0.0"))
    message = str(raised.value)
    assert "figures[0].availability.park" in message
    assert "is not a known field; expected one of: home, school." in message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.toml", b"", "is empty"),
        ("blank.toml", b"  \n# only a comment\n", "is empty"),
        ("binary.toml", b"\x00\x01\xff\xfeSB\x00\x80\x81 name = 1\x00", "not a text file"),
        ("nul.toml", b'name = "tiny"\x00\n', "NUL bytes"),
    ],
    ids=["empty", "comment-only", "binary", "nul-in-utf8"],
)
def test_an_empty_or_binary_file_gets_a_clear_error(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    message = str(raised.value)
    assert_one_clear_paragraph(message)
    assert str(path) in message
    assert expected in message
    assert "expected" in message


def test_a_path_that_does_not_exist_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    message = str(raised.value)
    assert_one_clear_paragraph(message)
    assert str(path) in message
    assert "neither a file nor a built-in scenario" in message
    assert "school-year" in message


def test_a_folder_is_not_a_scenario_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="neither a file nor a built-in scenario"):
        load_scenario(tmp_path)
