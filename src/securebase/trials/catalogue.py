"""The instruments a trial file may name: the ages each is valid at, its reading and its source.

A light table (no instrument is imported), so that a trial file is checked without loading the model's kernels;
trials/measures.py runs them.
"""

from __future__ import annotations

from dataclasses import dataclass

from securebase.model.state import STRATEGIES


@dataclass(frozen=True)
class InstrumentInfo:
    """An instrument as a trial file names it: the ages (months) it is valid at, and its reading."""

    name: str
    valid_months: tuple[float, float]
    #: 'classification' (a class per child: the outcome is the share in one class) or 'continuous'
    kind: str
    reading: str
    source: str
    #: the classes of a classification, and the one whose share is the outcome unless the file names another
    classes: tuple[str, ...] = ()
    default_class: str = ""


INSTRUMENTS: dict[str, InstrumentInfo] = {
    "strange-situation": InstrumentInfo(
        "strange-situation",
        (11.0, 20.0),
        "classification",
        "A/B/C/D classification (outcome: the share in one class, B unless named)",
        "Ainsworth et al. 1978 (12 months); coded for infants of about 11 to 20 months, older children need the "
        "preschool systems (Cassidy & Marvin 1992)",
        ("A", "B", "C", "D"),
        "B",
    ),
    "observed-sensitivity": InstrumentInfo(
        "observed-sensitivity",
        (0.0, 72.0),
        "continuous",
        "the caregiver's sensitivity on Ainsworth's 9-point scale, from a home visit",
        "Ainsworth et al. 1978; used from birth through the preschool years (De Wolff & van IJzendoorn 1997)",
    ),
    "security-score": InstrumentInfo(
        "security-score",
        (12.0, 60.0),
        "continuous",
        "the Attachment Q-sort security score, -1 to 1",
        "Waters & Deane 1985: children of 1 to 5 years",
    ),
    "model-strategy": InstrumentInfo(
        "model-strategy",
        (0.0, 1200.0),
        "classification",
        "the strategy the child's working model of the figure reads as (the model's own read-out, no observer)",
        "modelling choice: a read-out of the model's state (docs/model.md, the strategy read-out), valid at any "
        "age; no real study observes it without error",
        STRATEGIES,
        "secure",
    ),
    "model-trust": InstrumentInfo(
        "model-trust",
        (0.0, 1200.0),
        "continuous",
        "the child's trust in the figure, 0 to 1 (the model's own read-out, no observer)",
        "modelling choice: a read-out of the model's state, valid at any age; no real study observes it",
    ),
}
