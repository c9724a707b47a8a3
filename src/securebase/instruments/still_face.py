"""The still-face procedure (Tronick et al. 1978): play, a still face, and reunion.

The caregiver plays responsively for two minutes, then stays but answers
nothing for two minutes, then plays again. Every step a child bids is an
exchange: matched if the caregiver answers warmly, mismatched otherwise. A
mismatch is repaired when a matched exchange follows within
``REPAIR_WINDOW_SECONDS``. Tronick (1989) found most normal exchanges
mismatched and then quickly repaired; the still face breaks the repair, and
its distress carries over into the reunion.

Coders see what the child shows (``distress``: distress shown, model/display.py);
``anxiety`` is the child's arousal, the physiological read-out (heart rate,
cortisol), which no coder sees. With ``per_child`` the procedure also returns
each child's mean distress shown and arousal in each phase, for paired effects
(Mesman et al. 2009 report the still-face effect as a within-child contrast).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.engine.moments import Segment, run_moments
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children, Figures
from securebase.model.step import EpisodeRecord

SECONDS_PER_STEP = 3.0
REPAIR_WINDOW_SECONDS = 15.0
PHASES = ("play", "still_face", "reunion")


def segments(caregiver: str, minutes: float = 2.0) -> list[Segment]:
    return [
        Segment("play", minutes, (caregiver,), stress_per_minute=0.03),
        Segment("still_face", minutes, (caregiver,), stress_per_minute=0.03, responsive=False),
        Segment("reunion", minutes, (caregiver,), stress_per_minute=0.03),
    ]


def still_face(
    children: Children,
    figures: Figures,
    caregiver: str,
    rng: np.random.Generator,
    params: ModelParameters,
    per_child: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """One row per phase: mean distress shown, arousal (``anxiety``) and exploration, bids, mismatches and the
    share repaired; with ``per_child``, also one row per child and phase (distress shown, arousal)."""
    n = children.n
    shown = np.zeros((len(PHASES), n))
    felt = np.zeros((len(PHASES), n))
    window = round(REPAIR_WINDOW_SECONDS / SECONDS_PER_STEP)
    k = figures.index(caregiver)
    # per child: steps since the last unrepaired mismatch (large when none is open)
    since_mismatch = np.full(n, 10**6)
    tallies = {
        phase: dict.fromkeys(("steps", "distress", "anxiety", "exploration", "bids", "mismatches", "repairs"), 0.0)
        for phase in PHASES
    }

    def observe(phase: int, step: int, kids: Children, record: EpisodeRecord, present: np.ndarray) -> None:
        nonlocal since_mismatch
        tally = tallies[PHASES[phase]]
        shown[phase] += kids.distress_shown
        felt[phase] += kids.anxiety
        bid = (record.target == k) & (record.bid_type >= 0)
        matched = bid & record.warm
        mismatched = bid & ~record.warm
        repaired = matched & (since_mismatch <= window)
        since_mismatch = np.where(repaired, 10**6, since_mismatch + 1)
        since_mismatch = np.where(mismatched & (since_mismatch > window), 0, since_mismatch)
        tally["steps"] += 1
        tally["distress"] += kids.distress_shown.mean()
        tally["anxiety"] += kids.anxiety.mean()
        tally["exploration"] += kids.attention_to_toys.mean()
        tally["bids"] += bid.sum()
        tally["mismatches"] += mismatched.sum()
        tally["repairs"] += repaired.sum()

    run_moments(children, figures, segments(caregiver), rng, params, SECONDS_PER_STEP, observer=observe)
    rows = []
    for phase in PHASES:
        t = tallies[phase]
        rows.append(
            {
                "phase": phase,
                "distress": t["distress"] / t["steps"],
                "anxiety": t["anxiety"] / t["steps"],
                "exploration": t["exploration"] / t["steps"],
                "bids_per_child_minute": t["bids"] / n / (t["steps"] * SECONDS_PER_STEP / 60.0),
                "mismatch_share": t["mismatches"] / max(t["bids"], 1),
                "repaired_share": t["repairs"] / max(t["mismatches"], 1),
            }
        )
    phases = pd.DataFrame(rows)
    if not per_child:
        return phases
    children_by_phase = pd.concat(
        [
            pd.DataFrame(
                {
                    "child": np.arange(n),
                    "phase": phase,
                    "distress": shown[index] / tallies[phase]["steps"],
                    "anxiety": felt[index] / tallies[phase]["steps"],
                }
            )
            for index, phase in enumerate(PHASES)
        ],
        ignore_index=True,
    )
    return phases, children_by_phase
