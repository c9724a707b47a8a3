"""A separation-reunion classified A/B/C/D for preschool and early-school children (about 2.5 to 7 years).

After infancy, attachment to a figure is classified from a separation and reunion by systems made for the age:
Cassidy & Marvin's (1992) preschool system (about 2.5 to 4.5 years) and Main & Cassidy's (1988) sixth-year
reunion system (about 5 to 7 years). Both keep Ainsworth's patterns - B open and at ease with the figure,
A minimising attachment (neutral, turning to toys), C heightening it (babyish, resistant, coy) - and call
the fourth, D, controlling/disorganised: the child directs the figure, punitively or by caregiving, or its
behaviour is disorganised.

What the coder reads is the strategy the child's working model of the figure reads as (model/strategy.py
``classify``: suppressed signalling A, amplified C, fear of the figure above ``fear_threshold`` D, else B), on
the model's own thresholds: the procedure is not re-run as moments, because the Strange Situation's coding
constants (ssp_coding.py) were calibrated on infants' behaviour at 12 months and the model has no behaviour of
its own for what the older systems code (negotiation, role reversal). Trust and familiarity do not enter the
class: the model's strategies are its gain and fear, and no published cut of trust marks B (modelling choice).

The coder's error is fixed from the systems' published inter-coder agreement, not fitted (coding_error.py):
``AGREEMENT`` below; two coders of the same children agree that often whatever the children.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.instruments.ages import check_ages, months_of
from securebase.instruments.coding_error import accuracy_for_agreement, code_classes
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children, Figures
from securebase.model.strategy import AMBIVALENT, AVOIDANT, DISORGANISED, SECURE, classify

NAME = "reunion"
CLASSES = ("A", "B", "C", "D")
#: the class each model strategy (model/strategy.py indices) is coded as
_CLASS_OF_STRATEGY = {SECURE: "B", AVOIDANT: "A", AMBIVALENT: "C", DISORGANISED: "D"}
#: the two coding systems and the age (months) from which the older one applies: Cassidy & Marvin's system is
#: for about 2.5 to 4.5 years, Main & Cassidy's for the sixth year; the half year between is coded with the
#: later system (modelling choice)
SYSTEMS = ("cassidy-marvin", "main-cassidy")
MAIN_CASSIDY_FROM_MONTHS = 54.0
#: two coders' agreement on the four classes: Cassidy & Marvin's system about 75-90% across reliability
#: studies, Main & Cassidy's about 80-90% (Solomon & George 2008, Handbook of Attachment ch. 18, review
#: both); the middle of each band
AGREEMENT = {"cassidy-marvin": 0.82, "main-cassidy": 0.85}


def true_classes(children: Children, figures: Figures, figure: str, params: ModelParameters) -> np.ndarray:
    """The class (index into CLASSES) an error-free coder gives each child: its strategy with ``figure``."""
    k = figures.index(figure)
    strategy = classify(children.gain[:, k], children.fear[:, k], params)
    lookup = np.array([CLASSES.index(_CLASS_OF_STRATEGY[s]) for s in range(len(_CLASS_OF_STRATEGY))])
    return lookup[strategy]


def system_of(age_days: np.ndarray) -> np.ndarray:
    """The coding system (index into SYSTEMS) for children of these ages."""
    return (months_of(age_days) >= MAIN_CASSIDY_FROM_MONTHS).astype(np.int64)


def observe_reunion(
    children: Children,
    figures: Figures,
    figure: str,
    rng: np.random.Generator,
    params: ModelParameters,
    coders: int = 1,
) -> pd.DataFrame:
    """One row per child: the system used and the first coder's class, and each further coder's class.

    Refuses (InstrumentAgeError) children outside the valid ages, before reading anything.
    """
    check_ages(NAME, children.age_days)
    true = true_classes(children, figures, figure, params)
    system = system_of(children.age_days)
    accuracy = np.array([accuracy_for_agreement(AGREEMENT[name], len(CLASSES)) for name in SYSTEMS])[system]
    out = pd.DataFrame({"child": np.arange(children.n), "system": np.asarray(SYSTEMS)[system]})
    for coder in range(coders):
        coded = code_classes(true, accuracy, len(CLASSES), rng)
        column = "classification" if coder == 0 else f"classification_coder{coder + 1}"
        out[column] = np.asarray(CLASSES)[coded]
    return out
