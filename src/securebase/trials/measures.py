"""The instruments a trial can schedule: what each reads, at which ages it is valid, and how it runs on a subset.

Each runs the instrument of ``securebase.instruments`` (its formula lives there, once) on the children
measured that day, with the calibration's errors; the engine calls it as ``instrument(children, figures,
rng)`` (engine/care.py ``Instrument``) and gathers its rows.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.care import Instrument, moved
from securebase.instruments.security_score import security_score
from securebase.instruments.sensitivity import observed_sensitivity
from securebase.instruments.ssp_coding import code
from securebase.instruments.strange_situation import observe_strange_situation
from securebase.model.parameters import ModelParameters
from securebase.model.state import STRATEGIES, Children, Figures
from securebase.model.strategy import classify


def _strange_situation(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, calibration: Calibration
) -> pd.DataFrame:
    behaviour = observe_strange_situation(children, figures, figure, rng, calibration.params)
    coded = code(behaviour, rng, calibration.coding)
    return coded[["child", "classification"]]


def _observed_sensitivity(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, calibration: Calibration
) -> pd.DataFrame:
    rating = observed_sensitivity(
        figures, figure, rng, calibration.params, observer_sd=calibration.instruments.observer_sd
    )
    return pd.DataFrame({"child": np.arange(children.n), "value": rating})


def _security_score(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, calibration: Calibration
) -> pd.DataFrame:
    sorter_sd = calibration.instruments.sorter_sd
    score = security_score(children, figures, figure, rng, calibration.params, sorter_sd=sorter_sd)
    return pd.DataFrame({"child": np.arange(children.n), "value": score})


def _model_strategy(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, calibration: Calibration
) -> pd.DataFrame:
    k = figures.index(figure)
    index = classify(children.gain[:, k], children.fear[:, k], calibration.params)
    return pd.DataFrame({"child": np.arange(children.n), "classification": np.asarray(STRATEGIES)[index]})


def _model_trust(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, calibration: Calibration
) -> pd.DataFrame:
    return pd.DataFrame({"child": np.arange(children.n), "value": children.trust[:, figures.index(figure)]})


_RUNS = {
    "model-strategy": _model_strategy,
    "model-trust": _model_trust,
    "strange-situation": _strange_situation,
    "observed-sensitivity": _observed_sensitivity,
    "security-score": _security_score,
}


def instrument(name: str, figure: str, calibration: Calibration) -> Instrument:
    """The instrument ``name`` of ``figure``, as the engine's schedule runs it (a partial: it pickles)."""
    return partial(_RUNS[name], figure=figure, calibration=calibration)


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
