"""The instruments by name as a schedule runs them: ``instrument(children, figures, rng) -> DataFrame``.

Each runs the instrument's own module (its formula lives there, once) on the children measured that day and
returns a 'child' column and either 'classification' or 'value' (catalogue.py says which). The errors that a
calibration fits come in as :class:`InstrumentSettings` (the interfaces build it from their Calibration: this
floor does not import it); the other instruments' errors are fixed from the literature in their modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from securebase.engine.care import Instrument
from securebase.instruments.ages import check_ages
from securebase.instruments.reunion import observe_reunion
from securebase.instruments.security_scale import security_scale
from securebase.instruments.security_score import SORTER_SD, security_score
from securebase.instruments.sensitivity import OBSERVER_SD, observed_sensitivity
from securebase.instruments.ssp_coding import CodingScheme, code
from securebase.instruments.state_of_mind import state_of_mind
from securebase.instruments.strange_situation import observe_strange_situation
from securebase.model.parameters import ModelParameters
from securebase.model.state import STRATEGIES, Children, Figures
from securebase.model.strategy import classify


@dataclass(frozen=True)
class InstrumentSettings:
    """What the instruments take from a calibration: the model's constants, the Strange Situation's coding
    scheme, and the fitted errors of the sensitivity observer and the Q-sorter."""

    params: ModelParameters = field(default_factory=ModelParameters)
    coding: CodingScheme = field(default_factory=CodingScheme)
    observer_sd: float = OBSERVER_SD
    sorter_sd: float = SORTER_SD


Runner = Callable[..., pd.DataFrame]


def _strange_situation(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, settings: InstrumentSettings
) -> pd.DataFrame:
    check_ages("strange-situation", children.age_days)
    behaviour = observe_strange_situation(children, figures, figure, rng, settings.params)
    coded = code(behaviour, rng, settings.coding)
    return coded[["child", "classification"]]


def _observed_sensitivity(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, settings: InstrumentSettings
) -> pd.DataFrame:
    check_ages("observed-sensitivity", children.age_days)
    drift = children.care_drift[:, figures.index(figure)]  # the visit sees the caregiving as it is that day
    rating = observed_sensitivity(
        figures, figure, rng, settings.params, observer_sd=settings.observer_sd, care_drift=drift
    )
    return pd.DataFrame({"child": np.arange(children.n), "value": rating})


def _security_score(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, settings: InstrumentSettings
) -> pd.DataFrame:
    score = security_score(children, figures, figure, rng, settings.params, sorter_sd=settings.sorter_sd)
    return pd.DataFrame({"child": np.arange(children.n), "value": score})


def _reunion(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, settings: InstrumentSettings
) -> pd.DataFrame:
    coded = observe_reunion(children, figures, figure, rng, settings.params, settings.coding)
    return coded[["child", "classification"]]


def _security_scale(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, settings: InstrumentSettings
) -> pd.DataFrame:
    return security_scale(children, figures, figure, rng)[["child", "value"]]


def _state_of_mind(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, settings: InstrumentSettings
) -> pd.DataFrame:
    # the general working model: the figure named does not enter (the interview is about all of them)
    return state_of_mind(children, rng, settings.params)[["child", "classification"]]


def _model_strategy(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, settings: InstrumentSettings
) -> pd.DataFrame:
    k = figures.index(figure)
    index = classify(children.gain[:, k], children.fear[:, k], settings.params)
    return pd.DataFrame({"child": np.arange(children.n), "classification": np.asarray(STRATEGIES)[index]})


def _model_trust(
    children: Children, figures: Figures, rng: np.random.Generator, *, figure: str, settings: InstrumentSettings
) -> pd.DataFrame:
    return pd.DataFrame({"child": np.arange(children.n), "value": children.trust[:, figures.index(figure)]})


RUNNERS: dict[str, Runner] = {
    "model-strategy": _model_strategy,
    "model-trust": _model_trust,
    "strange-situation": _strange_situation,
    "observed-sensitivity": _observed_sensitivity,
    "security-score": _security_score,
    "reunion": _reunion,
    "security-scale": _security_scale,
    "state-of-mind": _state_of_mind,
}


def instrument(name: str, figure: str, settings: InstrumentSettings) -> Instrument:
    """The instrument ``name`` of ``figure``, as the engine's schedule runs it (a partial: it pickles)."""
    if name not in RUNNERS:
        raise ValueError(f"instrument must be one of {', '.join(sorted(RUNNERS))}, got {name!r}")
    return partial(RUNNERS[name], figure=figure, settings=settings)
