"""One child's episode of need: the step every kernel runs, composed from the mechanisms.

A need raises anxiety; the child bids to the best figure present, with an
intensity set by its learned signalling gain; the figure notices, answers,
warmly or not; ruptures may open (the adult's, the child's tantrum) and pending
ones are repaired or left unrepaired; the child learns from the outcome,
explores as far as its anxiety and felt security allow, and calms down. Once a
day the general prior follows the working models (:func:`end_of_day`).

This module is the one definition of the step. Its functions are plain Python
on scalars and on the arrays of ``model.state`` (``Children.arrays()``,
``Figures.arrays()``), indexed by child ``i``; they call the mechanisms'
scalar functions by name. ``securebase.engine.kernels`` compiles them, with
every mechanism they call, for the CPU (numba, parallel over children) and for
NVIDIA GPUs (numba-cuda, a thread per child), and runs them uncompiled as the
readable path. A new mechanism is one module in ``model/`` and one call here.

The developmental engine runs :func:`engine_episode` ``episodes_per_day`` times
a day with ``steps_per_episode = 1``; the moment engine runs :func:`episode`
every few seconds with ``steps_per_episode`` = episode length / step length,
which scales the rates so that the same mechanism runs at both scales.
"""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import fields
from typing import NamedTuple

import numpy as np

from securebase.model.anxiety import (
    follow_security,
    need_magnitude,
    raise_by_need,
    relax,
    secure_base,
    security_alone,
)
from securebase.model.bids import bid_type, habitual_signal, intensity, logistic_noise, repertoire_by_day
from securebase.model.caregiving import UNANSWERED, WARM, anxiety_after_response, credit_to_figure, response
from securebase.model.display import attention_to_toys, shown_distress
from securebase.model.drift import drifted
from securebase.model.exploration import (
    competence_gain,
    encouraged,
    exploration_level,
    intrusion_probability,
    learning_band,
)
from securebase.model.fright import (
    anomalous_probability,
    extinction_with_history,
    forget_alarm,
    fright,
    history_after_repair,
    remember_alarm,
)
from securebase.model.parameters import ModelParameters
from securebase.model.ruptures import (
    adult_rupture_probability,
    fear_after_repair,
    repair_effectiveness,
    repair_latency,
    tantrum_probability,
    trust_after_repair,
    trust_after_unrepaired,
    upset,
)
from securebase.model.state import ADULT_RUPTURE, CHILD_RUPTURE, NO_RUPTURE
from securebase.model.timescale import (
    MINUTES_PER_DAY,
    day_of_age,
    internalisation_by_day,
    per_step,
    plasticity_by_day,
    tantrum_rate_by_day,
    undirected_by_day,
)
from securebase.model.working_model import (
    add_evidence,
    credible,
    discriminating,
    expected_share,
    expected_surprise,
    expected_warmth,
    extinguish_fear,
    filtered_weight,
    forget_evidence,
    frighten,
    grow_familiarity,
    learning_weight,
    miscued_warmth,
    prototype_rate,
    reach,
    strategy_target,
    toward,
)

#: uniforms drawn per child and per (child, figure) in every step, whatever happens:
#: a fixed count keeps two runs that differ in one parameter on the same random numbers.
CHILD_DRAWS = 15
FIGURE_DRAWS = 1
#: what each child's uniform is for (row of the child draws); a tantrum is a bid and meets its own response
(
    U_NEED, U_NOISE, U_NOTICE, U_RESPOND, U_WARM, U_RUPTURE, U_TANTRUM, U_INTRUSION, U_BID_TYPE, U_REPAIR, U_LATENCY,
    U_ANOMALOUS, U_TANTRUM_NOTICE, U_TANTRUM_RESPOND, U_TANTRUM_WARM,
) = range(CHILD_DRAWS)  # fmt: skip

#: the steps' constants: every model parameter, and the conversions to one kind of step (see :func:`constants`)
Constants = namedtuple(
    "Constants",
    [f.name for f in fields(ModelParameters)]
    + ["dt_days", "steps_per_episode", "tracking", "steps_per_response", "self_regulation_step", "base_calming_step"],
)


def constants(params: ModelParameters, dt_days: float, steps_per_episode: float = 1.0) -> Constants:
    """The constants of one kind of step (developmental: 1 step an episode; moment: many), as floats."""
    p = params
    step_minutes = p.episode_minutes / steps_per_episode
    return Constants(
        *(float(getattr(p, f.name)) for f in fields(ModelParameters)),
        dt_days=float(dt_days),
        steps_per_episode=float(steps_per_episode),
        # felt security follows who is there within minutes (both time scales)
        tracking=float(-math.expm1(-step_minutes / p.security_timescale_minutes)),
        # a response delivers its effect over a couple of minutes: one developmental episode, many moments
        steps_per_response=max(1.0, p.response_minutes / step_minutes),
        self_regulation_step=float(per_step(p.self_regulation, steps_per_episode)),
        base_calming_step=float(per_step(p.base_calming, steps_per_episode)),
    )


class AgeTables(NamedTuple):
    """Age-dependent rates by whole day of age (model.timescale), and the bid repertoire (model.bids)."""

    plasticity: np.ndarray
    internalisation: np.ndarray
    tantrum_rate: np.ndarray
    repertoire: np.ndarray
    undirected: np.ndarray
    #: model v3 part 2: the weight of a day's experience in the prototype (its sensitive period)
    prototype_plasticity: np.ndarray


def age_tables(params: ModelParameters) -> AgeTables:
    p = params
    return AgeTables(
        plasticity=plasticity_by_day(p.plasticity_floor, p.plasticity_timescale_years),
        internalisation=internalisation_by_day(p.internalisation_max, p.internalisation_timescale_years),
        tantrum_rate=tantrum_rate_by_day(
            p.tantrum_floor_per_day, p.tantrum_peak_per_day, p.tantrum_peak_age_years, p.tantrum_age_width_years
        ),
        repertoire=repertoire_by_day(),
        undirected=undirected_by_day(p.undirected_timescale_years),
        prototype_plasticity=plasticity_by_day(p.prototype_plasticity_floor, p.prototype_sensitive_years),
    )


class EpisodeRecord(NamedTuple):
    """What happened to each child in one step (for counting; not state), arrays of shape (n,)."""

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


def new_record(n: int, precision: str = "float64") -> EpisodeRecord:
    return EpisodeRecord(
        target=np.empty(n, np.int64),
        bid_type=np.empty(n, np.int8),
        intensity=np.empty(n, precision),
        answered=np.empty(n, np.bool_),
        warm=np.empty(n, np.bool_),
        adult_rupture=np.empty(n, np.bool_),
        tantrum=np.empty(n, np.bool_),
        repairs=np.empty(n, np.int64),
        unrepaired=np.empty(n, np.int64),
        intruded=np.empty(n, np.bool_),
    )


def uniform(u, row, i):
    """Child ``i``'s uniform for ``row`` (U_...), in double precision like every other number of the step."""
    return np.float64(u[row, i])  # not float(): numba keeps float32 through float()


def with_child(i, j, present, rel, fig):
    """Whether figure ``j`` is with child ``i`` now: present (bit j of ``present``), known and in its life."""
    return ((present >> j) & 1) == 1 and rel.known[i, j] and fig.active[i, j]


def _fright(i, target, rel, fig, severity, plast, c):
    """An alarming moment from figure ``target`` (anomalous behaviour, or a loss of temper): anxiety and fear, and
    the relationship's history of alarm (model/fright.py)."""
    sensitivity = drifted(fig.sensitivity[i, target], rel.care_drift[i, target])
    scare = fright(severity, sensitivity, c.sensitivity_moderation)
    rel.fear[i, target] = frighten(rel.fear[i, target], c.fear_learning_rate * plast * scare)
    rel.alarm_history[i, target] = remember_alarm(rel.alarm_history[i, target], scare)
    return scare


def _learn(i, target, child, rel, fig, attention, outcome, bidding, weight, ordinary, bid_intensity, plast, share, c):
    """Learn from one outcome with figure ``target`` (a bid's, a tantrum's, or a cue's that was answered).

    Weighted by the anxiety it came with and, while the figure is new, filtered by the general prior; the
    signalling gain follows what the expectations call for. A bid teaches whatever its outcome; a cue teaches
    only when the figure answers it (nothing was asked). ``ordinary`` is the intensity the bid would have had
    with an open signal (gain 0): an answer won only by amplifying teaches that the figure is not available to
    ordinary bids (:func:`~securebase.model.caregiving.credit_to_figure`). ``share`` is the part of the bid that
    was addressed to the figure as a known figure (:func:`~securebase.model.working_model.discriminating`): only
    that part teaches about it and counts as evidence of it (model v3 part 2).
    """
    warm = outcome == WARM
    t = rel.trust[i, target]
    taken = share * filtered_weight(
        weight, warm, child.prior_gain[i], rel.familiarity[i, target], c.gain_limit,
        c.defensive_exclusion, c.lapse_overweighting,
    )  # fmt: skip
    rel.evidence[i, target] = add_evidence(rel.evidence[i, target], share / c.steps_per_episode)
    warmth_seen = 1.0 if warm else 0.0
    rel.unpredictability[i, target] = expected_surprise(rel.unpredictability[i, target], t, warmth_seen, taken)
    rel.trust[i, target] = expected_warmth(t, warmth_seen, taken)
    if bidding:
        unanswered = 1.0
        if outcome != UNANSWERED:
            sensitivity = drifted(fig.sensitivity[i, target], rel.care_drift[i, target])
            unanswered = 1.0 - credit_to_figure(sensitivity, attention[i, target], ordinary, bid_intensity)
        rel.unavailability[i, target] = expected_share(rel.unavailability[i, target], unanswered, taken)
    if outcome != UNANSWERED:
        rel.rejection[i, target] = expected_share(rel.rejection[i, target], 0.0 if warm else 1.0, taken)
    wanted = strategy_target(
        rel.rejection[i, target], rel.unavailability[i, target], c.rejection_drive, c.unavailability_drive,
        c.strategy_tolerance, c.inconsistency_tolerance, c.gain_limit,
    )  # fmt: skip
    rel.gain[i, target] = toward(rel.gain[i, target], wanted, c.gain_learning_rate * plast / c.steps_per_episode)


def episode(i, child, rel, fig, present, need, attention, u, tables, c, out):
    """Advance child ``i`` by one step, in place, and write what happened to ``out`` (an EpisodeRecord).

    ``present`` is a bit mask of the figures with the child (bit j: figure j),
    ``need`` the need that arises, ``attention`` (n, k) each figure's attention
    today, ``u`` (CHILD_DRAWS, n) the step's uniforms, ``tables`` the AgeTables
    and ``c`` the Constants of this kind of step.
    """
    k = rel.trust.shape[1]
    day = day_of_age(child.age_days[i])
    plast = tables.plasticity[day]

    # felt security follows the best secure base present, else what the child has internalised; the child
    # turns to the figure that is most a secure base to it (its hierarchy: the same score), and spends time
    # with those present becoming familiar with them
    with_figure = 0.0
    best = -1.0
    target = 0
    for j in range(k):
        score = -1.0
        if with_child(i, j, present, rel, fig):
            trusted = credible(rel.trust[i, j], rel.evidence[i, j], c.prototype_weight, c.uncertainty_caution)
            score = secure_base(trusted, rel.fear[i, j], rel.familiarity[i, j])
            with_figure = max(with_figure, score)
            rel.familiarity[i, j] = grow_familiarity(rel.familiarity[i, j], c.dt_days, c.familiarity_timescale_days)
        if score > best:
            best = score
            target = j
    has_figure = best >= 0.0
    alone = security_alone(tables.internalisation[day], child.prior_trust[i], child.prior_fear[i])
    s = follow_security(child.felt_security[i], max(with_figure, alone), c.tracking)
    child.felt_security[i] = s

    a_before = raise_by_need(child.anxiety[i], need * child.negative_emotionality[i], s, c.security_buffering)

    # the bid: whether to bid follows the habitual signal, addressed to the figure as far as it is familiar
    # (or the child's signals are still undirected); the noise only varies how hard. A child aroused past the
    # threshold who does not bid (a suppressed signal) still shows subtle cues, which a sensitive figure may
    # notice and answer on its own initiative (Spangler & Grossmann 1993: avoidant infants are aroused without
    # showing it; responding to subtle cues is how such a child meets evidence of warmth)
    g = rel.gain[i, target]
    addressed = reach(
        rel.familiarity[i, target], tables.undirected[day], child.prior_trust[i], c.indiscriminate_approach
    )
    share = discriminating(reach(rel.familiarity[i, target], tables.undirected[day], 0.0, 0.0), addressed)
    noise = logistic_noise(uniform(u, U_NOISE, i))
    bid_intensity = intensity(a_before, g + c.signal_noise * noise) * addressed
    # the intensity with an open signal (gain 0): an answer won only by amplifying credits the figure less (_learn)
    ordinary = intensity(a_before, c.signal_noise * noise) * addressed
    bidding = has_figure and habitual_signal(a_before, g) * addressed > c.bid_threshold
    cue = has_figure and not bidding and a_before > c.bid_threshold
    # the figure's caregiving now: its drawn qualities moved by the relationship's drift of care (model/drift.py)
    drift = rel.care_drift[i, target]
    sensitivity = drifted(fig.sensitivity[i, target], drift)
    reliability = drifted(fig.reliability[i, target], drift)
    appropriateness = drifted(fig.appropriateness[i, target], drift)
    # an insecure prototype's miscues draw less warmth from a figure new to the child (model v3 part 2: memory)
    warmth = miscued_warmth(
        drifted(fig.warmth[i, target], drift), child.prior_gain[i], rel.familiarity[i, target], c.gain_limit,
        c.miscue,
    )  # fmt: skip
    outcome = UNANSWERED
    if bidding or cue:
        outcome = response(
            sensitivity, attention[i, target], reliability, warmth,
            bid_intensity, uniform(u, U_NOTICE, i), uniform(u, U_RESPOND, i), uniform(u, U_WARM, i),
        )  # fmt: skip
    warm = outcome == WARM
    soothing = min(c.soothing * child.soothability[i], 1.0)
    a_after = anxiety_after_response(
        a_before, bidding, outcome, appropriateness, bid_intensity,
        soothing, c.fit_floor, c.unanswered_distress, c.steps_per_response,
    )  # fmt: skip

    # learning from the outcome, weighted by the anxiety it came with (:func:`_learn`)
    weight = learning_weight(a_before, plast, c.learning_rate, c.anxiety_weighting, c.max_learning_weight)
    weight = weight / c.steps_per_episode
    if bidding or outcome != UNANSWERED:
        _learn(
            i, target, child, rel, fig, attention, outcome, bidding, weight, ordinary, bid_intensity, plast, share, c
        )
    if has_figure:
        # fear extinguishes with time together, the slower the longer the history of alarm (model/fright.py)
        extinction = extinction_with_history(c.fear_extinction, rel.alarm_history[i, target], c.alarm_history_scale)
        rel.fear[i, target] = extinguish_fear(rel.fear[i, target], weight, extinction)

    # alarm and ruptures from both sides: the figure's anomalous moments and losses of temper frighten the
    # child (model/fright.py); one pending rupture per relationship, the adult's first
    anomalous = has_figure and uniform(u, U_ANOMALOUS, i) < anomalous_probability(
        fig.anomalous_rate[i, target], c.dt_days
    )
    alarm = 0.0  # the frights of this step's alarming moments: what a repair of the rupture they open takes back
    if anomalous:
        scare = _fright(i, target, rel, fig, fig.anomalous_severity[i, target], plast, c)
        a_after = upset(a_after, c.rupture_anxiety * scare)
        alarm += scare
    temper = has_figure and uniform(u, U_RUPTURE, i) < adult_rupture_probability(fig.rupture_rate[i, target], c.dt_days)
    if temper:
        alarm += _fright(i, target, rel, fig, c.temper_severity, plast, c)
        a_after = upset(a_after, c.rupture_anxiety)
    adult_rupture = anomalous or temper
    tantrum = has_figure and uniform(u, U_TANTRUM, i) < tantrum_probability(
        tables.tantrum_rate[day], c.dt_days, a_after, c.tantrum_reference_anxiety
    )
    if tantrum:
        # a tantrum is distress at its most intense: a bid of full intensity, answered or not through the same
        # response (McElwain & Booth-LaForce 2006; Leerkes 2011: responsiveness to distress), with the costs of
        # an ignored or a punished bid (Eisenberg, Cumberland & Spinrad 1998), and learned from like any bid
        a_after = upset(a_after, c.tantrum_anxiety)
        tantrum_outcome = response(
            sensitivity, attention[i, target], reliability, warmth,
            1.0, uniform(u, U_TANTRUM_NOTICE, i), uniform(u, U_TANTRUM_RESPOND, i), uniform(u, U_TANTRUM_WARM, i),
        )  # fmt: skip
        a_after = anxiety_after_response(
            a_after, True, tantrum_outcome, appropriateness, 1.0,
            soothing, c.fit_floor, c.unanswered_distress, c.steps_per_response,
        )  # fmt: skip
        _learn(i, target, child, rel, fig, attention, tantrum_outcome, True, weight, ordinary, 1.0, plast, share, c)

    if (adult_rupture or tantrum) and rel.rupture_kind[i, target] == NO_RUPTURE:
        will_repair = uniform(u, U_REPAIR, i) < fig.repair_propensity[i, target]
        rel.rupture_kind[i, target] = ADULT_RUPTURE if adult_rupture else CHILD_RUPTURE
        rel.rupture_alarm[i, target] = alarm
        rel.rupture_elapsed_days[i, target] = 0.0
        if will_repair:
            rel.rupture_due_days[i, target] = repair_latency(
                fig.repair_latency_days[i, target], math.log1p(-uniform(u, U_LATENCY, i))
            )
        else:
            rel.rupture_due_days[i, target] = c.unrepaired_after_days
        rel.rupture_will_repair[i, target] = will_repair

    # pending ruptures that fall due: repaired (when together), or closed unrepaired
    weight_now = learning_weight(a_after, plast, c.learning_rate, c.anxiety_weighting, c.max_learning_weight)
    fear_weight = c.fear_learning_rate * plast
    repairs = 0
    unrepaired = 0
    soothing_by_repair = 0.0
    for j in range(k):
        if rel.rupture_kind[i, j] == NO_RUPTURE:
            continue
        elapsed = rel.rupture_elapsed_days[i, j] + c.dt_days
        rel.rupture_elapsed_days[i, j] = elapsed
        if elapsed < rel.rupture_due_days[i, j]:
            continue
        if rel.rupture_will_repair[i, j]:
            if not with_child(i, j, present, rel, fig):
                continue  # a due repair waits until they are together
            effectiveness = repair_effectiveness(elapsed * MINUTES_PER_DAY, c.repair_timescale_minutes)
            rel.trust[i, j] = trust_after_repair(rel.trust[i, j], weight_now, c.repair_trust_gain, effectiveness)
            if rel.rupture_kind[i, j] == ADULT_RUPTURE:
                # a repair takes back part of the fear, and of the history the alarm it repairs as far as it works
                rel.fear[i, j] = fear_after_repair(rel.fear[i, j], fear_weight, effectiveness)
                rel.alarm_history[i, j] = history_after_repair(
                    rel.alarm_history[i, j], rel.rupture_alarm[i, j], effectiveness
                )
            soothing_by_repair = max(soothing_by_repair, c.repair_soothing * effectiveness)
            repairs += 1
        else:
            rel.trust[i, j] = trust_after_unrepaired(rel.trust[i, j], weight_now, c.unrepaired_trust_cost)
            unrepaired += 1
        rel.rupture_kind[i, j] = NO_RUPTURE
    a_after = a_after * (1.0 - soothing_by_repair)

    # exploring, and learning from it (attention diverted to the toys is display, not exploration: below)
    level = exploration_level(a_after, s, c.exploration_floor)
    support = fig.exploration_support[i, target] if has_figure else 0.0
    if has_figure:
        level = encouraged(level, support, best, c.encouragement)
    intruded = has_figure and uniform(u, U_INTRUSION, i) < intrusion_probability(
        fig.intrusiveness[i, target], c.intrusion_rate
    )
    if intruded:
        level = level * (1.0 - c.intrusion_cost)
    child.exploration[i] = level
    band = learning_band(a_after, c.learning_band_centre, c.learning_band_width)
    competence = child.competence[i]
    child.competence[i] = competence + competence_gain(
        competence, level, band, support, c.dt_days, c.competence_rate_per_day, c.support_boost
    )

    regulation = min(c.self_regulation_step * child.soothability[i], 1.0)
    arousal = min(max(relax(a_after, s, regulation, c.base_calming_step), 0.0), 1.0)
    child.anxiety[i] = arousal
    # the display: the strategy towards the figure turned to (else the general one) acts on what is shown, not
    # on the arousal felt, with the moment's signal noise (model/display.py)
    strategy = rel.gain[i, target] if has_figure else child.prior_gain[i]
    shown = shown_distress(arousal, strategy + c.signal_noise * noise)
    child.distress_shown[i] = shown
    seeking = bid_intensity if bidding else 0.0
    child.attention_to_toys[i] = attention_to_toys(
        level, arousal, shown, s, c.exploration_floor, c.exploration_diversion, seeking
    )
    kind = -1
    if bidding:
        kind = bid_type(tables.repertoire, day, bid_intensity, uniform(u, U_BID_TYPE, i))
    child.age_days[i] = child.age_days[i] + c.dt_days

    out.target[i] = target if has_figure else -1
    out.bid_type[i] = kind
    out.intensity[i] = bid_intensity if bidding else 0.0
    out.answered[i] = bidding and outcome != UNANSWERED
    out.warm[i] = bidding and warm
    out.adult_rupture[i] = temper  # losses of temper, as counted since model v1 (anomalous moments are not)
    out.tantrum[i] = tantrum
    out.repairs[i] = repairs
    out.unrepaired[i] = unrepaired
    out.intruded[i] = intruded


def presence(i, u_figure, availability, active):
    """Bit mask of the figures with child ``i`` this episode: each present with its availability now."""
    present = 0
    for j in range(availability.shape[0]):
        if u_figure[0, i, j] < availability[j] and active[i, j]:
            present |= 1 << j
    return present


def engine_episode(i, child, rel, fig, availability, attention, u, u_figure, tables, c, out):
    """One developmental episode of child ``i``: who is there, the need that arises, and the step.

    ``availability`` (k,) is each figure's probability of being with the child in
    this episode's setting; ``u_figure`` (FIGURE_DRAWS, n, k) the uniforms per relationship.
    """
    need = need_magnitude(uniform(u, U_NEED, i), c.need_mean)
    episode(i, child, rel, fig, presence(i, u_figure, availability, fig.active), need, attention, u, tables, c, out)


def mask_of(i, present):
    """Bit mask of row ``i`` of a (n, k) boolean array of presence."""
    mask = 0
    for j in range(present.shape[1]):
        if present[i, j]:
            mask |= 1 << j
    return mask


def _settle(i, models, prior, known, evidence, rate, pull):
    """The prior moves towards the working models over known figures, each weighted by the evidence it rests on
    (so a figure generalises in proportion to contact: model v3 part 2); each model is pulled to the prior."""
    weight = 0.0
    total = 0.0
    for j in range(models.shape[1]):
        if known[i, j]:
            weight += evidence[i, j]
            total += evidence[i, j] * models[i, j]
    value = prior[i]
    if weight > 0.0:
        value = toward(value, total / weight, rate)
        prior[i] = value
    for j in range(models.shape[1]):
        if known[i, j]:
            models[i, j] = toward(models[i, j], value, pull)


def end_of_day(i, child, rel, tables, c):
    """Once a day: the prototype (the general prior) follows the working models, which drift towards it (S8).

    Model v3 part 2: the prototype is a running mean whose evidence accumulates, each day weighted by the
    sensitive period (:func:`~securebase.model.working_model.prototype_rate`), so what was learned early keeps
    its weight; each relationship's evidence fades over months.
    """
    day = day_of_age(child.age_days[i])
    plast = tables.plasticity[day]
    today = tables.prototype_plasticity[day]
    rate = prototype_rate(today, child.prior_evidence[i], c.prior_rate_per_day)
    child.prior_evidence[i] = child.prior_evidence[i] + today
    pull = c.prototype_pull_per_day * plast
    _settle(i, rel.trust, child.prior_trust, rel.known, rel.evidence, rate, pull)
    _settle(i, rel.unpredictability, child.prior_unpredictability, rel.known, rel.evidence, rate, pull)
    _settle(i, rel.fear, child.prior_fear, rel.known, rel.evidence, rate, pull)
    _settle(i, rel.gain, child.prior_gain, rel.known, rel.evidence, rate, pull)
    _settle(i, rel.rejection, child.prior_rejection, rel.known, rel.evidence, rate, pull)
    _settle(i, rel.unavailability, child.prior_unavailability, rel.known, rel.evidence, rate, pull)
    for j in range(rel.evidence.shape[1]):
        rel.evidence[i, j] = forget_evidence(rel.evidence[i, j], 1.0, c.evidence_memory_days)  # once a day
    # the history of alarm with each figure is forgotten over months (model/fright.py)
    for j in range(rel.alarm_history.shape[1]):
        rel.alarm_history[i, j] = forget_alarm(rel.alarm_history[i, j], 1.0, c.alarm_memory_days)
