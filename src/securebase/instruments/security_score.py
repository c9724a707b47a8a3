"""A continuous security score in the spirit of the Attachment Q-sort (Waters & Deane 1985).

The AQS correlates a child's observed secure-base behaviour with the
criterion sort of the prototypically secure child, giving a score in [-1, 1].
Here the behaviour is summarised from the working model the child acts on:
smooth use of the figure as a secure base (trust, as far as the figure is familiar), neither suppressing nor
amplifying signals (|gain|), and no fear of the figure; the observer's sort
adds error (AQS observer reliability is about .7-.8: van IJzendoorn et al. 2004). Valid for children of 1 to 5
years (catalogue.py), as the AQS is.
"""

from __future__ import annotations

import numpy as np

from securebase.instruments.ages import check_ages
from securebase.model.anxiety import secure_base
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children, Figures

#: sd of the sorting error, on the [-1, 1] scale: the hand-set value; the calibrated one is a
#: Calibration's ``instruments.sorter_sd``, passed in as ``sorter_sd``
SORTER_SD = 0.15


def security_score(
    children: Children,
    figures: Figures,
    figure: str,
    rng: np.random.Generator,
    params: ModelParameters,
    sorter_sd: float = SORTER_SD,
) -> np.ndarray:
    """One score in [-1, 1] per child, for its relationship with ``figure``; refuses children outside 12-60 months
    (InstrumentAgeError, before reading anything)."""
    check_ages("security-score", children.age_days)
    k = figures.index(figure)
    base_use = secure_base(children.trust[:, k], children.fear[:, k], children.familiarity[:, k])
    distortion = np.abs(children.gain[:, k]) / params.gain_limit
    raw = 2.0 * base_use - distortion - children.fear[:, k] - 0.5
    return np.clip(raw + sorter_sd * rng.standard_normal(children.n), -1.0, 1.0)
