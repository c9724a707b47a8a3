"""The instruments by name: the ages each is valid at, its reading, its classes and its source.

A light table (no instrument is imported), so that a trial file is checked without loading the model's kernels;
registry.py runs them, and each instrument refuses children outside its ages by this table (ages.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from securebase.model.state import STRATEGIES
from securebase.scenario.load import ScenarioError


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

#: the instruments that read a child's security with a figure, classifications first: where one of them is valid
#: at an age it is preferred (the share secure is what studies of change report); the scores fill the ages no
#: classification covers (the Q-sort at 20-30 months, the Security Scale at 8-14 years). The state of mind reads
#: the general working model, not the figure's: from 14 years it is the only classification (modelling choice)
SECURITY_READOUTS: tuple[str, ...] = ("strange-situation", "reunion", "state-of-mind", "security-score", "security-scale")


class NoReadoutError(ScenarioError):
    """No instrument reads security at an age (a ValueError: the CLI exits 2 on it)."""


def security_readout(age_months: float) -> str:
    """The instrument that reads a child's security with a figure at ``age_months``: a classification where one is
    valid (its outcome class, ``default_class``, is the secure one: B, or F for the state of mind), else a score.

    Between 84 and 96 months no instrument is valid (the reunion systems end at 7 years, the Security Scale starts
    at 8): the age is refused with an error naming it, never read by the nearest instrument outside its range, which
    would itself refuse the child (ages.py).
    """
    age = float(age_months)
    if not math.isfinite(age) or age < 0:
        raise NoReadoutError(f"age_months has value {age_months!r}; expected an age of 0 months or more")
    valid = [name for name in SECURITY_READOUTS if _valid_at(name, age)]
    for kind in ("classification", "continuous"):
        for name in valid:
            if INSTRUMENTS[name].kind == kind:
                return name
    ranges = ", ".join(f"{name} {INSTRUMENTS[name].valid_months[0]:g}-{INSTRUMENTS[name].valid_months[1]:g}"
                       for name in SECURITY_READOUTS)  # fmt: skip
    raise NoReadoutError(
        f"age_months has value {age:g} ({age / 12:.1f} years): no instrument reads security at that age; expected "
        f"an age within one of the instruments' ranges (months: {ranges})"
    )


def _valid_at(name: str, age_months: float) -> bool:
    low, high = INSTRUMENTS[name].valid_months
    return low <= age_months <= high
