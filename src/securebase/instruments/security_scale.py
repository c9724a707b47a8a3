"""A school-age security score: the Security Scale's self-report (Kerns, Klepac & Cole 1996), 8 to 15 years.

Children rate 15 items about a named figure on a 4-point scale; the score is the mean, 1 to 4. The items ask
whether the figure is responsive and available, whether the child relies on it in times of stress, and
whether the child finds it easy and wants to talk with it (Kerns et al. 1996). Here the child answers from
its working model of the figure, five items for each content (modelling choice: the published items are not
split evenly):

- responsive and available: the warmth it expects (trust) and that its bids will be answered
  (1 - unavailability), averaged;
- reliance in stress: that a bid will not be rebuffed (1 - rejection) and the figure does not frighten it
  (1 - fear), multiplied (either is enough to keep a child from turning to the figure);
- ease of communication: the security it expects of the figure (model/anxiety.py ``expected_security``: trust
  less fear).

An item's true answer is 1 + 3 x its content's level; the child's answer adds self-report error and is
rounded to a whole point on the scale. The error is fixed, not fitted: a scale score's standard error of
measurement is SD x sqrt(1 - alpha), with the published internal consistency ``ALPHA`` and spread
``PUBLISHED_SD``; each item's error is set so that the mean of 15 rounded items has that error
(:func:`item_error_sd`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from securebase.instruments.ages import check_ages
from securebase.model.anxiety import expected_security
from securebase.model.state import Children, Figures

NAME = "security-scale"
ITEMS = 15
#: the items of each content, in the order of the module docstring (modelling choice: an even split)
ITEMS_PER_CONTENT = (5, 5, 5)
SCALE = (1.0, 4.0)
#: internal consistency of the scale: Cronbach's alpha about .8 to .9 in school-age samples (Kerns et al. 1996;
#: Kerns et al. 2001); the middle
ALPHA = 0.85
#: spread of the scale's scores in school-age samples: SD about 0.5 points on the 1-4 mean (Kerns et al. 1996)
PUBLISHED_SD = 0.5


def standard_error(alpha: float = ALPHA, published_sd: float = PUBLISHED_SD) -> float:
    """The scale score's standard error of measurement: SD x sqrt(1 - alpha)."""
    return published_sd * math.sqrt(1.0 - alpha)


def item_error_sd(alpha: float = ALPHA, published_sd: float = PUBLISHED_SD) -> float:
    """Sd of one item's Normal error before rounding, so that the mean of ITEMS rounded items errs by
    :func:`standard_error` (rounding to whole points adds a variance of 1/12 per item)."""
    per_item = ITEMS * standard_error(alpha, published_sd) ** 2 - 1.0 / 12.0
    return math.sqrt(max(per_item, 0.0))


def contents(children: Children, figures: Figures, figure: str) -> np.ndarray:
    """The child's level (0 to 1) on each of the scale's three contents, shape (n, 3)."""
    k = figures.index(figure)
    trust, fear = children.trust[:, k], children.fear[:, k]
    available = 0.5 * (trust + (1.0 - children.unavailability[:, k]))
    reliance = (1.0 - children.rejection[:, k]) * (1.0 - fear)
    communication = expected_security(trust, fear)
    return np.stack([available, reliance, communication], axis=1).astype(np.float64)


def true_score(children: Children, figures: Figures, figure: str) -> np.ndarray:
    """The error-free scale score (1-4): the mean of the items' true answers."""
    levels = contents(children, figures, figure)
    weights = np.asarray(ITEMS_PER_CONTENT, dtype=np.float64) / ITEMS
    return SCALE[0] + (SCALE[1] - SCALE[0]) * levels @ weights


def security_scale(
    children: Children, figures: Figures, figure: str, rng: np.random.Generator, administrations: int = 1
) -> pd.DataFrame:
    """One row per child: its score (mean of 15 items, 1-4) on the first administration, and each further one's.

    Refuses (InstrumentAgeError) children outside the valid ages, before reading anything.
    """
    check_ages(NAME, children.age_days)
    levels = contents(children, figures, figure)
    true_items = SCALE[0] + (SCALE[1] - SCALE[0]) * np.repeat(levels, ITEMS_PER_CONTENT, axis=1)
    sd = item_error_sd()
    out = pd.DataFrame({"child": np.arange(children.n)})
    for index in range(administrations):
        answers = np.clip(np.rint(true_items + sd * rng.standard_normal(true_items.shape)), *SCALE)
        out["value" if index == 0 else f"value_{index + 1}"] = answers.mean(axis=1)
    return out
