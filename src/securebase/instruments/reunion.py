"""A separation-reunion classified A/B/C/D for preschool and early-school children (about 2.5 to 7 years).

After infancy, attachment to a figure is classified from a separation and reunion by systems made for the age:
Cassidy & Marvin's (1992) preschool system (about 2.5 to 4.5 years), which codes a Strange-Situation-like
separation-reunion of preschoolers, and Main & Cassidy's (1988) sixth-year reunion system (about 5 to 7 years).
Both keep Ainsworth's patterns - B open and at ease with the figure, A minimising attachment, C heightening it -
and call the fourth, D, controlling/disorganised.

The procedure is the moment engine's separation-reunion, the very one the infant Strange Situation runs
(strange_situation.py: the child's own working model and the figure's own caregiving, step by step), and the
reunions are coded on the same scales by the same rules and the same coder (ssp_coding.py, the calibration's
scheme): the model has no behaviour of its own for what the older systems add (verbal negotiation, role
reversal, punitive or caregiving control), so an age-appropriate rule would have nothing different to read,
and one procedure and one coder keep change between ages a matter of development and measurement error, not
of a change of instrument. What this instrument adds is its own valid ages, the system that applies at each
age, and a check of its coder against the published agreement of these systems: two coders of the same
children agree within ``PUBLISHED_AGREEMENT`` (tests/test_readouts.py measures it on a simulated population).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.instruments.ages import check_ages, months_of
from securebase.instruments.ssp_coding import CLASSES, DEFAULT_SCHEME, CodingScheme, code
from securebase.instruments.strange_situation import observe_strange_situation
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children, Figures

NAME = "reunion"
__all__ = ["CLASSES", "MAIN_CASSIDY_FROM_MONTHS", "NAME", "PUBLISHED_AGREEMENT", "SYSTEMS", "observe_reunion"]
#: the two coding systems and the age (months) from which the older one applies: Cassidy & Marvin's system is
#: for about 2.5 to 4.5 years, Main & Cassidy's for the sixth year; the half year between is given the later
#: system (modelling choice)
SYSTEMS = ("cassidy-marvin", "main-cassidy")
MAIN_CASSIDY_FROM_MONTHS = 54.0
#: two coders' agreement on the four classes in reliability studies: Cassidy & Marvin's system about 75-90%,
#: Main & Cassidy's about 80-90% (as reviewed by Solomon & George 2008, Handbook of Attachment ch. 18)
PUBLISHED_AGREEMENT = {"cassidy-marvin": (0.75, 0.90), "main-cassidy": (0.80, 0.90)}


def system_of(age_days: np.ndarray) -> np.ndarray:
    """The coding system (index into SYSTEMS) for children of these ages."""
    return (months_of(age_days) >= MAIN_CASSIDY_FROM_MONTHS).astype(np.int64)


def observe_reunion(
    children: Children,
    figures: Figures,
    figure: str,
    rng: np.random.Generator,
    params: ModelParameters,
    scheme: CodingScheme = DEFAULT_SCHEME,
    coders: int = 1,
) -> pd.DataFrame:
    """One row per child: the system that applies at its age, the first coder's ratings and class, and each
    further coder's class. The children are copied: the procedure observes them and changes nothing.

    Refuses (InstrumentAgeError) children outside the valid ages, before running anything.
    """
    check_ages(NAME, children.age_days)
    behaviour = observe_strange_situation(children, figures, figure, rng, params)
    coded = code(behaviour, rng, scheme, coders)
    systems = np.asarray(SYSTEMS)[system_of(children.age_days)]
    coded.insert(1, "system", systems[coded["child"].to_numpy()])
    return coded
