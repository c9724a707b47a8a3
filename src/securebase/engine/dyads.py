"""Couples living their days: both partners take the model's step, each the other's figure (S11).

The mechanism (who a partner is as the other's figure, and the couple's
counters) is model/dyad.py; this module runs it on a kernel.
"""

from __future__ import annotations

import numpy as np

from securebase.engine import kernels
from securebase.engine.driver import Attend, Driver, Moment, Rest, Timeline
from securebase.engine.uniforms import draw
from securebase.model.anxiety import need_magnitude
from securebase.model.dyad import DYAD, DyadConstants, Dyads, DyadTotals, adult_parameters, effective_caregiving
from securebase.model.parameters import ModelParameters
from securebase.model.step import U_NEED


def needs(uniforms: np.ndarray, params: ModelParameters) -> np.ndarray:
    """The need of each partner (n,) from its uniforms: model.anxiety.need_magnitude, elementwise."""
    return kernels.elementwise(need_magnitude)(uniforms.astype(np.float64), params.need_mean)


def couples_day(
    dyads: Dyads,
    rng: np.random.Generator,
    params: ModelParameters,
    totals: DyadTotals,
    episodes_per_day: int = 8,
    constants: DyadConstants = DYAD,
) -> Timeline:
    """The timeline of one day of every couple (engine/driver.py): ``episodes_per_day`` episodes of both partners'
    steps, each the other's figure, then both partners' daily learning; adds the day to ``totals``."""
    n = dyads.n
    params = adult_parameters(params)
    dt_days = 1.0 / episodes_per_day
    lapse = float(params.lapse_attention)
    attention_of_a = yield Attend(
        dyads.a_gives.consistency, lapse, rng.random((n, 1), dtype=np.float32), np.empty((n, 1))
    )
    attention_of_b = yield Attend(
        dyads.b_gives.consistency, lapse, rng.random((n, 1), dtype=np.float32), np.empty((n, 1))
    )
    for _ in range(episodes_per_day):
        draws_a = draw(rng, n, 1)
        draws_b = draw(rng, n, 1)
        present = draws_a.figure[0] < dyads.together  # together or not, for both at once
        a_more_anxious = dyads.a.anxiety > dyads.b.anxiety
        b_more_anxious = dyads.b.anxiety > dyads.a.anxiety
        a_as_figure = effective_caregiving(dyads.a_gives, dyads.a.anxiety, constants)
        b_as_figure = effective_caregiving(dyads.b_gives, dyads.b.anxiety, constants)
        need_a = needs(draws_a.child[U_NEED], params)
        need_b = needs(draws_b.child[U_NEED], params)
        record_a = yield Moment(dyads.a, b_as_figure, present, attention_of_b, need_a, draws_a.child, params, dt_days)
        record_b = yield Moment(dyads.b, a_as_figure, present, attention_of_a, need_b, draws_b.child, params, dt_days)
        c = totals.counts
        for p, own, other_record, state in (("a", record_a, record_b, dyads.a), ("b", record_b, record_a, dyads.b)):
            c[f"bids_{p}"] += own.bid_type >= 0
            c[f"warm_responses_received_{p}"] += own.warm
            c[f"care_given_{p}"] += other_record.warm
            c[f"ruptures_{p}"] += own.adult_rupture.astype(float) + own.tantrum
            c[f"repairs_{p}"] += own.repairs
            c[f"unrepaired_ruptures_{p}"] += own.unrepaired
            c[f"exploration_{p}"] += state.exploration
            c[f"anxiety_{p}"] += state.anxiety
        # b gave care when a's bid was met warmly, and the other way round
        b_gave, a_gave = record_a.warm, record_b.warm
        totals.care_to_more_anxious += (b_gave & a_more_anxious).astype(float) + (a_gave & b_more_anxious)
        giver = np.where(a_gave & ~b_gave, 0, np.where(b_gave & ~a_gave, 1, -1))
        swapped = (giver >= 0) & (totals.last_giver >= 0) & (giver != totals.last_giver)
        totals.role_swaps += swapped
        totals.last_giver = np.where(giver >= 0, giver, totals.last_giver)
        totals.episodes += 1
    for partner in (dyads.a, dyads.b):
        yield Rest(*partner.arrays(), params)


def live_day(
    dyads: Dyads,
    rng: np.random.Generator,
    params: ModelParameters,
    totals: DyadTotals,
    episodes_per_day: int = 8,
    constants: DyadConstants = DYAD,
    kernel: str = "cpu",
) -> None:
    """One day of every couple (:func:`couples_day`) on ``kernel``."""
    Driver(kernel).drive(couples_day(dyads, rng, params, totals, episodes_per_day, constants))
