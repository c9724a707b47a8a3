"""The rehearsal's Gymnasium environment: the contract, determinism, the baselines' directions, miscues, replay."""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from helpers import SHIPPED

from securebase.rehearse import debrief, policies, replay
from securebase.rehearse import scenario as library
from securebase.rehearse.cues import CHANNELS, Cues, Voice
from securebase.rehearse.env import ENV_ID, RehearsalEnv
from securebase.rehearse.repertoire import index_of, repertoire
from securebase.rehearse.scenario import ScenarioFileError, parse

PARAMS = SHIPPED.params


def constant(key: str, scenario: str, seed: int | None = None) -> list[dict]:
    s = library.get(scenario)
    return replay.play_actions(s, s.seed if seed is None else seed, PARAMS, [index_of(key)] * s.term.moments)


def test_passes_gymnasiums_checker() -> None:
    env = gymnasium.make(ENV_ID, scenario="drop-off", params=PARAMS)
    check_env(env.unwrapped)
    assert env.action_space.n == len(repertoire())
    assert list(env.observation_space.nvec) == [levels for _, levels in CHANNELS]


def test_the_library_has_the_nine_situations_of_the_issue() -> None:
    kinds = {s.name: s for s in library.library().values()}
    assert len(kinds) >= 9
    for scenario in kinds.values():
        assert scenario.term.moments >= 12
    assert library.get("rupture").opens_with == "redirect_sharply"
    assert library.get("new-avoidant").home.caregiving == "rejecting"


def test_a_bad_scenario_file_names_the_field() -> None:
    text = 'name = "x"\ntitle = "t"\nsummary = "s"\nchild = "A"\nage_years = 40.0\nhome = { caregiving = "normative" }\n'
    text += '[[situations]]\nkind = "task"\ntext = "t"\nstress_per_minute = 0.1\n'
    with pytest.raises(ScenarioFileError, match=r"field 'age_years' has value 40\.0; expected a value less than or equal to"):
        parse(text, "test")
    with pytest.raises(ScenarioFileError, match=r"home\.caregiving"):
        parse(text.replace("40.0", "5.0").replace('"normative"', '"nobody"'), "test")


def test_same_seed_same_term_and_another_seed_another_child() -> None:
    choices = [index_of(k) for k in ("comfort", "ignore", "encourage", "redirect_sharply", "repair", "help_little")]
    s = library.get("tantrum")
    first = replay.play_actions(s, s.seed, PARAMS, choices)
    again = replay.play_actions(s, s.seed, PARAMS, choices)
    assert first == again
    other = replay.play_actions(s, s.seed + 1, PARAMS, choices)
    assert [m["anxiety"] for m in other] != [m["anxiety"] for m in first]


def test_the_observation_is_the_cues_only() -> None:
    env = RehearsalEnv("new-avoidant", params=PARAMS)
    observation, info = env.reset()
    assert env.observation_space.contains(observation)
    assert set(info) == {"moment", "day", "situation"}  # nothing of the child's state
    cues = Cues.from_vector(observation)
    assert all(isinstance(line, str) and line for line in cues.words())


def test_the_counterfactual_changes_nothing_before_the_moment_replayed() -> None:
    s = library.get("tantrum")
    played = [index_of("ignore")] * 8
    other = replay.what_if(s, s.seed, PARAMS, played, 4, index_of("comfort"))
    mine = replay.play_actions(s, s.seed, PARAMS, played)
    assert other[:4] == mine[:4]
    assert other[4]["response"] == "comfort"
    assert other[4]["anxiety"] != mine[4]["anxiety"]
    assert replay.what_if(s, s.seed, PARAMS, played, 4, index_of("ignore")) == mine


#: scenarios whose own child ran against the direction (strict xfails). Model v2d had three (clinging's child, seed
#: 18, and drop-off's and setback's, met at calm first openings); on model v3, part 1 (issue 24) a term of comfort or
#: of noticing and naming raises each of their arcs, so none is left
ONE_CHILD_MARKS: dict[str, pytest.MarkDecorator] = {}


@pytest.mark.parametrize(
    ("scenario", "key"),
    [
        pytest.param(scenario, key, marks=ONE_CHILD_MARKS[scenario]) if scenario in ONE_CHILD_MARKS else (scenario, key)
        for scenario in ("drop-off", "setback", "hard-task", "new-avoidant", "clinging")
        for key in ("comfort", "notice_name")
    ],
)
def test_responsive_play_raises_exploration_across_the_term(scenario: str, key: str) -> None:
    """One child (the scenario's own seed); the directions over many children: tests/test_rehearse_directions.py."""
    start, end = debrief.arc(constant(key, scenario))
    assert end > start, (key, start, end)


@pytest.mark.parametrize("scenario", ["drop-off", "rupture"])
def test_the_arc_starts_from_the_child_as_the_trainee_met_them(scenario: str) -> None:
    """debrief.arc's start is engaged exploration at the first opening, before any response: the same whatever the
    trainee then does (in `rupture` after the scenario's own scripted opening); its end is the last three moments."""
    s = library.get(scenario)
    terms = {r.key: replay.play_actions(s, s.seed, PARAMS, [index_of(r.key)] * 4) for r in repertoire()}
    met = {debrief.arc(t)[0] for t in terms.values()}
    assert len(met) == 1, met
    assert met == {t[0]["exploration_before"] for t in terms.values()}
    # the first moment's own exploration already holds the first response (the earlier arc's start)
    assert len({t[0]["exploration"] for t in terms.values()}) > 1
    t = terms["comfort"]
    assert debrief.arc(t)[1] == pytest.approx(np.mean([m["exploration"] for m in t[-3:]]), abs=1e-12)
    assert debrief.arc(t[:1]) == (t[0]["exploration_before"], t[0]["exploration"])
    with pytest.raises(KeyError, match="trust_before"):
        debrief.arc(t, "trust")


# the directions over a term of ignoring, sharp redirection and the baselines are asserted over many seeded children
# (one child's term is too noisy for them): tests/test_rehearse_directions.py


#: model v3, part 1 (issue 24), v3p1 calibration: the new-avoidant child (seed 17) is less aroused at its openings
#: (arousal 0.251 on average over seeds 1000-1009 under comfort, distress shown 0.171: calibration-runs/
#: 2026-12-07-model-v3p1-moments.txt), below MISCUE_ANXIETY 0.35, so its own term gives no miscue
#: model v3 part 2 (memory, docs/model.md §7a), same constants: the trainee, a new figure known from no outcomes,
#: is read by the lower bound of the child's trust, so the child is more aroused with it and gives one miscue in
#: its term (arousal 0.360 at that opening, seed 17); the expert still reads none of them (0 against 0) and ends the
#: term with less trust (0.513 against 0.552 with visible signals only)
V3_FEWER_MISCUES = pytest.mark.xfail(
    strict=True,
    reason="issue 24, v3p1: the new-avoidant child gives few miscues in a term (v3p1: none, arousal at the openings "
    "below 0.35; v3p2 memory: one, at 0.360); the expert reads none: trust at the end 0.513 with the expert against "
    "0.552 with visible signals only (v3p1: 0.600 against 0.656)",
)


def test_the_avoidant_child_looks_fine_while_aroused() -> None:
    """A miscue: the child is anxious inside but shows no need; the page (the cues) cannot tell."""
    trace = constant("stay_close", "new-avoidant")
    miscues = [m for m in trace if m["miscue"]]
    assert miscues, "the avoidant child gave no miscue in a term"
    for m in miscues:
        assert m["anxiety_mean_before"] >= 0.35
        assert not m["shows_need"]
        assert m["cue_levels"][0] <= 1
        assert m["cue_levels"][1] <= 1
    # a child whose history taught it to signal (intermittent care) gives none
    assert not any(m["miscue"] for m in constant("stay_close", "drop-off"))


@V3_FEWER_MISCUES
def test_reading_the_miscues_makes_a_difference_seen_only_in_the_debrief() -> None:
    """Responding to visible signals only (the responsive baseline) does less for the avoidant child than the
    expert practice, which also answers a stressful situation in which the child shows nothing."""
    s = library.get("new-avoidant")
    visible_only = replay.play_policy(s, s.seed, PARAMS, policies.responsive)
    expert = replay.play_policy(s, s.seed, PARAMS, policies.expert)
    assert debrief.miscue_summary(expert)["read"] > debrief.miscue_summary(visible_only)["read"]
    assert debrief.arc(expert)[1] > debrief.arc(visible_only)[1]


@V3_FEWER_MISCUES
def test_reading_the_miscues_ends_the_term_with_more_trust() -> None:
    """The scenario's own child (seed 17); a strict xfail on model v2b (+0.063), met since model v2c."""
    s = library.get("new-avoidant")
    visible_only = replay.play_policy(s, s.seed, PARAMS, policies.responsive)
    expert = replay.play_policy(s, s.seed, PARAMS, policies.expert)
    assert expert[-1]["trust"] > visible_only[-1]["trust"] + 0.1


def test_a_rupture_repaired_soon_costs_less_than_one_left() -> None:
    s = library.get("rupture")
    repaired = replay.play_actions(s, s.seed, PARAMS, [index_of("repair")] + [index_of("stay_close")] * 5)
    left = replay.play_actions(s, s.seed, PARAMS, [index_of("stay_close")] * 6)
    assert repaired[0]["repaired"]
    assert repaired[0]["repair_latency_days"] is not None
    assert left[0]["left_unrepaired"]
    assert repaired[-1]["trust"] > left[-1]["trust"]
    assert repaired[0]["fear"] < left[0]["fear"]


def test_reward_is_configurable() -> None:
    from securebase.rehearse.env import Reward

    env = RehearsalEnv("setback", params=PARAMS, reward=Reward(exploration=1.0, anxiety=0.0))
    env.reset()
    _, reward, *_ = env.step(index_of("encourage"))
    assert reward == pytest.approx(env.trace[-1]["exploration"])
    with pytest.raises(ValueError, match="not a response index"):
        env.step(99)


def test_profile_shows_inconsistency() -> None:
    steady = debrief.profile(constant("comfort", "setback"))
    mixed_actions = [index_of("comfort"), index_of("redirect_sharply")] * 7
    s = library.get("setback")
    mixed = debrief.profile(replay.play_actions(s, s.seed, PARAMS, mixed_actions))
    assert steady["consistency"] > mixed["consistency"] + 0.2
    assert np.isclose(steady["warmth"], 0.95)
    taking_over = debrief.profile(replay.play_actions(s, s.seed, PARAMS, [index_of("take_over")] * 3))
    assert np.isclose(taking_over["intrusiveness"], 0.9)
    assert taking_over["intrusiveness"] > steady["intrusiveness"] + 0.5


def test_the_docs_table_is_the_repertoire() -> None:
    """docs/rehearse.md's table of responses says what responses.toml says (every response, every value)."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "rehearse.md").read_text("utf-8")
    for r in repertoire():
        row = next(line for line in doc.splitlines() if line.startswith(f"| {r.label} (`{r.key}`) |"))
        cells = [c.strip() for c in row.strip("|").split("|")][1:]
        numbers = [float(c) for c in cells[:10]]
        expected = [r.consistency, r.appropriateness, r.sensitivity, r.warmth, r.reliability,
                    r.exploration_support, r.intrusiveness, r.rupture, r.frightening, r.repair_propensity]  # fmt: skip
        assert numbers == expected, r.key
        assert cells[10:12] == ["yes" if r.repairs else "no", "yes" if r.attends_to_need else "no"], r.key
    for name in library.library():
        assert f"| `{name}` |" in doc


def test_cues_in_words_that_fit_the_age() -> None:
    cues = Cues(distress=0, seeking=3, play=2, tantrum=1, left_difficult=0, situation=0)
    young, older = cues.words(Voice("Mia", "she", 4.0)), cues.words(Voice("Sam", "they", 14.0))
    assert any("Don't go!" in line or "won't let go" in line for line in young)
    assert any("Leave me alone!" in line or "Whatever!" in line for line in older)
    assert young != older
    assert cues.strength() == "very strong"
