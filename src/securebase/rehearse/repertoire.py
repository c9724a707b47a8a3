"""The response repertoire: what a trainee can do, and what each response means to the model.

Each response is a figure's qualities for one moment (the five qualities, support of exploration,
a chance of rupture, the habit of repair) and whether it mends a pending rupture now. The numbers
are in ``responses.toml``; their meaning and sources are in docs/rehearse.md ("The repertoire").
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from securebase.model.state import QUALITIES

Proportion = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]

#: what a response sets on the trainee's column of the figures, besides the five qualities
TRAITS: tuple[str, ...] = (*QUALITIES, "exploration_support", "intrusiveness", "repair_propensity")


class Response(BaseModel):
    """One response of the repertoire, as read from responses.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    key: str = ""
    label: str
    example: str
    #: what the response does for a child and when it helps, in a sentence (the coaching's reason)
    why: str = Field(min_length=1)
    consistency: Proportion
    appropriateness: Proportion
    sensitivity: Proportion
    warmth: Proportion
    reliability: Proportion
    exploration_support: Proportion
    #: help that takes over: interrupts the child's exploration (the model's intrusion, docs/model.md §9)
    intrusiveness: Proportion
    #: chance that the child experiences this response as a rupture, over the moment
    rupture: Proportion
    #: chance that the child is alarmed by it (a shout, a looming adult), over the moment: an anomalous moment of
    #: severity FRIGHT_SEVERITY (docs/model.md §8a)
    frightening: Proportion = 0.0
    repair_propensity: Proportion
    #: this response mends a pending rupture with this adult now (an apology, a reconnection)
    repairs: bool = False
    #: this response attends to the child's need (used to count miscues read, and to soothe after a tantrum)
    attends_to_need: bool

    def traits(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in TRAITS}


@cache
def repertoire() -> tuple[Response, ...]:
    """The responses, in the order of responses.toml (the action index of the environment)."""
    text = resources.files("securebase.rehearse").joinpath("responses.toml").read_text("utf-8")
    return tuple(Response.model_validate({**table, "key": key}) for key, table in tomllib.loads(text).items())


def keys() -> tuple[str, ...]:
    return tuple(r.key for r in repertoire())


def index_of(key: str) -> int:
    """The action index of a response key; ValueError naming the key and the choices."""
    names = keys()
    if key not in names:
        raise ValueError(f"response {key!r} is not in the repertoire; expected one of: {', '.join(names)}")
    return names.index(key)


def response(action: int) -> Response:
    return repertoire()[int(action)]


#: the adult before any choice of the trainee: middling in everything, no ruptures (a modelling choice)
NEUTRAL: dict[str, float] = {**dict.fromkeys(TRAITS, 0.5), "rupture": 0.0, "frightening": 0.0}


def everyday_style(chosen: list[int], recent: int = 4) -> dict[str, float]:
    """The adult between moments: the mean of the last ``recent`` responses' traits, rupture and fright chances.

    Between moments the trainee is with the child at school as they have lately been in the moments
    played (a modelling choice, docs/rehearse.md, "Between moments").
    """
    if not chosen:
        return dict(NEUTRAL)
    last = [response(a) for a in chosen[-recent:]]
    style = {name: sum(getattr(r, name) for r in last) / len(last) for name in TRAITS}
    style["rupture"] = sum(r.rupture for r in last) / len(last)
    style["frightening"] = sum(r.frightening for r in last) / len(last)
    return style
