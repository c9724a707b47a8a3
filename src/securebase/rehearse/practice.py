"""Deliberate practice: age bands over the scenarios, short drills on one skill, and their scoring.

A drill is a few moments of a scenario that calls on one skill, with a new child each time (a new seed:
another history and temperament from the scenario's home care), each response scored at once against
the expert policy (``policies.expert``) for the cues the trainee saw, with the expert's reason.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from securebase.rehearse import policies
from securebase.rehearse import scenario as library
from securebase.rehearse.cues import AGE_BANDS, Cues
from securebase.rehearse.repertoire import index_of, response
from securebase.rehearse.scenario import RehearsalScenario


@dataclass(frozen=True)
class Band:
    key: str
    title: str
    #: ages from (inclusive) and to (exclusive), in years
    low: float
    high: float

    def holds(self, scenario: RehearsalScenario) -> bool:
        return self.low <= scenario.age_years < self.high


#: the age bands of the page: those the child's words are written for (cues.AGE_BANDS), one definition for both,
#: so that a scenario's band on the index is the band its child speaks in
_TITLES = {"toddler": "Toddler (under 3)", "early years": "Early years (3 to 5)", "primary": "Primary (5 to 11)",
           "early secondary": "Early secondary (11 on)"}  # fmt: skip
BANDS: dict[str, Band] = {
    name.replace(" ", "-"): Band(name.replace(" ", "-"), _TITLES[name], low, high)
    for (name, high), low in zip(AGE_BANDS, (0.0, *(ends for _, ends in AGE_BANDS[:-1])), strict=True)
}


def scenarios_in(band: str | None) -> list[RehearsalScenario]:
    """The library's scenarios for an age band (all of them for None)."""
    scenarios = list(library.library().values())
    return scenarios if band is None else [s for s in scenarios if BANDS[band].holds(s)]


@dataclass(frozen=True)
class Drill:
    key: str
    title: str
    #: the scenario whose first moments call on the skill
    scenario: str
    summary: str


#: how many moments a drill has
DRILL_MOMENTS = 5

DRILLS: dict[str, Drill] = {
    drill.key: drill
    for drill in (
        Drill("miscues", "Reading miscues", "new-avoidant",
              "A child whose calm may hide worry: notice what a quiet face can mean."),
        Drill("repair", "Repairing a rupture", "rupture",
              "You lost your temper a moment ago: put things right, then carry on."),
        Drill("hard-task", "Supporting a hard task", "hard-task",
              "A child who pushes the work away: help just enough to keep trying."),
    )
}  # fmt: skip


#: the drill that practises the skill a moment called for, by the expert's response to it (the cohort view's "needs
#: next": the drill of the skill missed most often)
DRILL_OF_EXPERT = {"notice_name": "miscues", "repair": "repair", "help_little": "hard-task"}


def new_seed() -> int:
    """A seed for another child like this one (another history and temperament from the same home care)."""
    return secrets.randbelow(2**31 - 1)


@dataclass(frozen=True)
class Score:
    right: bool
    chosen: str
    expert: str
    reason: str
    #: the drill that practises what this moment called for (None: none of the drills' skills)
    drill: str | None = None




def _reason(expert_key: str, cues: Cues) -> str:
    """Why the expert policy chooses ``expert_key`` for ``cues`` (the rules of ``policies.expert``, in words)."""
    if expert_key == "notice_name" and not cues.shows_need():
        return "the situation is stressful, yet the child shows nothing and is not playing: the calm may hide worry"
    return {
        "repair": "something was left difficult between you, and repair comes before anything else",
        "limit_warmly": "in a tantrum the child needs you to stay and keep everyone safe",
        "comfort": "strong distress or clinging asks for comfort",
        "notice_name": "the child shows some distress or looks for you: naming it shows you have seen it",
        "help_little": "the child is stuck on a hard task: a little help keeps them trying",
        "encourage": "the child is playing well: encouragement supports exploring",
        "stay_close": "the child is managing: being near and available is enough",
    }[expert_key]


def score(moment: dict) -> Score:
    """A played moment (an environment's trace entry) against the expert's response to the same cues."""
    cues = Cues.from_vector(moment["cue_levels"])
    expert_key = response(policies.expert_choice(cues)).key
    return Score(right=moment["response"] == expert_key, chosen=response(index_of(moment["response"])).label,
                 expert=response(index_of(expert_key)).label, reason=_reason(expert_key, cues),
                 drill=DRILL_OF_EXPERT.get(expert_key))  # fmt: skip
