"""Coaching on a response: what the cues may mean, the need behind them, which responses serve it and why.

In-the-moment comments of the kind trainers give (Circle of Security's cues and miscues: a need for
comfort, the bottom of the circle, or for support in exploring, the top; ABC's comments on the adult's
own moment). The reading follows the expert practice's rules (``policies.expert``) in the same order,
so the coaching and the expert's choice for the same cues never disagree. It reads only the cues the
trainee saw, never the child's hidden state. docs/rehearse.md, "What the adult sees".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from securebase.rehearse import policies
from securebase.rehearse.cues import Cues, Voice
from securebase.rehearse.repertoire import index_of, response
from securebase.rehearse.scenario import KINDS

COMFORT = "comfort: to have you close until the feeling settles"
EXPLORING = "support for exploring: to know you are there while trying things"


@dataclass(frozen=True)
class Reading:
    """What a set of cues may mean, the need behind it, and the responses that serve that need (keys)."""

    meaning: str
    need: str
    serving: tuple[str, ...]


def read(cues: Cues, voice: Voice) -> Reading:
    """The cues' likely meaning, in the expert practice's order (``policies.expert``)."""
    kind = KINDS[cues.situation]
    if cues.left_difficult:
        return Reading(
            "Something was left difficult between you: until it is mended, {name} may keep away from you or act out, "
            "whatever else shows.",
            "repair: to know that things are all right between you again",
            ("repair",),
        )
    if cues.tantrum:
        return Reading(
            "A tantrum is {name} overwhelmed, not defiant: the feeling is bigger than {name} can manage alone.",
            "safety and comfort: an adult who stays, keeps everyone safe and helps the feeling pass",
            ("limit_warmly", "comfort"),
        )
    if cues.distress >= 2 or cues.seeking >= 3:
        return Reading("Strong signals are a clear call: {name} is upset and wants you close.", COMFORT,
                       ("comfort", "notice_name"))  # fmt: skip
    if cues.distress >= 1 or cues.seeking >= 2:
        return Reading(
            "Small signals (a frown, a glance, coming over) are {name} letting you know something is hard.",
            COMFORT,
            ("notice_name", "comfort", "stay_close"),
        )
    if kind in policies.STRESSFUL and cues.play <= 1:
        return Reading(
            "A calm face in a stressful moment can hide worry: a child whose signals met little comfort learns not "
            "to show them (a miscue). That {name} is not playing is the clue.",
            "comfort, though {name} does not ask for it",
            ("notice_name", "stay_close"),
        )
    if kind in policies.HARD_TASK and cues.play <= 1:
        return Reading(
            "Not starting a hard task is often being stuck, not being unwilling: {name} needs a way in.",
            EXPLORING,
            ("help_little", "encourage"),
        )
    return Reading(
        "{name} is managing: a child uses a nearby adult as a base to explore from, and checks in now and then.",
        EXPLORING,
        ("encourage", "stay_close"),
    )


@dataclass(frozen=True)
class Coaching:
    """The coaching on one response, in parts the page lays out (``text`` joins them)."""

    seen: tuple[str, ...]
    meaning: str
    need: str
    serving: tuple[str, ...]
    chosen: str
    suggestion: str
    #: the trainee chose what the expert practice would
    matches: bool
    #: the trainee's response serves the need, though the expert's first choice differs
    serves: bool
    why_chosen: str
    why_suggestion: str

    def text(self) -> str:
        lines = [f"What you saw: {' '.join(self.seen)}", f"What it may mean: {self.meaning}",
                 f"The need behind it: {self.need}. Responses that serve it: {', '.join(self.serving)}."]  # fmt: skip
        if self.matches:
            lines.append(f"You chose \u201c{self.chosen}\u201d, as the expert practice would. {self.why_chosen}")
        elif self.serves:
            lines.append(f"You chose \u201c{self.chosen}\u201d, which serves this need. {self.why_chosen}")
            lines.append(f"The expert practice would choose \u201c{self.suggestion}\u201d here. {self.why_suggestion}")
        else:
            lines.append(f"You chose \u201c{self.chosen}\u201d. {self.why_chosen}")
            lines.append(f"Next time, try \u201c{self.suggestion}\u201d. {self.why_suggestion}")
        return "\n".join(lines)




def coach(cues: Cues, chosen_key: str, voice: Voice, seen: list[str]) -> Coaching:
    """The coaching on ``chosen_key`` given the ``cues`` (``seen``: every cue line the trainee read, none cut)."""
    chosen = response(index_of(chosen_key))
    suggestion = response(policies.expert_choice(cues))
    reading = read(cues, voice)
    serving = (suggestion.key, *(key for key in reading.serving if key != suggestion.key))
    return Coaching(
        seen=tuple(seen),
        meaning=voice.fill(reading.meaning),
        need=reading.need.format(name=voice.name),
        serving=tuple(response(index_of(key)).label for key in serving),
        chosen=chosen.label,
        suggestion=suggestion.label,
        matches=chosen.key == suggestion.key,
        serves=chosen.key in serving,
        why_chosen=chosen.why,
        why_suggestion=suggestion.why,
    )


def for_moment(moment: dict[str, Any], voice: Voice) -> Coaching:
    """The coaching on a played moment of a trace (``env.RehearsalEnv.trace``), the last one included."""
    return coach(Cues.from_vector(np.asarray(moment["cue_levels"])), moment["response"], voice, moment["cues"])
