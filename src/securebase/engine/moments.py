"""The moment time scale: the same episode step, a few seconds at a time, through a scripted situation.

A procedure (a separation and reunion, later the Strange Situation and the
still-face) is a list of segments: how long, which figures are with the child,
and how stressful the situation is. The children keep the history they bring
(their working models from a developmental run), and the step is the very one
the developmental engine uses, with its rates scaled to the step length.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from securebase.engine.driver import Driver, Moment, Timeline
from securebase.engine.uniforms import draw
from securebase.model.parameters import ModelParameters
from securebase.model.state import Children, Figures
from securebase.model.step import EpisodeRecord
from securebase.model.temperament import reactivity_on_the_day


@dataclass(frozen=True)
class Segment:
    """A stretch of a procedure: ``minutes`` long, with the named figures present.

    ``stress_per_minute`` is the need the situation brings (an unfamiliar room,
    a stranger, being left); losing the figures' presence is also felt through
    felt security, which follows who is there within a couple of minutes.
    """

    name: str
    minutes: float
    present: tuple[str, ...]
    stress_per_minute: float = 0.02
    #: False for a still face: the figures stay, but answer no bid
    responsive: bool = True


#: called after every step with (segment index, step index within the segment, children, record, present)
Observer = Callable[[int, int, Children, EpisodeRecord, np.ndarray], None]


def steps_in(segment: Segment, seconds_per_step: float) -> int:
    return max(1, round(segment.minutes * 60.0 / seconds_per_step))


def procedure(
    children: Children,
    figures: Figures,
    segments: list[Segment],
    rng: np.random.Generator,
    params: ModelParameters,
    seconds_per_step: float = 5.0,
    observer: Observer | None = None,
) -> Timeline:
    """The timeline of a procedure (engine/driver.py): ``children`` (changed in place) through ``segments``;
    returns the per-step means. Draws, in order: the day's reactivity, then each step's uniforms."""
    n, k = children.trust.shape
    steps_per_episode = params.episode_minutes * 60.0 / seconds_per_step
    dt_days = seconds_per_step / 86_400.0
    attention = np.ones((n, k))
    # the child's state on the day of the procedure scales every stress it brings
    reactivity = reactivity_on_the_day(n, rng, params.day_reactivity_sd)
    record = None
    rows = []
    elapsed = 0.0
    for segment_index, segment in enumerate(segments):
        unknown = [name for name in segment.present if name not in figures.names]
        if unknown:
            raise ValueError(f"segment '{segment.name}' names unknown figures {unknown}; expected {figures.names}")
        present = np.zeros((n, k), bool)
        for name in segment.present:
            present[:, figures.index(name)] = True
        present &= figures.active
        need = segment.stress_per_minute * seconds_per_step / 60.0 * reactivity
        acting = (
            figures
            if segment.responsive
            else dataclasses.replace(figures, reliability=np.zeros_like(figures.reliability))
        )
        for step_index in range(steps_in(segment, seconds_per_step)):
            draws = draw(rng, n, k)
            record = yield Moment(
                children, acting, present, attention, need, draws.child, params, dt_days, steps_per_episode,
                out=None if observer is not None else record,
            )  # an observer may keep a step's record: a new one each step then
            if observer is not None:
                observer(segment_index, step_index, children, record, present)
            elapsed += seconds_per_step
            rows.append(
                {
                    "seconds": elapsed,
                    "segment": segment.name,
                    "anxiety": float(children.anxiety.mean()),
                    "felt_security": float(children.felt_security.mean()),
                    "exploration": float(children.exploration.mean()),
                    "bidding": float((record.bid_type >= 0).mean()),
                    "comforted": float(record.warm.mean()),
                }
            )
    return pd.DataFrame(rows)


def run_moments(
    children: Children,
    figures: Figures,
    segments: list[Segment],
    rng: np.random.Generator,
    params: ModelParameters,
    seconds_per_step: float = 5.0,
    observer: Observer | None = None,
    kernel: str = "cpu",
) -> tuple[pd.DataFrame, Children]:
    """Run ``segments`` on copies of the children; returns per-step means and the children after.

    The input state is not changed: a procedure observes a child, it does not
    live a day of its life. ``observer`` sees every step, for instruments that
    code per-child behaviour. ``kernel`` is where the driver runs the step (engine/driver.py).
    """
    children = copy.deepcopy(children)
    steps = Driver(kernel).drive(procedure(children, figures, segments, rng, params, seconds_per_step, observer))
    return steps, children
