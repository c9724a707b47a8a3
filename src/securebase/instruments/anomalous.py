"""Observed anomalous caregiver behaviour: a rating in the spirit of the AMBIANCE (Lyons-Ruth et al. 1999).

Coders of the AMBIANCE (Atypical Maternal Behavior Instrument for Assessment
and Classification) watch a caregiver with the child in a stressful
procedure and rate disrupted communication - frightening, frightened,
withdrawn, role-confused, intrusive-negative behaviour - on a 1-7 level. The
level rates a pattern of many small behaviours in the session, not a count of
rare events: the model's anomalous moments and losses of temper are coarse
stand-ins for that pattern, so the observer rates the figure's expected
alarming behaviour over ``OBSERVED_DAYS`` of ordinary exposure (``anomalous_rate``
x ``anomalous_severity`` + ``rupture_rate`` x the model's ``temper_severity``) on a
saturating 1-7 scale, plus the coder's error. Inter-coder reliability of the
AMBIANCE level is about ICC .8 to .9 (Lyons-Ruth et al. 1999; Madigan et al.
2006), which sets ``CODER_SD`` (fixed, not fitted: the link between this
rating and disorganisation is a calibration target, so the instrument's error
must not be tuned to it). An earlier version counted the events of one day
(Poisson): its rating correlated only .35 with the figure's own rate in the
mixed-risk sample, a reliability far below any published for the AMBIANCE.
"""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.state import Figures

#: days of ordinary exposure the observed procedure is worth: a stressful procedure elicits the pattern a
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
    expected = (
        figures.anomalous_rate[:, k] * figures.anomalous_severity[:, k] + figures.rupture_rate[:, k] * params.temper_severity
    )
    level = 1.0 + 6.0 * -np.expm1(-expected * OBSERVED_DAYS / SEVERITY_SCALE)
    return np.clip(level + CODER_SD * rng.standard_normal(len(level)), 1.0, 7.0)
