"""The instruments by name: the ages each is valid at, its reading, its classes and its source.

A light table (no instrument is imported), so that a trial file is checked without loading the model's kernels;
registry.py runs them, and each instrument refuses children outside its ages by this table (ages.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from securebase.model.state import STRATEGIES


@dataclass(frozen=True)
class InstrumentInfo:
    """An instrument as a trial file (or a run) names it: the ages (months) it is valid at, and its reading."""

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
    "reunion": InstrumentInfo(
        "reunion",
        (30.0, 84.0),
        "classification",
        "A/B/C/D classification of a separation-reunion with the figure (D: controlling/disorganised), the "
        "Strange Situation's procedure and coder at older ages; outcome: the share in one class, B unless named",
        "Cassidy & Marvin 1992 (preschool system, about 2.5 to 4.5 years) and Main & Cassidy 1988 (sixth-year "
        "reunion system, about 5 to 7 years); younger children have the Strange Situation, older ones the "
        "security-scale",
        ("A", "B", "C", "D"),
        "B",
    ),
    "security-scale": InstrumentInfo(
        "security-scale",
        (96.0, 180.0),
        "continuous",
        "the child's self-reported security with the figure: the Security Scale's mean of 15 items scored 1 to 4",
        "Kerns, Klepac & Cole 1996: a self-report made for children of 8 to 12 years, valid into adolescence "
        "(Van Ryzin & Leve 2012)",
    ),
    "state-of-mind": InstrumentInfo(
        "state-of-mind",
        (168.0, 1200.0),
        "classification",
        "state of mind with respect to attachment, from the general working model: F secure-autonomous, Ds "
        "dismissing, E preoccupied, U unresolved (outcome: the share in one class, F unless named)",
        "George, Kaplan & Main 1985; Main, Goldwyn & Hesse 2003: the Adult Attachment Interview, used from about "
        "14 years (adolescents and adults)",
        ("F", "Ds", "E", "U"),
        "F",
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
