"""The developmental day as a timeline of the driver (engine/driver.py): attention, the episodes by setting,
the daily learning, the read-out. The same timeline runs on the host's arrays and on the GPU's."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from securebase.engine import records
from securebase.engine.driver import Attend, Drift, Episode, Population, ReadOut, Rest, Timeline
from securebase.engine.uniforms import UniformStream
from securebase.model.parameters import ModelParameters
from securebase.model.step import EpisodeRecord, constants
from securebase.model.tally import Tally


def developmental_day(
    population: Population,
    settings: np.ndarray,
    stream: UniformStream,
    params: ModelParameters,
    with_totals: bool,
    observer: Callable[[int, EpisodeRecord], None] | None = None,
) -> Timeline:
    """One day of every child of ``population``: an episode per entry of ``settings`` (setting indices; figure j
    is there with its availability in the setting); returns the day's counts (records.Day) and its read-out row. Draws, in order: each relationship's drift of care (when it drifts), each figure's attention, then each
    episode's uniforms, from ``stream``.
    ``with_totals`` adds the episodes to the scenario's totals; ``observer(setting, record)`` sees each episode."""
    p, b = population, population.backend
    if params.care_drift_sd_logit > 0.0:  # no drift draws no numbers: the day's other numbers stay as they were
        yield Drift(p.rel.care_drift, p.u_drift, stream, params, b)
    yield Attend(p.fig.consistency, float(params.lapse_attention), p.u_attention, p.attention, stream, b,
                 drift=p.rel.care_drift)  # fmt: skip
    b.zero(p.day_sums)
    b.zero(p.day_counts)
    totals = p.totals if with_totals else p.no_totals
    tally = Tally(day_sums=p.day_sums, total_counts=totals[0], total_sums=totals[1], with_totals=with_totals)
    tables, c = p.tables(params), constants(params, 1.0 / len(settings))
    for setting in settings:
        watch = None if observer is None else (lambda record, setting=int(setting): observer(setting, record))
        yield Episode(p, int(setting), stream, tables, c, tally, watch)
    yield Rest(p.child, p.rel, params, b, tables)
    counts, readout = yield ReadOut(p, len(settings), params)
    day = records.Day(n_figures=p.k, n_children=0)  # the children's sums are the population's day_sums
    day.count_row += counts
    day.episodes = len(settings)
    return day, readout
