"""The ages an instrument is valid at, and its refusal of any other: a clear error, never a reading.

The table of valid ages is the catalogue's (catalogue.py); each instrument checks the children it is given
before it reads anything, so that no study, trial or run gets a number the instrument cannot give.
"""

from __future__ import annotations

import numpy as np

from securebase.instruments.catalogue import INSTRUMENTS
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.scenario.load import ScenarioError

#: ages are whole days and a schedule's months are rounded to days, so an age within a day of the range is in it
#: (12 months is 365.25 days; a child measured on day 365 is 12 months old) (modelling choice)
TOLERANCE_DAYS = 1.0


class InstrumentAgeError(ScenarioError):
    """An instrument given a child outside the ages it is valid at (a ValueError: the CLI exits 2 on it)."""


def months_of(age_days: np.ndarray | float) -> np.ndarray:
    """Age in months (of 365.25 / 12 days)."""
    return np.asarray(age_days, dtype=np.float64) / DAYS_PER_YEAR * 12.0


def check_ages(name: str, age_days: np.ndarray) -> None:
    """Raise InstrumentAgeError naming the instrument, the age found and its valid range if any child is outside."""
    ages = np.asarray(age_days, dtype=np.float64)
    if ages.size == 0:
        return
    info = INSTRUMENTS[name]
    low, high = info.valid_months
    days_low, days_high = low / 12.0 * DAYS_PER_YEAR, high / 12.0 * DAYS_PER_YEAR
    outside = (ages < days_low - TOLERANCE_DAYS) | (ages > days_high + TOLERANCE_DAYS)
    if outside.any():
        found = ages[outside]
        worst = found[np.argmax(np.abs(found - 0.5 * (days_low + days_high)))]
        count = f"{int(outside.sum())} of {ages.size} children" if ages.size > 1 else "the child"
        raise InstrumentAgeError(
            f"the {name} instrument is valid at ages {low:g} to {high:g} months ({info.source}); {count} measured "
            f"outside it, e.g. at {months_of(worst):.1f} months ({worst / DAYS_PER_YEAR:.1f} years); expected every "
            f"child measured between {low:g} and {high:g} months."
        )
