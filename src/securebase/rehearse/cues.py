"""What an adult could observe of the child in a moment, in levels and in plain words.

The cues are read from the child's behaviour in the model's step, as the Strange Situation's coder
reads it (instruments/strange_situation.py): distress as the child's habitual signalling lets it
show (``model.bids.habitual_signal``), how hard the child seeks this adult (the bids sent), how
much the child plays (exploration), a tantrum. Never the child's anxiety, trust or felt security:
a child whose strategy mutes its signals looks calm while aroused (a miscue), and the page cannot
tell, as an adult cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securebase.rehearse.scenario import KINDS

#: the observation's channels and how many levels each has (the environment's MultiDiscrete)
CHANNELS: tuple[tuple[str, int], ...] = (
    ("distress", 4),
    ("seeking", 4),
    ("play", 4),
    ("tantrum", 2),
    ("left_difficult", 2),
    ("situation", len(KINDS)),
)
#: cut points between levels (modelling choices: docs/rehearse.md, "What the adult sees")
DISTRESS_CUTS = (0.15, 0.35, 0.6)
SEEKING_CUTS = (0.05, 0.25, 0.5)
PLAY_CUTS = (0.2, 0.4, 0.6)

DISTRESS_WORDS = (
    "Face calm, voice ordinary, shoulders loose.",
    "Quiet, a small frown now and then; sits a little stiffly.",
    "Tearful, voice wobbling; shoulders hunched.",
    "Crying or shouting, body tense, hard to reach.",
)
SEEKING_WORDS = (
    "Does not look for you; stays where they are. Says \u201cI\u2019m fine\u201d if asked.",
    "Glances over at you now and then.",
    "Comes to you and asks, or calls your name.",
    "Holds on to you and will not let go.",
)
#: the same levels in the words that fit a child of OLDER_FROM_YEARS or more
OLDER_FROM_YEARS = 11.0
OLDER_DISTRESS_WORDS = (
    "Face calm, voice ordinary, sitting easily.",
    "Quiet, jaw set; a sigh now and then.",
    "Eyes wet, voice tight; head down on the desk.",
    "Shouting or in tears, hard to reach.",
)
OLDER_SEEKING_WORDS = (
    "Does not look for you; carries on alone. Says \u201cI\u2019m fine\u201d if asked.",
    "Looks across at you now and then.",
    "Comes over to you, or asks you something.",
    "Stays right by you and keeps asking for you.",
)
OLDER_TANTRUM_WORDS = "Slams things down, shouts \u201cLeave me alone!\u201d, storms off."
PLAY_WORDS = (
    "Not doing anything with the activity.",
    "Fiddles with things; half-hearted.",
    "Busy with the activity.",
    "Absorbed, trying things out.",
)
TANTRUM_WORDS = "Shouts \u201cNo!\u201d, throws or kicks out."
LEFT_DIFFICULT_WORDS = "Things were left difficult between you two last time."
STRENGTH_WORDS = ("mild", "clear", "strong", "very strong")


def level(value: float, cuts: tuple[float, ...]) -> int:
    return int(np.searchsorted(np.asarray(cuts), value, side="right"))


@dataclass(frozen=True)
class Cues:
    """The levels an adult could see in one moment."""

    distress: int
    seeking: int
    play: int
    tantrum: int
    left_difficult: int
    situation: int

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name, _ in CHANNELS], dtype=np.int64)

    @classmethod
    def from_vector(cls, vector: np.ndarray) -> Cues:
        return cls(*(int(v) for v in vector))

    def strength(self) -> str:
        """How strong the signals are, in a word (the intensity cue)."""
        return STRENGTH_WORDS[max(self.distress, self.seeking, 3 * self.tantrum)]

    def words(self, age_years: float = 6.0) -> list[str]:
        """The cues in plain words, one sentence each, as the page shows them (older children's for 11 and over)."""
        older = age_years >= OLDER_FROM_YEARS
        distress, seeking = (OLDER_DISTRESS_WORDS, OLDER_SEEKING_WORDS) if older else (DISTRESS_WORDS, SEEKING_WORDS)
        lines = [distress[self.distress], seeking[self.seeking], PLAY_WORDS[self.play]]
        if self.tantrum:
            lines.append(OLDER_TANTRUM_WORDS if older else TANTRUM_WORDS)
        if self.left_difficult:
            lines.append(LEFT_DIFFICULT_WORDS)
        return lines

    def shows_need(self) -> bool:
        """Whether the child's signals show a need an adult would see."""
        return self.distress >= 1 or self.seeking >= 2 or bool(self.tantrum)


def cues_from(distress: float, seeking: float, play: float, tantrum: bool, left_difficult: bool, kind: str) -> Cues:
    """Cues from the means of what the child showed over a moment."""
    return Cues(
        distress=level(distress, DISTRESS_CUTS),
        seeking=level(seeking, SEEKING_CUTS),
        play=level(play, PLAY_CUTS),
        tantrum=int(tantrum),
        left_difficult=int(left_difficult),
        situation=KINDS.index(kind),
    )
