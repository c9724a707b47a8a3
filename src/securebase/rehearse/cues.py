"""What an adult could observe of the child in a moment, in levels and in plain words.

The cues are read from the child's behaviour in the model's step, as the Strange Situation's coder
reads it (instruments/strange_situation.py): distress as the child's habitual signalling lets it
show (``model.bids.habitual_signal``), how hard the child seeks this adult (the bids sent), how
much the child plays (exploration), a tantrum. Never the child's anxiety, trust or felt security:
a child whose strategy mutes its signals looks calm while aroused (a miscue), and the page cannot
tell, as an adult cannot.

The words (``cue_lines``) are the child's age band's, name the child with the scenario's pronoun, and
vary from moment to moment, reproducibly for an attempt's seed. ``consequence`` says what the child does
right after a response, from the change of the same levels; it too shows only what an adult could see.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from securebase.rehearse.scenario import KINDS

#: age bands and the age each ends at (years): the words the cues use follow the band (``phrasing.py``)
AGE_BANDS: tuple[tuple[str, float], ...] = (
    ("toddler", 3.0),
    ("early years", 5.0),
    ("primary", 11.0),
    ("early secondary", float("inf")),
)


def age_band(age_years: float) -> str:
    """The age band of a child of ``age_years``: toddler (to 3), early years (3 to 5), primary (5 to 11), early
    secondary (11 on)."""
    return next(band for band, ends in AGE_BANDS if age_years < ends)


#: a pronoun's forms, for the phrase banks' {they}, {them}, {their}, {themself}
PRONOUNS: dict[str, dict[str, str]] = {
    "she": {"they": "she", "them": "her", "their": "her", "themself": "herself"},
    "he": {"they": "he", "them": "him", "their": "his", "themself": "himself"},
    "they": {"they": "they", "them": "them", "their": "their", "themself": "themself"},
}


@dataclass(frozen=True)
class Voice:
    """The child as the page speaks of them: a name, a pronoun, an age."""

    name: str = "The child"
    pronoun: str = "they"
    age_years: float = 6.0

    @classmethod
    def of(cls, scenario: Any) -> Voice:
        """A rehearsal scenario's child."""
        return cls(scenario.child, scenario.pronoun, scenario.age_years)

    @property
    def band(self) -> str:
        return age_band(self.age_years)

    def fill(self, template: str) -> str:
        """A phrase with the child's name and pronoun in it (a sentence that starts with a pronoun is capitalised)."""
        text = template.format(name=self.name, **PRONOUNS[self.pronoun])
        return text[:1].upper() + text[1:]


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

    def words(self, voice: Voice | None = None, *, seed: int = 0, moment: int = 0) -> list[str]:
        """The cues in plain words, one sentence each, as the page shows them (``cue_lines``)."""
        return cue_lines(self, voice or Voice(), seed=seed, moment=moment)

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


# ---- the words ----------------------------------------------------------------------------------------------
# Phrase banks: per age band, per channel, per level, a few phrasings of what an adult would see and hear.
# {name}, {they}, {them}, {their}, {themself} are the child's; a pronoun is never the subject of a present-tense
# verb, so that "she" and "they" both read right. Words of the child's own are the band's: a toddler says "No!",
# not "I'm fine".

_YOUNG_PLAY = (
    ("{name} isn't playing with anything.", "{name} stands still, the toys untouched."),
    ("{name} pokes at a toy, half-hearted.", "{name} picks things up and drops them again."),
    ("{name} is busy playing.", "{name} is playing, chattering away."),
    ("{name} is lost in play, trying things out.", "{name} is absorbed, trying something new."),
)
_OLDER_PLAY = (
    ("{name} isn't doing anything with the activity.", "{name} leaves the activity untouched."),
    ("{name} fiddles with things, half-hearted.", "{name} starts, stops, and starts again."),
    ("{name} is busy with the activity.", "{name} gets on with it."),
    ("{name} is absorbed, trying things out.", "{name} is deep in it, trying out ideas."),
)

PHRASES: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "toddler": {
        "distress": (
            ("{name}'s face is relaxed, {their} body loose.", "{name} babbles away, face relaxed."),
            ("{name}'s lip wobbles for a moment.", "{name} goes still and quiet, a small frown on {their} face."),
            ("{name} whimpers, eyes filling with tears.", "{name}'s chin trembles and the tears come."),
            ("{name} is sobbing hard, red in the face.", "{name} screams and cries, body stiff."),
        ),
        "seeking": (
            ("{name} doesn't reach for you or look your way.", "{name} doesn't look round for you."),
            ("{name} looks over at you now and then.", "{name} peeks at you, then away."),
            ("{name} toddles over and lifts {their} arms to you.", "{name} calls out to you, arms held out."),
            ("{name} clings to your legs and won't let go.", "{name} grabs your clothes and wails when you move."),
        ),
        "play": _YOUNG_PLAY,
        "tantrum": (
            (
                "{name} throws {themself} on the floor, kicking and screaming \u201cNo!\u201d",
                "{name} arches {their} back and screams \u201cNo! No!\u201d",
            ),
        ),
    },
    "early years": {
        "distress": (
            (
                "{name}'s face is calm, {their} voice ordinary.",
                "{name} looks relaxed, chatting to nobody in particular.",
            ),
            (
                "{name} goes quiet, a small frown now and then.",
                "{name} sits a little stiffly, twisting {their} fingers.",
            ),
            ("{name} is tearful, bottom lip wobbling.", "{name} sniffs and rubs {their} eyes, shoulders hunched."),
            ("{name} is crying hard and can't get the words out.", "{name} sobs, \u201cI want to go home!\u201d"),
        ),
        "seeking": (
            (
                "{name} doesn't look for you or come to you.",
                "{name} doesn't look round for you; asked, {name} just nods.",
            ),
            ("{name} glances over at you now and then.", "{name} looks up to check where you are."),
            ("{name} comes over and tugs your hand.", "{name} calls your name: \u201cCome here!\u201d"),
            ("{name} holds on to you and won't let go.", "{name} clings to your leg: \u201cDon't go!\u201d"),
        ),
        "play": _YOUNG_PLAY,
        "tantrum": (
            (
                "{name} shouts \u201cNo!\u201d and throws or kicks out.",
                "{name} stamps and screams \u201cNo! Not doing it!\u201d",
            ),
        ),
    },
    "primary": {
        "distress": (
            ("{name}'s face is calm, {their} voice ordinary.", "{name} looks relaxed, shoulders loose."),
            ("{name} is quiet, with a small frown now and then.", "{name} sits a bit stiffly, picking at a sleeve."),
            ("{name} is tearful, {their} voice wobbling.", "{name} blinks hard and looks down, chin trembling."),
            ("{name} is crying or shouting, body tense, hard to reach.", "{name} sobs, \u201cIt's not fair!\u201d"),
        ),
        "seeking": (
            (
                "{name} doesn't look for you; \u201cI'm fine\u201d, if you ask.",
                "{name} stays put, not looking your way.",
            ),
            ("{name} glances over at you now and then.", "{name} looks across to see where you are."),
            ("{name} comes to you and asks, or calls your name.", "{name} comes over: \u201cCan you help me?\u201d"),
            ("{name} stays glued to your side and keeps asking for you.", "{name} holds your arm and won't let go."),
        ),
        "play": _OLDER_PLAY,
        "tantrum": (
            (
                "{name} shouts \u201cNo! I won't!\u201d and kicks out.",
                "{name} throws the pencil and shouts \u201cI'm not doing it!\u201d",
            ),
        ),
    },
    "early secondary": {
        "distress": (
            ("{name} looks calm, sitting easily.", "{name} seems at ease, voice ordinary."),
            ("{name} is quiet, jaw set; a sigh now and then.", "{name} taps a pen, not looking up."),
            ("{name}'s eyes are wet and {their} voice tight.", "{name} has {their} head down on the desk."),
            (
                "{name} is shouting or in tears, hard to reach.",
                "{name} snaps \u201cJust leave it!\u201d, voice cracking.",
            ),
        ),
        "seeking": (
            (
                "{name} doesn't look your way; \u201cI'm fine\u201d, if asked.",
                "{name} keeps to {themself}, not looking up.",
            ),
            ("{name} looks across at you now and then.", "{name} glances up when you move, then away."),
            ("{name} comes over, or asks you something.", "{name} hangs back near your desk after the others."),
            ("{name} stays right by you and keeps asking for you.", "{name} follows you round the room."),
        ),
        "play": _OLDER_PLAY,
        "tantrum": (
            (
                "{name} slams things down, shouts \u201cLeave me alone!\u201d, storms off.",
                "{name} shoves the chair back and shouts \u201cWhatever!\u201d",
            ),
        ),
    },
}
LEFT_DIFFICULT_WORDS = "Things were left difficult between you and {name} last time."


def _pick(options: tuple[str, ...], seed: int, moment: int, what: str) -> str:
    """One of ``options``, the same for the same attempt seed, moment and channel (a string seed: stable hashing)."""
    return random.Random(f"{seed}:{moment}:{what}").choice(options)


def cue_lines(cues: Cues, voice: Voice, *, seed: int = 0, moment: int = 0) -> list[str]:
    """The cues in the words of the child's age band, named, one sentence a channel; reproducible for a seed."""
    bank = PHRASES[voice.band]
    lines = [
        _pick(bank[channel][getattr(cues, channel)], seed, moment, channel)
        for channel in ("distress", "seeking", "play")
    ]
    if cues.tantrum:
        lines.append(_pick(bank["tantrum"][0], seed, moment, "tantrum"))
    if cues.left_difficult:
        lines.append(LEFT_DIFFICULT_WORDS)
    return [voice.fill(line) for line in lines]


# ---- the consequence ---------------------------------------------------------------------------------------
# What the child does right after the response, from the change in the levels (the opening's cues, then the
# response's): the young bands' words for toddlers and the early years, the older for primary and secondary.
_CHANGES: dict[str, dict[str, tuple[str, ...]]] = {
    "young": {
        "much_calmer": (
            "{name}'s crying eases; {name} leans against you.",
            "{name} takes a big shaky breath and goes quiet.",
        ),
        "calmer": ("{name}'s face softens a little.", "{name} sniffs and settles a little."),
        "upset": ("{name}'s face crumples a little.", "{name}'s lip starts to wobble."),
        "much_upset": ("{name} bursts into tears.", "{name} starts to wail."),
        "comes_to_you": ("{name} moves closer to you.", "{name} reaches for your hand."),
        "turns_away": ("{name} turns away from you.", "{name} stops looking at you."),
        "plays": ("{name} picks up a toy and starts to play.", "{name} wanders off to play."),
        "stops_playing": ("{name} drops the toy and stands still.", "{name} stops playing."),
        "tantrum_starts": ("{name} flings {themself} down, screaming.", "{name} kicks out and screams."),
        "tantrum_ends": ("The screaming stops; {name} goes quiet.",),
        "rupture": ("{name} flinches and goes very still.", "{name} shrinks back from you."),
        "mended": ("{name} peeps up at you again.", "{name} looks up at you with a little smile."),
        "still_upset": ("{name} is still crying.", "{name} is still upset."),
        "still_playing": ("{name} carries on playing.",),
        "same": ("{name} carries on much as before.", "{name} stays much the same."),
    },
    "older": {
        "much_calmer": (
            "{name}'s breathing slows; {name} wipes {their} eyes and sits up.",
            "The tears stop; {name} lets out a long breath.",
        ),
        "calmer": ("{name}'s shoulders drop a little.", "{name}'s face relaxes a little."),
        "upset": ("{name}'s face tightens.", "{name} goes red and looks down."),
        "much_upset": ("{name}'s eyes fill up and {their} voice goes.", "{name} starts to cry."),
        "comes_to_you": ("{name} moves closer to you.", "{name} looks up at you, waiting."),
        "turns_away": ("{name} turns away from you.", "{name} stops looking your way."),
        "plays": ("{name} gets going again.", "{name} starts to have a go."),
        "stops_playing": ("{name} stops and lets it be.", "{name} drifts away from the activity."),
        "tantrum_starts": ("{name} shoves things off the table and shouts.", "{name} kicks the chair and shouts."),
        "tantrum_ends": ("The shouting stops; {name} sits back down.",),
        "rupture": ("{name} flinches and goes quiet, eyes down.", "{name} stiffens and won't look at you."),
        "mended": ("{name} meets your eye again.", "{name} glances up at you and half smiles."),
        "still_upset": ("{name} is still upset.", "{name} is still tearful."),
        "still_playing": ("{name} carries on with the activity.",),
        "same": ("{name} carries on much as before.", "{name} stays much the same."),
    },
}


def changes(before: Cues, after: Cues) -> list[str]:
    """The visible changes from ``before`` to ``after``, the most marked first (keys of the consequence words)."""
    found: list[tuple[int, str]] = []
    if after.tantrum != before.tantrum:
        found.append((3, "tantrum_starts" if after.tantrum else "tantrum_ends"))
    if after.left_difficult != before.left_difficult:
        found.append((3, "rupture" if after.left_difficult else "mended"))
    distress = after.distress - before.distress
    if distress:
        found.append(
            (abs(distress), ("much_calmer", "calmer", "", "upset", "much_upset")[max(-2, min(2, distress)) + 2])
        )
    play = after.play - before.play
    if play:
        found.append((abs(play), "plays" if play > 0 else "stops_playing"))
    seeking = after.seeking - before.seeking
    if seeking > 0:
        found.append((seeking, "comes_to_you"))
    elif seeking < 0 and distress >= 0 and play <= 0:  # seeking less while no calmer nor playing: a turning away
        found.append((-seeking, "turns_away"))
    found.sort(key=lambda change: -change[0])  # a stable sort: equal changes keep the order above
    return [key for _, key in found]


def consequence(before: Cues, after: Cues, voice: Voice, *, seed: int = 0, moment: int = 0) -> str:
    """What the child does now, after the response, in a sentence or two of the age band's words.

    Drawn from the change of the levels an adult could see (``changes``); with no change, how the child goes on.
    Reproducible for a seed and moment, like the cues.
    """
    words = _CHANGES["young" if voice.band in ("toddler", "early years") else "older"]
    keys = changes(before, after)[:2]
    if not keys:
        keys = ["still_upset" if after.distress >= 2 else "still_playing" if after.play >= 2 else "same"]
    return " ".join(voice.fill(_pick(words[key], seed, moment, f"after:{key}")) for key in keys)
