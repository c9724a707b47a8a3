"""The developmental step as one fused, compiled loop over children (numba).

:func:`securebase.model.episode.step` is the reference: readable, one mechanism
per module, written with NumPy arrays. It allocates a temporary array for every
intermediate value and passes over memory dozens of times per step. This module
computes the same step child by child in a single pass, compiled by numba and
run on every core (``prange``), with no temporaries. Age-dependent rates are
read from the reference's own tables by day of age; the bid noise and the repair
latency's logarithm, which depend only on a random draw, are computed before
the loop by the reference's vectorised functions (several times cheaper than a
scalar call per child, and then identical to the reference's values).

The contract: :func:`step` takes and returns exactly what ``episode.step``
does, and agrees with it within floating-point tolerance on every output
(``tests/test_fused_kernel.py``). The two are not bit-identical because NumPy
evaluates ``exp`` with its own vectorised routine, which differs from the C
library's (which numba calls) in the last bit for a few percent of arguments; a
uniform that falls within that distance of a threshold could then be decided
differently. Each formula below names the reference function it mirrors; the
order of operations and the single-precision uniforms are kept, so the rest
agrees to rounding.

Why numba rather than JAX: the step is branchy per child (whether it bids, is
answered, ruptures, repairs), which a per-child loop expresses directly, while
JAX would evaluate every branch for every child; numba also compiles the same
style of kernel for NVIDIA GPUs (``numba.cuda``) and adds one small
dependency rather than an XLA runtime.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import NamedTuple

import numba
import numpy as np

from securebase.engine.records import COUNTS, MEANS, ChildTotals, Day
from securebase.model import bids
from securebase.model.episode import Draws, EpisodeRecord
from securebase.model.parameters import ModelParameters
from securebase.model.state import ADULT_RUPTURE, CHILD_RUPTURE, NO_RUPTURE, Children, Figures
from securebase.model.timescale import (
    internalisation_by_day,
    per_step,
    plasticity,
    plasticity_by_day,
    tantrum_rate_by_day,
)

#: populations smaller than this run on one thread: waking threads costs more than they save,
#: and far more when another process holds a core
PARALLEL_FROM_CHILDREN = 20_000

#: the bid repertoire by whole day of age, shape (len(BID_TYPES), days): the reference's lookup table
_REPERTOIRE = np.ascontiguousarray(np.stack(bids._COLUMNS))


class Constants(NamedTuple):
    """The model constants one step needs, with the per-step conversions done once."""

    tracking: float
    security_buffering: float
    signal_noise: np.float32
    bid_threshold: float
    soothing: float
    unanswered_distress: float
    steps_per_response: float
    learning_rate: float
    anxiety_weighting: float
    steps_per_episode: float
    distortion_cost: float
    gain_learning_rate: float
    gain_limit: float
    fear_extinction: float
    fear_learning_rate: float
    rupture_anxiety: float
    tantrum_anxiety: float
    unrepaired_after_days: float
    repair_timescale_days: float
    repair_trust_gain: float
    unrepaired_trust_cost: float
    repair_soothing: float
    exploration_floor: float
    intrusion_rate: float
    intrusion_cost: float
    support_boost: float
    competence_rate_per_day: float
    learning_band_centre: float
    learning_band_width: float
    self_regulation_step: float
    base_calming_step: float
    dt_days: float


def _age_tables(params: ModelParameters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plasticity, internalisation and tantrum rate by whole day of age (the reference's tables)."""
    p = params
    return (
        plasticity_by_day(p.plasticity_floor, p.plasticity_timescale_years),
        internalisation_by_day(p.internalisation_max, p.internalisation_timescale_years),
        tantrum_rate_by_day(p.tantrum_floor_per_day, p.tantrum_peak_per_day, p.tantrum_peak_age_years, p.tantrum_age_width_years),
    )


def constants(params: ModelParameters, dt_days: float, steps_per_episode: float) -> Constants:
    """The kernel's constants for one kind of step (developmental or moment)."""
    p = params
    step_minutes = p.episode_minutes / steps_per_episode
    return Constants(
        tracking=float(-np.expm1(-step_minutes / p.security_timescale_minutes)),
        security_buffering=p.security_buffering,
        # the reference multiplies the single-precision noise in single precision
        signal_noise=np.float32(p.signal_noise),
        bid_threshold=p.bid_threshold,
        soothing=p.soothing,
        unanswered_distress=p.unanswered_distress,
        steps_per_response=max(1.0, p.response_minutes / step_minutes),
        learning_rate=p.learning_rate,
        anxiety_weighting=p.anxiety_weighting,
        steps_per_episode=float(steps_per_episode),
        distortion_cost=p.distortion_cost,
        gain_learning_rate=p.gain_learning_rate,
        gain_limit=p.gain_limit,
        fear_extinction=p.fear_extinction,
        fear_learning_rate=p.fear_learning_rate,
        rupture_anxiety=p.rupture_anxiety,
        tantrum_anxiety=p.tantrum_anxiety,
        unrepaired_after_days=p.unrepaired_after_days,
        repair_timescale_days=p.repair_timescale_days,
        repair_trust_gain=p.repair_trust_gain,
        unrepaired_trust_cost=p.unrepaired_trust_cost,
        repair_soothing=p.repair_soothing,
        exploration_floor=p.exploration_floor,
        intrusion_rate=p.intrusion_rate,
        intrusion_cost=p.intrusion_cost,
        support_boost=p.support_boost,
        competence_rate_per_day=p.competence_rate_per_day,
        learning_band_centre=p.learning_band_centre,
        learning_band_width=p.learning_band_width,
        self_regulation_step=float(per_step(p.self_regulation, steps_per_episode)),
        base_calming_step=float(per_step(p.base_calming, steps_per_episode)),
        dt_days=float(dt_days),
    )


@contextlib.contextmanager
def _threads_for(n_children: int) -> Iterator[None]:
    """Run the kernels inside on every thread numba has, or on one for a small population."""
    if n_children >= PARALLEL_FROM_CHILDREN:
        yield
        return
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(threads)


@numba.njit(inline="always")
def _clip(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


@numba.njit(inline="always")
def _per_step(rate: float, steps: float) -> float:
    # timescale.per_step; x ** 1.0 is x, and skipping pow saves most of its cost on the developmental scale
    if steps == 1.0:
        return 1.0 - (1.0 - rate)
    return 1.0 - (1.0 - rate) ** (1.0 / steps)


@numba.njit(inline="always")
def _learning_weight(anxiety: float, plast: float, c: Constants) -> float:
    # working_model.learning_weight
    return min(c.learning_rate * plast * (1.0 + c.anxiety_weighting * anxiety), 0.5)


@numba.njit(parallel=True, cache=True)
def _step_kernel(
    age_days, anxiety, felt_security, exploration, competence,
    prior_trust, prior_fear,
    known, trust, unpredictability, fear, gain, payoff_baseline,
    rupture_kind, rupture_elapsed_days, rupture_due_days, rupture_will_repair,
    sensitivity, reliability, warmth, appropriateness, exploration_support,
    rupture_rate, repair_propensity, repair_latency_days, active,
    present, attention, need, u, noises, latency_logs, plasticity_table, internalisation_table, tantrum_table,
    repertoire, c,
    out_target, out_bid_type, out_intensity, out_answered, out_warm, out_adult_rupture,
    out_tantrum, out_repairs, out_unrepaired, out_intruded,
):  # fmt: skip
    n, k = trust.shape
    last_day = min(repertoire.shape[1], plasticity_table.shape[0]) - 1
    for i in numba.prange(n):
        day = min(max(int(age_days[i]), 0), last_day)  # timescale.day_of_age
        plast = plasticity_table[day]

        # anxiety.felt_security_target, and the child's hierarchy (the argmax of the same score)
        with_figure = 0.0
        target = 0
        best = -1.0
        for j in range(k):
            if present[i, j] and known[i, j] and active[i, j]:
                score = trust[i, j] * (1.0 - fear[i, j])
                with_figure = max(with_figure, score)
            else:
                score = -1.0
            if score > best:
                best = score
                target = j
        has_figure = best >= 0.0
        alone = internalisation_table[day] * prior_trust[i] * (1.0 - prior_fear[i])
        s = felt_security[i] + c.tracking * (max(with_figure, alone) - felt_security[i])
        s = _clip(s, 0.0, 1.0)
        felt_security[i] = s

        # anxiety.raise_by_need
        a = anxiety[i]
        a_before = a + (1.0 - a) * (need[i] * (1.0 - c.security_buffering * s))

        # bids.logistic_noise and bids.intensity (the noise in single precision, as the reference)
        g = gain[i, target]
        noise = noises[i]
        distorted = g + np.float32(c.signal_noise * noise)
        intensity = _clip(a_before * math.exp(distorted), 0.0, 1.0)
        bidding = has_figure and (a_before * math.exp(g) > c.bid_threshold)

        # caregiving.respond
        effective = sensitivity[i, target] * attention[i, target]
        notice = 1.0 - (1.0 - effective) * (1.0 - intensity)
        answered = bidding and (u[2, i] < notice) and (u[3, i] < reliability[i, target])
        warm = answered and (u[4, i] < warmth[i, target])

        # caregiving.anxiety_after_response
        if warm:
            soothing = _per_step(c.soothing * (0.5 + 0.5 * appropriateness[i, target]), c.steps_per_response)
            a_after = a_before * (1.0 - soothing)
        elif bidding:
            distress = _per_step(c.unanswered_distress * intensity, c.steps_per_response)
            a_after = a_before + (1.0 - a_before) * distress
        else:
            a_after = a_before

        # working_model.update_expectations, update_gain, extinguish_fear
        weight = _learning_weight(a_before, plast, c) / c.steps_per_episode
        if bidding:
            surprise = (1.0 if warm else 0.0) - trust[i, target]
            unpredictability[i, target] = unpredictability[i, target] + weight * (
                surprise * surprise - unpredictability[i, target]
            )
            trust[i, target] = trust[i, target] + weight * surprise
        if has_figure:
            payoff = (a_before - a_after) - c.distortion_cost * abs(distorted)
            advantage = payoff - payoff_baseline[i, target]
            step = c.gain_learning_rate * (plast / c.steps_per_episode) * advantage * noise
            gain[i, target] = _clip(g + step, -c.gain_limit, c.gain_limit)
            payoff_baseline[i, target] = payoff_baseline[i, target] + weight * advantage
            fear[i, target] = fear[i, target] * (1.0 - weight * c.fear_extinction)

        # ruptures from both sides (the adult's first: one pending rupture per relationship)
        adult_rupture = has_figure and (u[5, i] < rupture_rate[i, target] * c.dt_days)
        if adult_rupture:
            a_after = a_after + (1.0 - a_after) * c.rupture_anxiety
            f = fear[i, target]
            fear[i, target] = f + (c.fear_learning_rate * plast) * (1.0 - f)
        tantrum = has_figure and (u[6, i] < tantrum_table[day] * c.dt_days * 2.0 * a_after)
        if tantrum:
            a_after = a_after + (1.0 - a_after) * c.tantrum_anxiety
        if (adult_rupture or tantrum) and rupture_kind[i, target] == NO_RUPTURE:
            # ruptures.open_ruptures
            will_repair = u[9, i] < repair_propensity[i, target]
            rupture_kind[i, target] = ADULT_RUPTURE if adult_rupture else CHILD_RUPTURE
            rupture_elapsed_days[i, target] = 0.0
            if will_repair:
                latency = -repair_latency_days[i, target] * latency_logs[i]
                rupture_due_days[i, target] = latency
            else:
                rupture_due_days[i, target] = c.unrepaired_after_days
            rupture_will_repair[i, target] = will_repair

        # ruptures.resolve_due and apply_resolutions
        weight_now = _learning_weight(a_after, plast, c)
        fear_weight = c.fear_learning_rate * plast
        repairs = 0
        unrepaired = 0
        soothing_by_repair = 0.0
        for j in range(k):
            if rupture_kind[i, j] == NO_RUPTURE:
                continue
            elapsed = rupture_elapsed_days[i, j] + c.dt_days
            rupture_elapsed_days[i, j] = elapsed
            if elapsed < rupture_due_days[i, j]:
                continue
            if rupture_will_repair[i, j]:
                if not (present[i, j] and known[i, j] and active[i, j]):
                    continue  # a due repair waits until they are together
                effectiveness = math.exp(-elapsed / c.repair_timescale_days)
                t = trust[i, j]
                t = t + weight_now * c.repair_trust_gain * effectiveness * (1.0 - t)
                trust[i, j] = _clip(t, 0.0, 1.0)
                if rupture_kind[i, j] == ADULT_RUPTURE:
                    fear[i, j] = fear[i, j] * (1.0 - fear_weight * effectiveness)
                soothing_by_repair = max(soothing_by_repair, c.repair_soothing * effectiveness)
                repairs += 1
            else:
                t = trust[i, j]
                trust[i, j] = _clip(t - weight_now * c.unrepaired_trust_cost * t, 0.0, 1.0)
                unrepaired += 1
            rupture_kind[i, j] = NO_RUPTURE
        a_after = a_after * (1.0 - soothing_by_repair)

        # exploration.exploration_level, intrusion, competence_gain
        level = _clip((1.0 - a_after) * (c.exploration_floor + (1.0 - c.exploration_floor) * s), 0.0, 1.0)
        intruded = has_figure and (u[7, i] < (1.0 - appropriateness[i, target]) * c.intrusion_rate)
        level = level * (1.0 - c.intrusion_cost * (1.0 if intruded else 0.0))
        support = exploration_support[i, target] if has_figure else 0.0
        exploration[i] = level
        z = (a_after - c.learning_band_centre) / c.learning_band_width
        band = math.exp(-z * z)
        rate = c.competence_rate_per_day * c.dt_days
        boost = 1.0 + c.support_boost * support
        competence[i] = competence[i] + rate * level * band * boost * (1.0 - competence[i])

        # anxiety.relax
        calmed = a_after * (1.0 - c.self_regulation_step) * (1.0 - c.base_calming_step * s)
        anxiety[i] = _clip(calmed, 0.0, 1.0)

        # bids.bid_type: sampled from the age repertoire
        bid_type = -1
        if bidding:
            w0 = repertoire[0, day] * intensity
            w1 = repertoire[1, day] * (1.0 - intensity)
            w2 = repertoire[2, day]
            w3 = repertoire[3, day]
            w4 = repertoire[4, day]
            threshold = u[8, i] * (0.0 + w0 + w1 + w2 + w3 + w4)
            cumulative = w0
            bid_type = 0
            for w_next in (w1, w2, w3, w4):
                if cumulative < threshold:
                    bid_type += 1
                cumulative += w_next
        age_days[i] = age_days[i] + c.dt_days

        out_target[i] = target if has_figure else -1
        out_bid_type[i] = bid_type
        out_intensity[i] = intensity if bidding else 0.0
        out_answered[i] = answered
        out_warm[i] = warm
        out_adult_rupture[i] = adult_rupture
        out_tantrum[i] = tantrum
        out_repairs[i] = repairs
        out_unrepaired[i] = unrepaired
        out_intruded[i] = intruded


def step(
    children: Children,
    figures: Figures,
    present: np.ndarray,
    attention: np.ndarray,
    need: np.ndarray,
    draws: Draws,
    params: ModelParameters,
    dt_days: float,
    steps_per_episode: float = 1.0,
    out: EpisodeRecord | None = None,
) -> EpisodeRecord:
    """Advance every child by one step, in place: the same contract as ``episode.step``.

    With ``out`` (a record of the same population size, e.g. the previous step's),
    the record is written there instead of into new arrays.
    """
    n = children.n
    ch, fi = children, figures
    record = out if out is not None else EpisodeRecord(
        target=np.empty(n, np.int64),
        bid_type=np.empty(n, np.int8),
        intensity=np.empty(n),
        answered=np.empty(n, bool),
        warm=np.empty(n, bool),
        adult_rupture=np.empty(n, bool),
        tantrum=np.empty(n, bool),
        repairs=np.empty(n, np.int64),
        unrepaired=np.empty(n, np.int64),
        intruded=np.empty(n, bool),
    )
    with _threads_for(n):
        _step_kernel(
            ch.age_days, ch.anxiety, ch.felt_security, ch.exploration, ch.competence,
            ch.prior_trust, ch.prior_fear,
            ch.known, ch.trust, ch.unpredictability, ch.fear, ch.gain, ch.payoff_baseline,
            ch.rupture_kind, ch.rupture_elapsed_days, ch.rupture_due_days, ch.rupture_will_repair,
            fi.sensitivity, fi.reliability, fi.warmth, fi.appropriateness, fi.exploration_support,
            fi.rupture_rate, fi.repair_propensity, fi.repair_latency_days, fi.active,
            present, attention, need, draws.child, bids.logistic_noise(draws.child[1]), np.log1p(-draws.child[10]),
            *_age_tables(params), _REPERTOIRE,
            constants(params, dt_days, steps_per_episode),
            record.target, record.bid_type, record.intensity, record.answered, record.warm,
            record.adult_rupture, record.tantrum, record.repairs, record.unrepaired, record.intruded,
        )  # fmt: skip
    return record


@numba.njit(parallel=True, cache=True)
def _daily_kernel(plasticity, known, models, priors, prior_rate_per_day, pull_per_day):
    """episode.daily_update for the working-model fields (tuples of arrays, one per field)."""
    n, k = known.shape
    for i in numba.prange(n):
        plast = plasticity[i]
        rate = prior_rate_per_day * plast
        pull = pull_per_day * plast
        for field in range(len(models)):
            # working_model.update_prior: towards the mean over known figures
            count = 0
            total = 0.0
            for j in range(k):
                if known[i, j]:
                    count += 1
                    total += models[field][i, j]
            prior = priors[field][i]
            if count > 0:
                prior = prior + rate * (total / count - prior)
                priors[field][i] = prior
            # working_model.pull_to_prototype
            for j in range(k):
                if known[i, j]:
                    models[field][i, j] = models[field][i, j] + pull * (prior - models[field][i, j])


_DAILY_FIELDS = ("trust", "unpredictability", "fear", "gain")


def daily_update(children: Children, params: ModelParameters) -> None:
    """Once a day, in place: what episode.daily_update does, in one compiled pass."""
    models = tuple(getattr(children, name) for name in _DAILY_FIELDS)
    priors = tuple(getattr(children, f"prior_{name}") for name in _DAILY_FIELDS)
    with _threads_for(children.n):
        _daily_kernel(
            plasticity(children.age_days, params), children.known, models, priors,
            params.prior_rate_per_day, params.prototype_pull_per_day,
        )  # fmt: skip


# ---- the day's records, in one pass ----------------------------------------------------

#: the counters per episode (records.COUNTS: five bid types, then _COUNTED)
_N_COUNTS = len(COUNTS)


@numba.njit(parallel=True, cache=True)
def _tally_kernel(
    bid_type, answered, warm, adult_rupture, tantrum, repairs, unrepaired, intruded, target,
    anxiety, felt_security, exploration, day_sums, child_counts, child_sums, with_totals, n_figures, n_chunks,
):  # fmt: skip
    """Counts in the order of records.COUNTS, then bids and adult ruptures by figure; adds the per-child rows."""
    n = bid_type.shape[0]
    partial = np.zeros((n_chunks, _N_COUNTS + 2 * n_figures), np.int64)  # a row per chunk: no shared counters
    size = (n + n_chunks - 1) // n_chunks
    for chunk in numba.prange(n_chunks):
        row = partial[chunk]
        for i in range(chunk * size, min(n, (chunk + 1) * size)):
            b = bid_type[i]
            counted = (
                np.int64(answered[i]), np.int64(warm[i]), np.int64(adult_rupture[i]), np.int64(tantrum[i]),
                np.int64(repairs[i]), np.int64(unrepaired[i]), np.int64(intruded[i]),
            )  # fmt: skip
            if b >= 0:
                row[b] += 1
                row[_N_COUNTS + target[i]] += 1
            if adult_rupture[i]:
                row[_N_COUNTS + n_figures + target[i]] += 1
            for f in range(7):
                row[5 + f] += counted[f]
            day_sums[0, i] += anxiety[i]
            day_sums[1, i] += felt_security[i]
            day_sums[2, i] += exploration[i]
            if with_totals:
                if b >= 0:
                    child_counts[b, i] += 1
                for f in range(7):
                    child_counts[5 + f, i] += counted[f]
                child_sums[0, i] += anxiety[i]
                child_sums[1, i] += felt_security[i]
                child_sums[2, i] += exploration[i]
    return partial.sum(axis=0)


def record_episode(record: EpisodeRecord, children: Children, day: Day, totals: ChildTotals | None) -> None:
    """Add one step to the day's records (and the child totals): what Day.add and ChildTotals.add do."""
    k = day.n_figures
    with_totals = totals is not None
    if totals is None:
        child_counts, child_sums = np.zeros((len(COUNTS), 0), np.int32), np.zeros((len(MEANS), 0))
    else:
        child_counts, child_sums = totals.count_matrix, totals.sum_matrix
    with _threads_for(children.n):
        counts = _tally_kernel(
            record.bid_type, record.answered, record.warm, record.adult_rupture, record.tantrum,
            record.repairs, record.unrepaired, record.intruded, record.target,
            children.anxiety, children.felt_security, children.exploration,
            day.sums, child_counts, child_sums, with_totals, k, 4 * numba.get_num_threads(),
        )  # fmt: skip
    for index, name in enumerate(COUNTS):
        day.counts[name] += int(counts[index])
    day.by_figure["bids"] += counts[_N_COUNTS : _N_COUNTS + k]
    day.by_figure["adult_ruptures"] += counts[_N_COUNTS + k :]
    day.episodes += 1
    if totals is not None:
        totals.episodes += 1


#: the counters after the five bid types, in records.COUNTS order
_COUNTED = ("responses", "warm_responses", "adult_ruptures", "tantrums", "repairs", "unrepaired_ruptures", "intrusions")
if COUNTS[5:] != _COUNTED or tuple(MEANS) != ("anxiety", "felt_security", "exploration"):
    raise RuntimeError("records.COUNTS or records.MEANS changed: update fused._tally_kernel to match")
