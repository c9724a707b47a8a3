"""The documented directions of the rehearsal, over many seeded children (docs/rehearse.md, "Directions").

One child's term is noisy: the moments' situations and the days between them move exploration by more than a
term of care does (one child's first three moments and last three differ by up to 0.1 whatever the adult does).
So each direction is asserted on CHILDREN children of a scenario (seeds 1000.., each its own history and random
numbers), as a 95% interval that excludes 0: the change across the term (debrief.arc, as the debrief shows it: the
mean engaged exploration of the last three moments less that at the first moment's opening, before any response)
for one response played all term, and paired differences between the baselines on the same children (common random
numbers). Directions the model does not give at this size stay strict xfails with the measured figures (issue 14's
notes).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.rehearse import debrief, policies, replay
from securebase.rehearse import scenario as library
from securebase.rehearse.repertoire import index_of
from securebase.studies.statistics import mean, paired_difference

PARAMS = SHIPPED.params
#: children per scenario, and their seeds (fixed before the figures were seen: the first of a block of 1000)
CHILDREN = 20
SEEDS = range(1000, 1000 + CHILDREN)
#: the scenarios of the issue's question (drop-off, hard-task) at every size; the others with --slow-size full
SMALL = ("drop-off", "hard-task")
#: one response for the whole term (the frightening baseline is "redirect sharply" at every moment: the same term)
CONSTANT = ("comfort", "ignore", "redirect_sharply")
BASELINES = ("responsive", "intermittent", "rejecting")

pytestmark = pytest.mark.slow


@cache
def terms(scenario: str) -> dict[str, list[list[dict]]]:
    """Every child's term under each constant response and each baseline (made once per scenario and process)."""
    s = library.get(scenario)
    out: dict[str, list[list[dict]]] = {name: [] for name in (*CONSTANT, *BASELINES)}
    for seed in SEEDS:
        for key in CONSTANT:
            out[key].append(replay.play_actions(s, seed, PARAMS, [index_of(key)] * s.term.moments))
        for name in BASELINES:
            out[name].append(replay.play_policy(s, seed, PARAMS, policies.BASELINES[name]))
    out["frightening"] = out["redirect_sharply"]
    return out


def sized(scenario: str, slow_size: str) -> dict[str, list[list[dict]]]:
    if slow_size == "small" and scenario not in SMALL:
        pytest.skip(f"{scenario}: with --slow-size full (the small size runs {', '.join(SMALL)})")
    return terms(scenario)


def change(traces: list[list[dict]]) -> np.ndarray:
    """Each child's change across the term: exploration over the last three moments less that at the first opening."""
    return np.array([end - start for start, end in map(debrief.arc, traces)])


def end_of_term(traces: list[list[dict]], key: str) -> np.ndarray:
    if key == "exploration":
        return np.array([debrief.arc(t)[1] for t in traces])
    return np.array([t[-1][key] for t in traces])


@pytest.mark.parametrize("scenario", [*SMALL, "setback", "new-avoidant", "clinging"])
def test_responsive_play_raises_exploration_across_the_term(scenario: str, slow_size: str) -> None:
    rise = mean(change(sized(scenario, slow_size)["comfort"]))
    assert rise.low > 0, rise


@pytest.mark.parametrize(
    ("scenario", "key"),
    [
        ("drop-off", "ignore"),
        ("drop-off", "redirect_sharply"),
        pytest.param(
            "hard-task",
            "ignore",
            marks=pytest.mark.xfail(
                strict=True,
                reason="model v3's refit: a term of ignoring lowers exploration by -0.026 [-0.057, +0.006] over 20 "
                "children, in the documented direction but not clear of 0 (closing note of issues 24 and 25)",
            ),
        ),
        ("hard-task", "redirect_sharply"),
        ("setback", "ignore"),
        ("setback", "redirect_sharply"),
    ],
)
def test_ignoring_or_redirecting_sharply_lowers_exploration_across_the_term(
    scenario: str, key: str, slow_size: str
) -> None:
    played = sized(scenario, slow_size)
    fall = mean(change(played[key]))
    assert fall.high < 0, fall


@pytest.mark.parametrize("scenario", [*SMALL, "setback"])
@pytest.mark.parametrize("key", ["ignore", "redirect_sharply"])
def test_ignoring_or_redirecting_sharply_ends_below_responsive_play(scenario: str, key: str, slow_size: str) -> None:
    played = sized(scenario, slow_size)
    below = paired_difference(end_of_term(played[key], "exploration"), end_of_term(played["comfort"], "exploration"))
    assert below.high < 0, below


#: model v3's refit (closing note of issues 24 and 25): at the end of a hard-task term, trust under the intermittent
#: baseline is above the rejecting one's by +0.006 [-0.005, +0.017] over 20 children, not clear of 0
TRUST_NOT_APART = pytest.mark.xfail(strict=True, reason="hard-task: trust, intermittent minus rejecting, +0.006 "
                                    "[-0.005, +0.017] on model v3's refit")  # fmt: skip


@pytest.mark.parametrize(
    ("scenario", "key", "higher", "lower"),
    [
        pytest.param(scenario, key, higher, lower, marks=TRUST_NOT_APART)
        if (scenario, key, higher, lower) == ("hard-task", "trust", "intermittent", "rejecting")
        else (scenario, key, higher, lower)
        for scenario in ("drop-off", "hard-task", "new-avoidant")
        for key, higher, lower in (
            ("exploration", "responsive", "intermittent"),
            ("exploration", "intermittent", "rejecting"),
            ("exploration", "responsive", "frightening"),
            ("trust", "responsive", "intermittent"),
            ("trust", "intermittent", "rejecting"),
            ("fear", "frightening", "responsive"),
            ("fear", "frightening", "intermittent"),
            ("fear", "frightening", "rejecting"),
        )
    ],
)
def test_the_baselines_differ_in_the_documented_directions(
    scenario: str, key: str, higher: str, lower: str, slow_size: str
) -> None:
    """At the end of the term (exploration: the last three moments; trust and fear: the last), paired by child."""
    played = sized(scenario, slow_size)
    difference = paired_difference(end_of_term(played[higher], key), end_of_term(played[lower], key))
    assert difference.low > 0, difference


def shown_and_engaged(traces: list[list[dict]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each child's play shown over the first three and the last three moments, and its engaged exploration at the end."""
    first = np.array([np.mean([m["play_shown"] for m in t[:3]]) for t in traces])
    last = np.array([np.mean([m["play_shown"] for m in t[-3:]]) for t in traces])
    return first, last, end_of_term(traces, "exploration")


@pytest.mark.parametrize("scenario", SMALL)
def test_after_a_term_of_sharp_redirection_the_play_shown_hides_how_little_the_child_explores(
    scenario: str, slow_size: str
) -> None:
    """The child learns to suppress its signals and its play turns into a diversion: at the end of the term the play
    the page shows is above the engaged exploration the debrief reveals (docs/rehearse.md, 'Directions')."""
    _, last, engaged = shown_and_engaged(sized(scenario, slow_size)["redirect_sharply"])
    hidden = paired_difference(last, engaged)
    assert hidden.low > 0, hidden


ALREADY_DIVERTING = pytest.mark.xfail(
    strict=True,
    reason="hard-task: the child of a low-warmth home already suppresses when the term starts, so its play is a "
    "diversion from the first moment and does not rise: -0.006 [-0.018, +0.006] over 20 children (model v2b "
    "calibration)",
)
#: drop-off: a strict xfail from model v2c to v3 part 1 (slow strategy learning: -0.011 [-0.032, +0.010] on v2d);
#: it rises on model v3's refit


@pytest.mark.parametrize("scenario", ["drop-off", pytest.param("hard-task", marks=ALREADY_DIVERTING)])
def test_across_a_term_of_sharp_redirection_the_play_shown_rises(scenario: str, slow_size: str) -> None:
    first, last, _ = shown_and_engaged(sized(scenario, slow_size)["redirect_sharply"])
    rise = mean(last - first)
    assert rise.low > 0, rise
