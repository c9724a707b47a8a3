"""The schedule: which setting each episode of a day happens in."""

from __future__ import annotations

import numpy as np

from securebase.model.state import HOME, SCHOOL
from securebase.scenario.schema import Schedule


def is_school_day(day: int, schedule: Schedule) -> bool:
    """School runs on the first ``days_per_week`` days of each week of the scenario, outside holidays.

    Days before the scenario starts (the simulated history) are spent at home.
    """
    school = schedule.school
    if school is None or day < 0 or day % 7 >= school.days_per_week:
        return False
    return not any(start <= day < end for start, end in school.holidays)


def settings_of_day(day: int, schedule: Schedule) -> np.ndarray:
    """Setting index of each episode of ``day``."""
    settings = np.full(schedule.episodes_per_day, HOME, dtype=np.int8)
    if is_school_day(day, schedule):
        first, last = schedule.school.episodes
        settings[first:last] = SCHOOL
    return settings
