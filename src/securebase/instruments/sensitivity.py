"""Observed sensitivity: an observer's rating of a caregiver on Ainsworth's 9-point scale, with error.

Ainsworth's sensitivity scale rates whether the caregiver notices the child's
signals, interprets them correctly, and responds to them promptly and
appropriately (Ainsworth, Bell & Stayton 1974). The observer watches a home
visit of ``bids_observed`` bids, from subtle cues to clear requests (intensity
uniform up to ``CLEAREST_BID``), each met by the model's own caregiving
(model/caregiving.py: ``notice_probability`` and ``response``, on the
caregiver's attention that day), and scores each bid on the scale's four
parts: noticed; answered (followed through); warm; fitting the need. The
rating is 1 + 8 x the mean score, plus the observer's error. So the rating
reads the caregiver's construct - the five qualities as they show in a visit -
and a short visit samples the caregiver's day (lapses of attention included),
so even an error-free observer measures a caregiver imperfectly, as in the
field (De Wolff & van IJzendoorn 1997).
"""

from __future__ import annotations

import numpy as np

from securebase.engine.kernels import elementwise
from securebase.model.caregiving import UNANSWERED, WARM, daily_attention, notice_probability, response
from securebase.model.drift import drifted
from securebase.model.parameters import ModelParameters
from securebase.model.state import Figures

BIDS_OBSERVED = 20
#: sd of the observer's error in scale points (inter-observer r about .8 on such scales): the hand-set value;
#: the calibrated one is a Calibration's ``instruments.observer_sd``, passed in as ``observer_sd``
OBSERVER_SD = 0.8
#: the clearest bid the observer sees: an ordinary request for attention; the others are subtler cues
CLEAREST_BID = 0.4


def observed_sensitivity(
    figures: Figures,
    figure: str,
    rng: np.random.Generator,
    params: ModelParameters,
    bids_observed: int = BIDS_OBSERVED,
    observer_sd: float = OBSERVER_SD,
    care_drift: np.ndarray | None = None,
) -> np.ndarray:
    """One rating (1-9) per child of how sensitive its ``figure`` was during the visit.

    ``care_drift`` (n,), the relationship's drift of care now (``Children.care_drift[:, k]``, model/drift.py), makes
    the visit see the caregiving as it is that day, not the level drawn for the figure; None: the drawn level."""
    k = figures.index(figure)
    n = figures.warmth.shape[0]
    drift = np.zeros(n) if care_drift is None else np.asarray(care_drift, float)
    quality = {
        name: elementwise(drifted)(getattr(figures, name)[:, k], drift)
        for name in ("consistency", "sensitivity", "reliability", "warmth", "appropriateness")
    }
    attention = elementwise(daily_attention)(quality["consistency"], rng.random(n), params.lapse_attention)
    u = rng.random((5, n, bids_observed))
    cue = CLEAREST_BID * u[4]
    # each bid meets the caregiving mechanism itself, on the same uniforms: noticing is response's first part
    noticed = u[0] < elementwise(notice_probability)(quality["sensitivity"][:, None], attention[:, None], cue)
    outcome = elementwise(response)(
        quality["sensitivity"][:, None], attention[:, None], quality["reliability"][:, None],
        quality["warmth"][:, None], cue, u[0], u[1], u[2],
    )  # fmt: skip
    answered = outcome != UNANSWERED
    fits = answered & (u[3] < quality["appropriateness"][:, None])
    score = (noticed.astype(float) + answered + (outcome == WARM) + fits).mean(axis=1) / 4.0
    rating = 1.0 + 8.0 * score + observer_sd * rng.standard_normal(n)
    return np.clip(rating, 1.0, 9.0)
