"""The instruments a trial can schedule, bound to the trial's calibration.

The table (what each reads, at which ages it is valid) is instruments/catalogue.py and the runners are
instruments/registry.py (each runs its instrument's own module, with the calibration's errors); the engine
calls one as ``instrument(children, figures, rng)`` (engine/care.py ``Instrument``) and gathers its rows.
"""

from __future__ import annotations

import numpy as np

from securebase.calibration.calibration import Calibration
from securebase.engine.care import Instrument, moved
from securebase.instruments import registry
from securebase.instruments.registry import InstrumentSettings
from securebase.instruments.sensitivity import observed_sensitivity
from securebase.model.parameters import ModelParameters
from securebase.model.state import Figures


def settings_of(calibration: Calibration) -> InstrumentSettings:
    """What the instruments take from ``calibration``: its constants, coding scheme and fitted errors."""
    return calibration.instrument_settings()


def instrument(name: str, figure: str, calibration: Calibration) -> Instrument:
    """The instrument ``name`` of ``figure``, as the engine's schedule runs it (a partial: it pickles)."""
    return registry.instrument(name, figure, settings_of(calibration))


def logit_shift_for_sd(
    figures: Figures, figure: str, traits: tuple[str, ...], sd_units: float, params: ModelParameters, observer_sd: float
) -> float:
    """The logit shift of ``traits`` that moves the mean observed sensitivity of these figures by ``sd_units`` SDs.

    The SD is that of the ratings of these figures now; the shift is found by bisection, each try rating
    the same visits (the same random numbers), so the mean rating rises steadily with the shift.
    """
    k = figures.index(figure)

    def mean_rating(shift: float) -> float:
        shifted = figures
        if shift != 0.0:
            changed = {name: moved(name, getattr(figures, name)[:, k], np.asarray(shift), "logit") for name in traits}
            shifted = _with_column(figures, k, changed)
        rng = np.random.default_rng(0x5D)
        return float(observed_sensitivity(shifted, figure, rng, params, observer_sd=observer_sd).mean())

    rng = np.random.default_rng(0x5D)
    ratings = observed_sensitivity(figures, figure, rng, params, observer_sd=observer_sd)
    target = float(ratings.mean()) + sd_units * float(ratings.std(ddof=1) if ratings.size > 1 else 0.0)
    low, high = (0.0, 12.0) if sd_units >= 0 else (-12.0, 0.0)
    for _ in range(40):
        middle = 0.5 * (low + high)
        if mean_rating(middle) < target:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def _with_column(figures: Figures, k: int, traits: dict[str, np.ndarray]) -> Figures:
    from dataclasses import replace

    copies = {}
    for name, values in traits.items():
        array = getattr(figures, name).copy()
        array[:, k] = values
        copies[name] = array
    return replace(figures, **copies)
