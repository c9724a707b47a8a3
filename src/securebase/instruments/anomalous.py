"""Observed anomalous caregiver behaviour: a rating in the spirit of the AMBIANCE (Lyons-Ruth et al. 1999).

Coders of the AMBIANCE (Atypical Maternal Behavior Instrument for Assessment
and Classification) watch a caregiver with the child in a stressful
procedure and rate disrupted communication - frightening, frightened,
withdrawn, role-confused, intrusive-negative behaviour - on a 1-7 level. Here
the observer sees ``OBSERVED_DAYS`` of the caregiver's exposure to the child's
distress: the anomalous moments in it (Poisson with the figure's
``anomalous_rate``, each of its ``anomalous_severity``) and the losses of temper
(at the model's ``temper_severity``), scored by their summed severity on a
saturating 1-7 scale, plus the coder's error. Inter-coder reliability of the
AMBIANCE level is about ICC .8 to .9 (Lyons-Ruth et al. 1999; Madigan et al.
2006), which sets ``CODER_SD`` (fixed, not fitted: the link between this
rating and disorganisation is a calibration target, so the instrument's error
must not be tuned to it).
"""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.state import Figures

#: days of ordinary exposure the observed procedure is worth: a stressful procedure elicits what a
#: day at home would show (modelling choice)
OBSERVED_DAYS = 1.0
#: summed severity at which the rating is 1 - 1/e of the way from 1 to 7 (modelling choice)
SEVERITY_SCALE = 0.5
#: sd of the coder's error in scale points: a 1-7 rating with ICC about .85 in samples whose ratings spread
#: about 1.5 points (Lyons-Ruth et al. 1999)
CODER_SD = 0.6


def observed_anomalous_behaviour(
    figures: Figures, figure: str, rng: np.random.Generator, params: ModelParameters
) -> np.ndarray:
    """One AMBIANCE-like level (1-7) per child for its ``figure``'s anomalous behaviour during the observation."""
    k = figures.index(figure)
    anomalous = rng.poisson(figures.anomalous_rate[:, k] * OBSERVED_DAYS)
    tempers = rng.poisson(figures.rupture_rate[:, k] * OBSERVED_DAYS)
    severity = anomalous * figures.anomalous_severity[:, k] + tempers * params.temper_severity
    level = 1.0 + 6.0 * -np.expm1(-severity / SEVERITY_SCALE)
    return np.clip(level + CODER_SD * rng.standard_normal(len(level)), 1.0, 7.0)
