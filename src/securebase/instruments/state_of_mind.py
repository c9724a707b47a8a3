"""State of mind with respect to attachment, as the Adult Attachment Interview classifies it (14 years and older).

The AAI (George, Kaplan & Main 1985) asks about childhood relationships with the attachment figures; coders
(Main, Goldwyn & Hesse 2003) judge not the experiences told but the state of mind with which they are told:
secure-autonomous (F: coherent, valuing attachment), dismissing (Ds: attachment minimised, idealised or not
remembered), preoccupied (E: angry or passive involvement with the past), unresolved (U: lapses in reasoning
about loss or trauma). It reads the general working model, not one relationship: here the general prior
(state.py ``prior_*``), which every relationship has fed and which seeds every new one.

The class is the strategy the general prior reads as, on the model's own read-out and thresholds
(model/strategy.py ``classify`` of ``prior_gain`` and ``prior_fear``; no new cut): fear of attachment figures
in general above ``fear_threshold`` is U (taking precedence, as U does in the AAI); a suppressed general gain
(below -``gain_threshold``, the strategy that expected rejection calls for) is Ds; an amplified one (above
``gain_threshold``, called for by expected unavailability) is E; else F.

The coherence of mind rating (1-9) is continuous: 1 + 8 x the security expected of figures in general
(model/anxiety.py ``expected_security`` of the prior: trust less fear) x the openness of the general signal
(1 - |prior_gain| / gain_limit, as the security score reads distortion): coherent transcripts come from
trusting, open minds (modelling choice).

Errors are fixed from published reliability, not fitted: the class through a coder who agrees with another
``AGREEMENT`` of the time (coding_error.py; Bakermans-Kranenburg & van IJzendoorn 1993 and the AAI
meta-analyses report inter-judge agreement of about 80% with kappa about .7 to .8); the coherence rating with
the error a rating of inter-judge reliability ``COHERENCE_RELIABILITY`` has on a spread of
``COHERENCE_SPREAD`` points.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from securebase.instruments.ages import check_ages
from securebase.instruments.coding_error import accuracy_for_agreement, code_classes
from securebase.model.anxiety import expected_security
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children
from securebase.model.strategy import AMBIVALENT, AVOIDANT, DISORGANISED, SECURE, classify

NAME = "state-of-mind"
CLASSES = ("F", "Ds", "E", "U")
#: the class each model strategy (model/strategy.py indices) of the general prior is coded as
_CLASS_OF_STRATEGY = {SECURE: "F", AVOIDANT: "Ds", AMBIVALENT: "E", DISORGANISED: "U"}
#: two judges' agreement on the four classes: about 80% (Bakermans-Kranenburg & van IJzendoorn 1993; the AAI
#: meta-analyses, e.g. van IJzendoorn 1995)
AGREEMENT = 0.80
COHERENCE_SCALE = (1.0, 9.0)
#: inter-judge reliability of the coherence scales: correlations of about .8 to .9 between trained judges
#: (Bakermans-Kranenburg & van IJzendoorn 1993); the middle
COHERENCE_RELIABILITY = 0.85
#: the spread of coherence ratings in samples: about 2 points on the 9-point scale (modelling choice: an
#: assumed figure for the SD of a 9-point rating used across its range)
COHERENCE_SPREAD = 2.0
#: the judge's error on the coherence rating: SD x sqrt(1 - reliability)
COHERENCE_SD = COHERENCE_SPREAD * math.sqrt(1.0 - COHERENCE_RELIABILITY)


def true_classes(children: Children, params: ModelParameters) -> np.ndarray:
    """The class (index into CLASSES) an error-free judge gives each person: the strategy of the general prior."""
    strategy = classify(children.prior_gain, children.prior_fear, params)
    lookup = np.array([CLASSES.index(_CLASS_OF_STRATEGY[s]) for s in range(len(_CLASS_OF_STRATEGY))])
    return lookup[strategy]


def true_coherence(children: Children, params: ModelParameters) -> np.ndarray:
    """The error-free coherence of mind rating, 1 to 9."""
    security = expected_security(children.prior_trust, children.prior_fear)
    openness = 1.0 - np.abs(children.prior_gain) / params.gain_limit
    low, high = COHERENCE_SCALE
    return (low + (high - low) * security * openness).astype(np.float64)


def state_of_mind(
    children: Children, rng: np.random.Generator, params: ModelParameters, coders: int = 1
) -> pd.DataFrame:
    """One row per person: the first judge's class and coherence rating, and each further judge's.

    Refuses (InstrumentAgeError) people outside the valid ages, before reading anything.
    """
    check_ages(NAME, children.age_days)
    true = true_classes(children, params)
    coherence = true_coherence(children, params)
    accuracy = accuracy_for_agreement(AGREEMENT, len(CLASSES))
    out = pd.DataFrame({"child": np.arange(children.n)})
    for judge in range(coders):
        suffix = "" if judge == 0 else f"_coder{judge + 1}"
        out[f"classification{suffix}"] = np.asarray(CLASSES)[code_classes(true, accuracy, len(CLASSES), rng)]
        rated = coherence + COHERENCE_SD * rng.standard_normal(children.n)
        out[f"coherence{suffix}"] = np.clip(rated, *COHERENCE_SCALE)
    return out
