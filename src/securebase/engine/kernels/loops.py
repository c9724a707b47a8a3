"""The loops over children: plain Python with ``numba.prange``, compiled for the CPU or run as they are.

Each loop only walks over children and calls the model's per-child functions
(model/step.py, model/tally.py); the GPU's loops (kernels/cuda.py) call the
same functions with a thread per child. A loop splits the children into
chunks, one ``prange`` iteration each, and a chunk function walks its
children: the chunk functions and the model functions are compiled without
reference counting (kernels/__init__.py), which a call per child would
otherwise pay for every array it passes. Loops that count give each chunk its
own row of sums, so that threads share no counter.
"""

from __future__ import annotations

import numba

from securebase.model.caregiving import daily_attention
from securebase.model.drift import drift_child, drifted
from securebase.model.step import end_of_day, engine_episode, episode, mask_of
from securebase.model.tally import count_episode, read_out


def _bounds(chunk, chunks, n):
    size = (n + chunks - 1) // chunks
    return chunk * size, min(n, (chunk + 1) * size)


def step_chunk(start, stop, child, rel, fig, present, need, attention, u, tables, c, out):
    for i in range(start, stop):
        episode(i, child, rel, fig, mask_of(i, present), need[i], attention, u, tables, c, out)


def step_children(child, rel, fig, present, need, attention, u, tables, c, out, chunks):
    """:func:`model.step.episode` for every child, with presence (n, k) and needs (n,) given."""
    n = child.anxiety.shape[0]
    for chunk in numba.prange(chunks):
        start, stop = _bounds(chunk, chunks, n)
        step_chunk(start, stop, child, rel, fig, present, need, attention, u, tables, c, out)


def engine_chunk(start, stop, child, rel, fig, availability, attention, u, u_figure, tables, c, out, tally, row,
                 counting):  # fmt: skip
    for i in range(start, stop):
        engine_episode(i, child, rel, fig, availability, attention, u, u_figure, tables, c, out)
        if counting:
            count_episode(i, out, child, tally, row)


def engine_episodes(child, rel, fig, availability, attention, u, u_figure, tables, c, out, tally, partial, counting):
    """:func:`model.step.engine_episode` for every child, then (if ``counting``) its counts.

    ``partial`` (chunks, COUNT_ROW) gets each chunk's counts (see :func:`model.tally.count_episode`).
    """
    n = child.anxiety.shape[0]
    chunks = partial.shape[0]
    for chunk in numba.prange(chunks):
        start, stop = _bounds(chunk, chunks, n)
        engine_chunk(start, stop, child, rel, fig, availability, attention, u, u_figure, tables, c, out, tally,
                     partial[chunk], counting)  # fmt: skip


def count_chunk(start, stop, out, child, tally, row):
    for i in range(start, stop):
        count_episode(i, out, child, tally, row)


def count_episodes(out, child, tally, partial):
    """:func:`model.tally.count_episode` for every child (after an observer has seen the step)."""
    n = child.anxiety.shape[0]
    chunks = partial.shape[0]
    for chunk in numba.prange(chunks):
        start, stop = _bounds(chunk, chunks, n)
        count_chunk(start, stop, out, child, tally, partial[chunk])


def end_of_day_chunk(start, stop, child, rel, tables, c):
    for i in range(start, stop):
        end_of_day(i, child, rel, tables, c)


def end_of_days(child, rel, tables, c, chunks):
    """:func:`model.step.end_of_day` for every child."""
    n = child.anxiety.shape[0]
    for chunk in numba.prange(chunks):
        start, stop = _bounds(chunk, chunks, n)
        end_of_day_chunk(start, stop, child, rel, tables, c)


def read_out_chunk(start, stop, child, rel, fig, day_sums, episodes, c, row):
    for i in range(start, stop):
        read_out(i, child, rel, fig, day_sums, episodes, c, row)


def read_outs(child, rel, fig, day_sums, episodes, c, partial):
    """:func:`model.tally.read_out` for every child, into ``partial`` (chunks, READOUT_ROW)."""
    n = child.anxiety.shape[0]
    chunks = partial.shape[0]
    for chunk in numba.prange(chunks):
        start, stop = _bounds(chunk, chunks, n)
        read_out_chunk(start, stop, child, rel, fig, day_sums, episodes, c, partial[chunk])


def attention_chunk(start, stop, consistency, drift, u, lapse_attention, out):
    for i in range(start, stop):
        for j in range(consistency.shape[1]):
            out[i, j] = daily_attention(drifted(consistency[i, j], drift[i, j]), u[i, j], lapse_attention)


def attention_today(consistency, drift, u, lapse_attention, out, chunks):
    """Each figure's attention today (:func:`model.caregiving.daily_attention`), (n, k), from its consistency moved
    by the relationship's drift of care (n, k) (:func:`model.drift.drifted`)."""
    n = consistency.shape[0]
    for chunk in numba.prange(chunks):
        start, stop = _bounds(chunk, chunks, n)
        attention_chunk(start, stop, consistency, drift, u, lapse_attention, out)


def drift_chunk(start, stop, care_drift, u, persistence, drift_sd):
    for i in range(start, stop):
        drift_child(i, care_drift, u, persistence, drift_sd)


def drift_care(care_drift, u, persistence, drift_sd, chunks):
    """One day of every relationship's drift of care (:func:`model.drift.drift_child`), in place."""
    n = care_drift.shape[0]
    for chunk in numba.prange(chunks):
        start, stop = _bounds(chunk, chunks, n)
        drift_chunk(start, stop, care_drift, u, persistence, drift_sd)


LOOPS = (step_children, engine_episodes, count_episodes, end_of_days, read_outs, attention_today, drift_care)
