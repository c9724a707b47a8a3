"""The debrief says what to learn: key moments (the expert practice's choice for what the trainee saw, replayed from
the trainee's own state), trust and felt security in words, "next time, try"; and its defects (issue 26: the expert
column, rupture counts, gridline labels, one end, the export's style, the debrief at moment 1, the what-if's option)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest
from helpers import SHIPPED
from rehearse_client import Trainee
from starlette.testclient import TestClient

from securebase.rehearse import debrief, policies, replay
from securebase.rehearse import scenario as library
from securebase.rehearse.cues import Cues
from securebase.rehearse.env import RehearsalEnv
from securebase.rehearse.repertoire import index_of, response
from securebase.web.app import create_app
from securebase.web.charts import chart

PARAMS = SHIPPED.params
NO_RANDOMNESS = np.random.default_rng(0)


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'rehearse.sqlite'}", PARAMS), follow_redirects=False) as c:
        yield c


def expert_except(name: str, instead: dict[int, str]) -> list[int]:
    """A term played by the expert practice on the cues it sees, except the responses ``instead`` at those moments."""
    s = library.get(name)
    env = RehearsalEnv(s, params=PARAMS)
    observation, _ = env.reset(seed=s.seed)
    actions = []
    for moment in range(s.term.moments):
        action = (
            index_of(instead[moment])
            if moment in instead
            else policies.expert(Cues.from_vector(observation), NO_RANDOMNESS)
        )
        actions.append(action)
        observation, *_ = env.step(action)
    return actions


def play(client: TestClient, name: str, moves: list[str]) -> str:
    trainee = Trainee(client)
    attempt = trainee.start(name)
    for moment, move in enumerate(moves):
        assert trainee.respond(moment, move).status_code == 303
    return attempt


def visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def section(page: str, heading_id: str) -> str:
    found = re.search(rf'<h2 id="{heading_id}">.*?</section>', page, re.DOTALL)
    assert found, f"no section {heading_id}"
    return found.group(0)


# ---- key moments and "next time, try" ------------------------------------------------------------


def test_the_clearly_worse_moment_is_named_first() -> None:
    """The expert practice's term on its own cues, but turning away at one moment (sharply) and a milder departure
    at another: the sharp one leads the key moments, both replayed from the trainee's own state."""
    s = library.get("drop-off")
    actions = expert_except("drop-off", {2: "redirect_sharply", 9: "stay_close"})
    alternatives = replay.expert_alternatives(s, s.seed, PARAMS, actions)
    differing = [a["moment"] for a in alternatives if a["chosen"] != a["expert"]]
    assert 2 in differing
    key = debrief.key_moments(alternatives)
    assert key[0]["moment"] == 2
    assert key[0]["chosen"] == "redirect_sharply"
    assert key[0]["expert"] != "redirect_sharply"
    # the branch is the what-if with the expert's choice: the same child, state and random numbers
    branch = replay.what_if(s, s.seed, PARAMS, actions, 2, index_of(key[0]["expert"]))
    assert key[0]["expert_then"]["trust"] == pytest.approx(branch[key[0]["at"]]["trust"], abs=1e-12)
    assert key[0]["at"] == 2 + replay.HORIZON - 1


def test_next_time_names_a_response_the_trainee_did_not_use_where_it_mattered() -> None:
    """Six moments of turning away from a child who shows its distress (drop-off). Until model v3 this was the
    new-avoidant child; on v3 that child hides its need and learns slowly, so no single moment of it shows a real
    difference (the next test): the scenario was changed after that result (closing note of issues 24 and 25)."""
    s = library.get("drop-off")
    actions = [index_of("ignore")] * 6
    advice = debrief.next_time(replay.expert_alternatives(s, s.seed, PARAMS, actions))
    assert advice, "a term of turning away gets advice"
    assert all(a["try"] != "ignore" and a["instead_of"] == ["ignore"] for a in advice)
    assert all(a["gain"] >= debrief.KEY_GAIN and a["why"] for a in advice)


def test_a_term_of_turning_away_from_a_child_who_hides_its_need_gets_advice_from_its_pattern() -> None:
    """The new-avoidant child barely bids (its display is a fraction of its arousal), so replaying any one moment
    of a term of turning away with the expert's response changes little within three moments; the expert
    practice's own term on the same child ends well above it, and that is the advice."""
    s = library.get("new-avoidant")
    actions = [index_of("ignore")] * s.term.moments
    trace = replay.play_actions(s, s.seed, PARAMS, actions)
    expert = replay.play_policy(s, s.seed, PARAMS, policies.expert)
    assert not debrief.key_moments(replay.expert_alternatives(s, s.seed, PARAMS, actions))
    advice = debrief.over_the_term(trace, expert)
    assert advice is not None, "a term of turning away gets advice"
    assert advice["try"] != "ignore"
    assert advice["instead_of"] == ["ignore"]
    assert advice["why"]
    assert advice["gain"] >= debrief.KEY_GAIN
    assert advice["expert_then"]["trust"] > advice["played"]["trust"]
    assert debrief.over_the_term(expert, expert) is None


def test_a_term_of_turning_away_from_a_child_who_hides_its_need_is_not_told_it_did_well(client: TestClient) -> None:
    s = library.get("new-avoidant")
    page = client.get(f"{play(client, 'new-avoidant', ['ignore'] * s.term.moments)}/debrief").text
    assert "You did well" not in page
    assert "The difference is in the pattern of the term" in visible(section(page, "key-h"))
    assert 'class="over-the-term"' in section(page, "next-h")
    assert "Keep doing what you did" not in page


def test_an_expert_policy_term_is_told_it_did_well(client: TestClient) -> None:
    s = library.get("drop-off")
    moves = [m["response"] for m in replay.play_policy(s, s.seed, PARAMS, policies.expert)]
    page = client.get(f"{play(client, 'drop-off', moves)}/debrief").text
    assert "You did well" in page
    assert f"At every one of the {s.term.moments} moments you chose what the expert practice would choose" in visible(
        page
    )
    assert 'class="key-moments"' not in page
    assert "Keep doing what you did" in section(page, "next-h")


def test_a_harsh_term_leads_with_its_key_moments_and_advice(client: TestClient) -> None:
    moves = ["ignore"] * 6
    s = library.get("drop-off")  # the new-avoidant child until model v3 (see the first test of this section)
    alternatives = replay.expert_alternatives(s, s.seed, PARAMS, [index_of(m) for m in moves])
    page = client.get(f"{play(client, 'drop-off', moves)}/debrief").text
    assert page.index('id="key-h"') < page.index('id="trust-h"') < page.index('id="next-h"') < page.index('id="arc-h"')
    named = [int(n) for n in re.findall(r"<li><strong>Moment (\d+)</strong>", section(page, "key-h"))]
    assert named
    assert named == [k["moment"] + 1 for k in debrief.key_moments(alternatives)]
    advice = visible(section(page, "next-h"))
    first = debrief.next_time(alternatives)[0]
    assert (
        f"\u201c{response(index_of(first['try'])).label}\u201d where you chose \u201cCarry on with something else\u201d"
        in advice
    )
    assert "You did well" not in page


# ---- defect 1: the expert column is the expert practice applied to what the trainee saw ------------------------


def test_the_expert_column_is_for_the_cues_the_trainee_saw(client: TestClient) -> None:
    s = library.get("drop-off")
    moves = ["redirect_sharply"] * 5
    trace = replay.play_actions(s, s.seed, PARAMS, [index_of(m) for m in moves])
    for_what_was_seen = [
        response(policies.expert(Cues.from_vector(m["cue_levels"]), NO_RANDOMNESS)).label for m in trace
    ]
    own_term = [response(index_of(m["response"])).label for m in replay.play_policy(s, s.seed, PARAMS, policies.expert)]
    assert for_what_was_seen != own_term[: len(moves)]  # otherwise the test could not tell them apart
    page = client.get(f"{play(client, 'drop-off', moves)}/debrief").text
    cells = re.findall(r'<td data-label="Expert practice">([^<]*)</td>', page)
    assert [html.unescape(c) for c in cells] == for_what_was_seen


# ---- defect 3: rupture counts that reconcile; none reads as fine -------------------------------------------------


def sharp_unless_left_difficult(name: str, then: str) -> list[dict]:
    """Sharp at every moment, except ``then`` at each moment that opens with something left difficult."""
    s = library.get(name)
    env = RehearsalEnv(s, params=PARAMS)
    observation, _ = env.reset(seed=s.seed)
    for _ in range(s.term.moments):
        left = Cues.from_vector(observation).left_difficult
        observation, *_ = env.step(index_of(then if left else "redirect_sharply"))
    return env.trace


@pytest.mark.parametrize("name", ["drop-off", "new-avoidant", "rupture"])
def test_rupture_counts_reconcile(name: str) -> None:
    """Felt = mended + left unmended + still open, over the same ruptures: every one met by an apology is mended,
    every one met by turning away is left (the scripted start and the days between counted alike)."""
    for then in ("repair", "ignore"):
        summary = debrief.repair_summary(sharp_unless_left_difficult(name, then))
        assert summary["felt"] == summary["repaired"] + summary["left_unrepaired"] + summary["still_open"]
        assert summary["felt"] - summary["still_open"] > 0
        mended = summary["repaired"] if then == "repair" else summary["left_unrepaired"]
        assert mended == summary["felt"] - summary["still_open"]


def test_the_page_counts_reconcile_and_no_rupture_reads_as_fine(client: TestClient) -> None:
    moves = ["repair", "redirect_sharply", "ignore", "redirect_sharply", "repair", "comfort"]
    page = visible(section(client.get(f"{play(client, 'rupture', moves)}/debrief").text, "repair-h"))
    felt = re.search(r"Ruptures \w+ felt with you: (\d+)", page)
    mended = re.search(r"mended (\d+) and left (\d+) unmended", page)
    still = re.search(r"(\d+) is still open", page)
    assert felt, page
    assert mended, page
    assert int(felt.group(1)) == int(mended.group(1)) + int(mended.group(2)) + (int(still.group(1)) if still else 0)
    s = library.get("drop-off")
    calm = [m["response"] for m in replay.play_policy(s, s.seed, PARAMS, policies.expert, moments=3)]
    assert debrief.repair_summary(replay.play_actions(s, s.seed, PARAMS, [index_of(m) for m in calm]))["felt"] == 0
    fine = visible(section(client.get(f"{play(client, 'drop-off', calm)}/debrief").text, "repair-h"))
    assert "there was no rupture to mend" in fine
    assert "unmended" not in fine


# ---- defect 4: gridlines labelled as drawn ------------------------------------------------------------------------


def test_gridlines_are_labelled_with_their_own_values() -> None:
    c = chart("Trust", {"a": [0.1, 0.4, 0.9]}, 3)
    top, span = c.top, c.bottom - c.top
    for y, label in c.y_ticks:
        assert float(label) == pytest.approx(1.0 - (y - top) / span, abs=1e-9)
    assert [label for _, label in c.y_ticks] == ["0", "0.25", "0.5", "0.75", "1"]


# ---- defect 5: one end, said in words, for every figure -----------------------------------------------------------


def test_one_end_for_charts_arc_and_what_if(client: TestClient) -> None:
    values = [0.1, 0.2, 0.6, 0.9, 0.3]
    assert chart("x", {"a": values}, 5).lines[0].end == debrief.end(values) == pytest.approx(0.6)
    s = library.get("hard-task")
    moves = ["ignore", "comfort", "redirect_sharply", "help_little", "encourage", "ignore", "take_over"]
    actions = [index_of(m) for m in moves]
    trace = replay.play_actions(s, s.seed, PARAMS, actions)
    assert debrief.arc(trace)[1] == debrief.end([m["exploration"] for m in trace])
    attempt = play(client, "hard-task", moves)
    page = client.get(f"{attempt}/debrief", params={"moment": "2", "instead": "comfort"}).text
    text = visible(page)
    assert f"the end of the term is {debrief.END_WORDS}" in text
    other = replay.what_if(s, s.seed, PARAMS, actions, 1, index_of("comfort"))
    said = re.search(
        r"At the end of the term \(([^)]*)\), trust in you would be ([0-9.]+) \(as played: ([0-9.]+)\)", text
    )
    assert said, text
    assert said.group(1) == debrief.END_WORDS
    ends = (debrief.end([m["trust"] for m in other]), debrief.end([m["trust"] for m in trace]))
    assert (said.group(2), said.group(3)) == tuple(f"{v:.2f}" for v in ends)
    assert f"trust in you was {ends[1]:.2f}" in text
    assert f"Your responses (end: {ends[1]:.2f})" in text  # the trust chart's legend


# ---- defect 6: the export is styled where it is opened ------------------------------------------------------------


def test_the_export_is_a_self_contained_download(client: TestClient) -> None:
    attempt = play(client, "drop-off", ["comfort", "ignore"])
    exported = client.get(f"{attempt}/export")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith("attachment;")  # not rendered under the app's CSP
    assert "<style>" in exported.text
    assert ".chart" in exported.text
    assert 'rel="stylesheet"' not in exported.text
    assert "<script" not in exported.text
    assert "Replay moment" not in exported.text  # no links into the app from a file


# ---- defect 7: the debrief before any moment ---------------------------------------------------------------------


def test_the_debrief_at_moment_one_says_there_is_nothing_yet(client: TestClient) -> None:
    attempt = Trainee(client).start("drop-off")
    for path in ("debrief", "export"):
        page = client.get(f"{attempt}/{path}")
        assert page.status_code == 200, page.text[:300]
        assert "Nothing to debrief yet" in page.text
        assert "Already answered" not in page.text
        assert f'href="{attempt}"' in page.text


# ---- defect 9: the what-if shows the option in the URL ------------------------------------------------------------


def test_the_what_if_form_shows_the_option_in_the_url(client: TestClient) -> None:
    attempt = play(client, "drop-off", ["comfort", "notice_name", "encourage"])
    for instead in ("ignore", "take_over", "repair"):
        page = client.get(f"{attempt}/debrief", params={"moment": "2", "instead": instead}).text
        chosen = re.search(r'<select id="instead" name="instead">(.*?)</select>', page, re.DOTALL)
        assert chosen
        assert re.findall(r'<option value="(\w+)" selected>', chosen.group(1)) == [instead]
        assert f"Moment 2: \u201c{response(index_of(instead)).label}\u201d instead of" in page
    for bad in ("comfort2", "<b>", ""):
        answer = client.get(f"{attempt}/debrief", params={"moment": "2", "instead": bad})
        assert answer.status_code == 400
        assert "Choose one of the listed responses" in answer.text
