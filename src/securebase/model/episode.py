"""One episode of need for a whole population: the step both time scales share.

A need raises anxiety; the child bids to the best figure present, with an
intensity set by its learned signalling gain; the figure notices, answers,
warmly or not; ruptures may open (the adult's, the child's tantrum) and pending
ones are repaired or left unrepaired; the child learns from the outcome,
explores as far as its anxiety and felt security allow, and calms down.

The developmental engine calls :func:`step` ``episodes_per_day`` times a day
with ``steps_per_episode=1``; the moment engine calls it every few seconds with
``steps_per_episode`` = episode length / step length, which scales the rates so
that the same mechanism runs at both scales.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securebase.model import anxiety as anx
from securebase.model import bids, caregiving, exploration, ruptures
from securebase.model import working_model as wm
from securebase.model.parameters import ModelParameters
from securebase.model.state import ADULT_RUPTURE, CHILD_RUPTURE, Children, Figures, rowsum
from securebase.model.timescale import internalisation, per_step, plasticity, tantrum_rate_per_day

#: uniforms drawn per child and per (child, figure) in every step, whatever happens:
#: a fixed count keeps two runs that differ in one parameter on the same random numbers.
CHILD_DRAWS = 11
FIGURE_DRAWS = 1


@dataclass
class Draws:
    """The random numbers of one step."""

    child: np.ndarray  # (CHILD_DRAWS, n)
    figure: np.ndarray  # (FIGURE_DRAWS, n, k)


def draw(rng: np.random.Generator, n: int, k: int) -> Draws:
    """The uniforms of one step from a NumPy generator (the engine uses engine.uniforms)."""
    # single precision: ample for uniforms compared with probabilities, and half the cost
    return Draws(
        child=rng.random((CHILD_DRAWS, n), dtype=np.float32),
        figure=rng.random((FIGURE_DRAWS, n, k), dtype=np.float32),
    )


@dataclass
class EpisodeRecord:
    """What happened to each child in one step (for counting; not state)."""

    target: np.ndarray  # figure index the child turned to, -1 if none present
    bid_type: np.ndarray  # index into BID_TYPES, -1 if no bid
    intensity: np.ndarray  # intensity of the bid sent, 0 if no bid
    answered: np.ndarray
    warm: np.ndarray
    adult_rupture: np.ndarray
    tantrum: np.ndarray
    repairs: np.ndarray  # repairs completed this step, per child
    unrepaired: np.ndarray  # ruptures closed unrepaired this step, per child
    intruded: np.ndarray


def _set_where(array: np.ndarray, flat: np.ndarray, values: np.ndarray, mask: np.ndarray) -> None:
    """array[i, target[i]] = values[i] where mask[i], through flat indices (fast for small k)."""
    out = array.reshape(-1)
    out[flat] = np.where(mask, values, out.take(flat))


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
) -> EpisodeRecord:
    """Advance every child by one step, in place. ``present`` and ``attention`` are (n, k)."""
    p = params
    n = children.n
    rows = np.arange(n)
    u = draws.child
    plast = plasticity(children.age_days, p)

    with_child = present & children.known & figures.active
    target_security = anx.felt_security_target(
        children.trust,
        children.fear,
        with_child,
        children.prior_trust,
        children.prior_fear,
        internalisation(children.age_days, p),
    )
    # felt security follows who is there within minutes (both time scales)
    step_minutes = p.episode_minutes / steps_per_episode
    tracking = -np.expm1(-step_minutes / p.security_timescale_minutes)
    s = children.felt_security + tracking * (target_security - children.felt_security)
    children.felt_security = np.clip(s, 0.0, 1.0)

    a_before = anx.raise_by_need(children.anxiety, need, children.felt_security, p)

    # the child turns to the figure it expects most from (its hierarchy)
    score = np.where(with_child, children.trust * (1.0 - children.fear), -1.0)
    target = score.argmax(axis=1)
    flat = rows * score.shape[1] + target
    has_figure = score.reshape(-1).take(flat) >= 0.0

    def of_target(array: np.ndarray) -> np.ndarray:
        return array.reshape(-1).take(flat)

    gain = of_target(children.gain)
    noise = bids.logistic_noise(u[1])
    intensity = bids.intensity(a_before, gain, noise, p)
    # whether to bid follows the habitual signal; the noise only varies how hard (so the
    # gain learns from what intensity achieves, not from the bid/no-bid threshold)
    bidding = has_figure & (a_before * np.exp(gain) > p.bid_threshold)
    answered, warm = caregiving.respond(
        bidding,
        of_target(figures.sensitivity),
        of_target(attention),
        of_target(figures.reliability),
        of_target(figures.warmth),
        intensity,
        u[2],
        u[3],
        u[4],
    )
    # a response delivers its effect over a couple of minutes: one developmental episode, many moments
    steps_per_response = max(1.0, p.response_minutes / step_minutes)
    a_after = caregiving.anxiety_after_response(
        a_before, bidding, warm, of_target(figures.appropriateness), intensity, p, steps_per_response
    )

    # learning from the outcome, weighted by the anxiety it came with
    weight = wm.learning_weight(a_before, plast, p) / steps_per_episode
    trust, unpredictability = wm.update_expectations(
        of_target(children.trust), of_target(children.unpredictability), warm.astype(float), weight
    )
    _set_where(children.trust, flat, trust, bidding)
    _set_where(children.unpredictability, flat, unpredictability, bidding)
    # distorting the signal either way costs effort (Spangler & Grossmann 1993)
    payoff = (a_before - a_after) - p.distortion_cost * np.abs(gain + p.signal_noise * noise)
    new_gain, baseline = wm.update_gain(
        gain, of_target(children.payoff_baseline), payoff, noise, weight, plast / steps_per_episode, p
    )
    _set_where(children.gain, flat, new_gain, has_figure)
    _set_where(children.payoff_baseline, flat, baseline, has_figure)
    fear = wm.extinguish_fear(of_target(children.fear), weight, p)
    _set_where(children.fear, flat, fear, has_figure)

    # ruptures from both sides, then repairs and unrepaired ruptures that fall due
    adult_rupture = has_figure & (u[5] < of_target(figures.rupture_rate) * dt_days)
    a_after = np.where(adult_rupture, a_after + (1.0 - a_after) * p.rupture_anxiety, a_after)
    frightened = wm.frighten(of_target(children.fear), (p.fear_learning_rate * plast))
    _set_where(children.fear, flat, frightened, adult_rupture)
    tantrum_probability = tantrum_rate_per_day(children.age_days, p) * dt_days * 2.0 * a_after
    tantrum = has_figure & (u[6] < tantrum_probability)
    a_after = np.where(tantrum, a_after + (1.0 - a_after) * p.tantrum_anxiety, a_after)
    for kind, mask in ((ADULT_RUPTURE, adult_rupture), (CHILD_RUPTURE, tantrum)):
        ruptures.open_ruptures(
            children,
            flat[mask],
            kind,
            of_target(figures.repair_propensity),
            of_target(figures.repair_latency_days),
            u[9],
            u[10],
            p,
        )
    children.anxiety = a_after
    repaired, unrepaired, adult, elapsed = ruptures.resolve_due(children, with_child, dt_days)
    ruptures.apply_resolutions(
        children,
        repaired,
        unrepaired,
        adult,
        ruptures.repair_effectiveness(elapsed, p),
        wm.learning_weight(children.anxiety, plast, p),
        p.fear_learning_rate * plast,
        p,
    )

    # exploring, and learning from it
    level = exploration.exploration_level(children.anxiety, children.felt_security, p)
    intruded = exploration.intrusion(of_target(figures.appropriateness), has_figure, u[7], p)
    level = level * (1.0 - p.intrusion_cost * intruded)
    support = np.where(has_figure, of_target(figures.exploration_support), 0.0)
    children.exploration = level
    children.competence = children.competence + exploration.competence_gain(
        children.competence, level, children.anxiety, support, dt_days, p
    )

    children.anxiety = np.clip(
        anx.relax(
            children.anxiety,
            children.felt_security,
            per_step(p.self_regulation, steps_per_episode),
            per_step(p.base_calming, steps_per_episode),
        ),
        0.0,
        1.0,
    )
    bid_type = np.full(n, -1, dtype=np.int8)
    bid_type[bidding] = bids.bid_type(children.age_days[bidding], intensity[bidding], u[8][bidding])
    children.age_days = children.age_days + dt_days
    return EpisodeRecord(
        target=np.where(has_figure, target, -1),
        bid_type=bid_type,
        intensity=np.where(bidding, intensity, 0.0),
        answered=answered,
        warm=warm,
        adult_rupture=adult_rupture,
        tantrum=tantrum,
        repairs=rowsum(repaired),
        unrepaired=rowsum(unrepaired),
        intruded=intruded,
    )


def daily_update(children: Children, params: ModelParameters) -> None:
    """Once a day: the general prior follows the working models, which drift towards it (in place)."""
    plast = plasticity(children.age_days, params)
    prior_rate = params.prior_rate_per_day * plast
    pull = params.prototype_pull_per_day * plast
    for name in ("trust", "unpredictability", "fear", "gain"):
        models = getattr(children, name)
        prior = getattr(children, f"prior_{name}")
        setattr(children, f"prior_{name}", wm.update_prior(prior, models, children.known, prior_rate))
        setattr(children, name, wm.pull_to_prototype(models, getattr(children, f"prior_{name}"), children.known, pull))
