"""The Strange Situation Procedure (Ainsworth et al. 1978) as a moment-scale simulation.

Eight episodes with the caregiver and a stranger, run with the very step the
developmental engine uses, on copies of children who bring their history. An
observer records each child's behaviour in each episode; the coding module
turns the reunion behaviour into Ainsworth's interactive scales and a
classification. The stranger is not an attachment figure: the child does not
bid to her; her arrival and the separations are the stresses of the procedure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from securebase.engine.kernels import elementwise
from securebase.engine.moments import Segment, run_moments, steps_in
from securebase.model.display import exaggerated, turning_away
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children, Figures
from securebase.model.step import EpisodeRecord

SECONDS_PER_STEP = 5.0

#: (name, minutes, caregiver present, stranger present, stress per minute).
#: Durations from Ainsworth et al. (1978); the stresses are instrument constants
#: (docs/model.md, "Strange Situation"): an unfamiliar room, a stranger, being left.
EPISODES: tuple[tuple[str, float, bool, bool, float], ...] = (
    ("introduction", 0.5, True, False, 0.02),
    ("caregiver_and_child", 3.0, True, False, 0.03),
    ("stranger_joins", 3.0, True, True, 0.06),
    ("first_separation", 3.0, False, True, 0.12),
    ("first_reunion", 3.0, True, False, 0.03),
    ("child_alone", 3.0, False, False, 0.20),
    ("stranger_returns", 3.0, False, True, 0.12),
    ("second_reunion", 3.0, True, False, 0.03),
)
EPISODE_NAMES = tuple(e[0] for e in EPISODES)
REUNIONS = ("first_reunion", "second_reunion")

#: behaviour recorded per child and episode (means over the episode's steps)
BEHAVIOURS = (
    "exploration",
    "distress",
    "proximity_seeking",
    "contact_maintaining",
    "resistance",
    "avoidance",
    "disorganisation",
    "arousal",
)


def segments(caregiver: str) -> list[Segment]:
    return [
        Segment(name, minutes, (caregiver,) if with_caregiver else (), stress)
        for name, minutes, with_caregiver, _, stress in EPISODES
    ]


@dataclass
class _Recorder:
    """Sums each child's behaviour over the steps of each episode."""

    caregiver: int
    n: int
    steps_per_episode: list[int]
    params: ModelParameters

    def __post_init__(self) -> None:
        self.sums = {b: np.zeros((len(EPISODES), self.n)) for b in BEHAVIOURS}
        self.with_caregiver = {k: np.zeros((len(EPISODES), self.n)) for k in ("steps", "arousal", "shown")}

    def _pattern(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Resistance and avoidance in episode ``index``: a coder rates the pattern over the episode, so the
        display is set against the arousal over the time the caregiver is there, not moment by moment (each
        moment's display carries the signal's noise): exaggerated protest is the display beyond the arousal
        (Cassidy & Berlin 1994), turning away the arousal withheld from it (Main 1981), each times the share of
        the episode the caregiver is there."""
        w = self.with_caregiver
        steps = np.maximum(w["steps"][index], 1.0)
        arousal, shown = w["arousal"][index] / steps, w["shown"][index] / steps
        share = w["steps"][index] / self.steps_per_episode[index]
        resistance = elementwise(exaggerated)(arousal, shown) * share
        avoidance = elementwise(turning_away)(arousal, shown, self.params.bid_threshold) * share
        return resistance, avoidance

    def __call__(self, episode: int, step: int, children: Children, record: EpisodeRecord, present: np.ndarray) -> None:
        c = self.caregiver
        arousal, shown = children.anxiety, children.distress_shown
        intensity = np.where(record.target == c, record.intensity, 0.0)
        with_caregiver = present[:, c]
        s = self.sums
        # coders see what the child shows (model/display.py): attention on the toys, distress shown, bids
        s["exploration"][episode] += children.attention_to_toys
        s["distress"][episode] += shown
        s["proximity_seeking"][episode] += intensity
        # still seeking contact in the second half of the episode
        late = step >= self.steps_per_episode[episode] // 2
        s["contact_maintaining"][episode] += np.where(late, intensity > 0, 0.0) * 2.0
        # with the caregiver there: what the child shows against what it feels, for the pattern over the episode
        self.with_caregiver["steps"][episode] += with_caregiver
        self.with_caregiver["arousal"][episode] += np.where(with_caregiver, arousal, 0.0)
        self.with_caregiver["shown"][episode] += np.where(with_caregiver, shown, 0.0)
        # approach and fear at once: needing a caregiver who frightens
        s["disorganisation"][episode] += np.where(with_caregiver, children.fear[:, c] * arousal, 0.0)
        # the physiological read-out (heart rate, cortisol: Sroufe & Waters 1977; Spangler & Grossmann 1993):
        # internal arousal, which no coder sees and no classification uses
        s["arousal"][episode] += arousal

    def table(self) -> pd.DataFrame:
        frames = []
        for index, name in enumerate(EPISODE_NAMES):
            frame = {"child": np.arange(self.n), "episode": name}
            for behaviour in BEHAVIOURS:
                frame[behaviour] = self.sums[behaviour][index] / self.steps_per_episode[index]
            frame["resistance"], frame["avoidance"] = self._pattern(index)
            frames.append(pd.DataFrame(frame))
        return pd.concat(frames, ignore_index=True)


def observe_strange_situation(
    children: Children,
    figures: Figures,
    caregiver: str,
    rng: np.random.Generator,
    params: ModelParameters,
) -> pd.DataFrame:
    """Run the eight episodes; one row per child and episode with the behaviour observed.

    The children are copied: the procedure observes them and changes nothing.
    """
    plan = segments(caregiver)
    recorder = _Recorder(
        caregiver=figures.index(caregiver),
        n=children.n,
        steps_per_episode=[steps_in(s, SECONDS_PER_STEP) for s in plan],
        params=params,
    )
    run_moments(children, figures, plan, rng, params, SECONDS_PER_STEP, observer=recorder)
    return recorder.table()
