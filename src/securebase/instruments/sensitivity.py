"""Observed sensitivity: an observer's rating of a caregiver on Ainsworth's 9-point scale, with error.

The observer watches a home visit of ``bids_observed`` bids, each met by the
model's own caregiving (model/caregiving.py ``response``), and scores each
response: noticed, answered, warm, and fitting the need. The rating is 1 + 8 x
the mean score, plus the observer's error. A short visit samples the
caregiver's day (lapses of attention included), so even an error-free observer
measures a caregiver's sensitivity imperfectly, as in the field (Ainsworth et
al. 1978; De Wolff & van IJzendoorn 1997).
"""

from __future__ import annotations

import numpy as np

from securebase.engine.kernels import elementwise
from securebase.model.caregiving import WARM, daily_attention, response, soothing_of_warm_response
from securebase.model.parameters import ModelParameters
from securebase.model.state import Figures

BIDS_OBSERVED = 20
#: sd of the observer's error in scale points (inter-observer r about .8 on such scales): the hand-set value;
#: the calibrated one is a Calibration's ``instruments.observer_sd``, passed in as ``observer_sd``
OBSERVER_SD = 0.8
#: intensity of the bids the observer sees: an ordinary request for attention
TYPICAL_INTENSITY = 0.4


def observed_sensitivity(
    figures: Figures,
    figure: str,
    rng: np.random.Generator,
    params: ModelParameters,
    bids_observed: int = BIDS_OBSERVED,
    observer_sd: float = OBSERVER_SD,
) -> np.ndarray:
    """One rating (1-9) per child of how sensitive its ``figure`` was during the visit."""
    k = figures.index(figure)
    n = figures.warmth.shape[0]
    attention = elementwise(daily_attention)(figures.consistency[:, k], rng.random(n), params.lapse_attention)
    u = rng.random((4, n, bids_observed))
    # each bid meets the caregiving mechanism itself (model/caregiving.py); the observer scores a warm
    # response by how well it fits, as the child is soothed by it
    outcome = elementwise(response)(
        figures.sensitivity[:, k, None], attention[:, None], figures.reliability[:, k, None],
        figures.warmth[:, k, None], TYPICAL_INTENSITY, u[0], u[1], u[2],
    )  # fmt: skip
    fits = (u[3] < figures.appropriateness[:, k, None]).astype(np.float64)
    fit = elementwise(soothing_of_warm_response)(fits, 1.0, params.fit_floor)
    score = np.where(outcome == WARM, fit, 0.0).mean(axis=1)
    rating = 1.0 + 8.0 * score + observer_sd * rng.standard_normal(n)
    return np.clip(rating, 1.0, 9.0)
