"""Coding the Strange Situation: Ainsworth's interactive scales, a disorganisation rating, A/B/C/D.

The reunion behaviour observed (strange_situation.py) is rated on Ainsworth's
1-7 interactive scales (proximity seeking, contact maintaining, resistance,
avoidance; Ainsworth et al. 1978, Appendix III) and Main & Solomon's (1990)
1-9 disorganisation scale. A virtual coder rates with error; two coders
disagree as real ones do. The classification follows explicit rules:

1. D if the disorganisation rating is 5 or more (Main & Solomon 1990);
2. else A if avoidance, averaged over the two reunions, is 5 or more and
   exceeds resistance;
3. else C if resistance, averaged over the two reunions, is 5 or more, or
   if the child is not settled by the reunions (a 1-7 rating of the distress
   still shown, averaged over the two reunions, is 5 or more): Ainsworth's
   resistant infants are "not readily comforted" (Ainsworth et al. 1978,
   ch. 4), and a child whose distress is at its ceiling cannot show
   amplification beyond it;
4. else B.

Rules 2-4 alone give every child its best-fitting organised classification
(A, B or C), which Main & Solomon (1990) ask coders to give each D infant too;
it is what the three-way studies before the D category coded (Ainsworth et
al. 1978; van IJzendoorn & Kroonenberg 1988), so their distributions are
compared with it (calibration/measure.py).

Averaging the two reunions, rather than taking the more extreme, makes the
classification rest on the pattern across the procedure, as Ainsworth's
coders weigh it, and less on one episode's chance behaviour.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from securebase.instruments.strange_situation import REUNIONS

CLASSES = ("A", "B", "C", "D")
#: the strategy each classification reads as (docs/model.md §7, the strategy read-out)
CLASS_STRATEGY = {"A": "avoidant", "B": "secure", "C": "ambivalent", "D": "disorganised"}
SCALES = ("proximity_seeking", "contact_maintaining", "resistance", "avoidance")


@dataclass(frozen=True)
class CodingScheme:
    """How behaviour maps onto the rating scales, the cut-offs, and the coder's error.

    ``*_full`` is the behaviour index that earns the top of its scale (7, or 9
    for disorganisation); the mapping is linear from 1 at zero. These are
    instrument constants, fitted once by calibration and never per study.
    """

    proximity_seeking_full: float = 0.6
    contact_maintaining_full: float = 1.0
    resistance_full: float = 0.45
    avoidance_full: float = 0.24
    disorganisation_full: float = 0.08
    #: distress shown through the reunions that earns the top of the "not settled" rating
    unsettled_full: float = 1.3
    class_cut: float = 5.0
    #: sd of a coder's rating error, in scale points (coders agree within one point most of the time)
    coder_sd: float = 0.6

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


#: the hand-set coding constants; the calibrated scheme is a Calibration's ``coding``, passed in as ``scheme``
DEFAULT_SCHEME = CodingScheme()


def true_ratings(behaviour: pd.DataFrame, scheme: CodingScheme = DEFAULT_SCHEME) -> pd.DataFrame:
    """Error-free continuous ratings per child: each scale in each reunion, and disorganisation."""
    reunions = behaviour[behaviour["episode"].isin(REUNIONS)]
    wide = reunions.pivot(index="child", columns="episode")
    out = pd.DataFrame(index=wide.index)
    for scale in SCALES:
        full = getattr(scheme, f"{scale}_full")
        for reunion in REUNIONS:
            out[f"{scale}_{reunion}"] = 1.0 + 6.0 * np.clip(wide[(scale, reunion)] / full, 0.0, 1.0)
    distress = sum(wide[("distress", r)] for r in REUNIONS) / len(REUNIONS)
    out["unsettled"] = 1.0 + 6.0 * np.clip(distress / scheme.unsettled_full, 0.0, 1.0)
    disorganisation = np.maximum(*(wide[("disorganisation", r)] for r in REUNIONS))
    out["disorganisation"] = 1.0 + 8.0 * np.clip(disorganisation / scheme.disorganisation_full, 0.0, 1.0)
    return out


def rate(true: pd.DataFrame, rng: np.random.Generator, scheme: CodingScheme = DEFAULT_SCHEME) -> pd.DataFrame:
    """One coder's integer ratings: the true rating plus the coder's error, rounded and kept on the scale."""
    rated = pd.DataFrame(index=true.index)
    for column in true.columns:
        top = 9 if column == "disorganisation" else 7
        noisy = true[column].to_numpy() + scheme.coder_sd * rng.standard_normal(len(true))
        rated[column] = np.clip(np.rint(noisy), 1, top).astype(np.int8)
    return rated


def organised(ratings: pd.DataFrame, scheme: CodingScheme = DEFAULT_SCHEME) -> pd.Series:
    """A/B/C from ratings: the best-fitting organised classification (rules 2-4; D set aside)."""
    avoidance = ratings[[f"avoidance_{r}" for r in REUNIONS]].mean(axis=1)
    resistance = ratings[[f"resistance_{r}" for r in REUNIONS]].mean(axis=1)
    classes = np.full(len(ratings), "B", dtype=object)
    classes[(resistance >= scheme.class_cut) | (ratings["unsettled"] >= scheme.class_cut)] = "C"
    classes[(avoidance >= scheme.class_cut) & (avoidance > resistance)] = "A"
    return pd.Series(classes, index=ratings.index, name="organised")


def classify(ratings: pd.DataFrame, scheme: CodingScheme = DEFAULT_SCHEME) -> pd.Series:
    """A/B/C/D from ratings, by the rules in the module docstring: D first, else the organised classification."""
    classes = organised(ratings, scheme).to_numpy().copy()
    classes[ratings["disorganisation"] >= scheme.class_cut] = "D"
    return pd.Series(classes, index=ratings.index, name="classification")


def code(
    behaviour: pd.DataFrame, rng: np.random.Generator, scheme: CodingScheme = DEFAULT_SCHEME, coders: int = 1
) -> pd.DataFrame:
    """Ratings and classification (and the best-fitting organised one, ``organised``) by the first coder, and each
    further coder's classification."""
    true = true_ratings(behaviour, scheme)
    first = rate(true, rng, scheme)
    first["classification"] = classify(first, scheme)
    first["organised"] = organised(first, scheme)
    for index in range(1, coders):
        first[f"classification_coder{index + 1}"] = classify(rate(true, rng, scheme), scheme)
    return first.reset_index()


def distribution(classification: pd.Series) -> dict[str, float]:
    """Share of each class A, B, C, D."""
    shares = classification.value_counts(normalize=True)
    return {c: float(shares.get(c, 0.0)) for c in CLASSES}
