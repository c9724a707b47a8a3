"""The securebase developmental model written as a plain Mesa 3 model: one agent object per child.

This is the comparison point of the kernel benchmark (issue 5). It is the model of
``securebase.model.step.episode`` and ``step.end_of_day`` as a Mesa modeller
would write it: a ``ChildAgent`` with scalar state and one ``Relationship`` record
per figure, ``math`` for the formulas, the model's ``self.random`` for chance, and
a ``SecureBaseModel`` whose ``step`` is one day. Same mechanisms, same order, same
constants (``ModelParameters``); the random numbers come from another stream, so
the two implementations agree in distribution, not number for number
(``tests/test_mesa_benchmark_model.py`` checks that).

Only what the benchmark needs is covered: the developmental time scale (one step
per episode), no events; a history is not simulated here, but
``SecureBaseModel.from_simulation`` takes over the children of a ``Simulation``
that lived one (the equivalence test compares from there: learned strategies,
new figures still unfamiliar). The children's figures and temperaments are drawn
exactly as ``Simulation(scenario, seed)`` draws them, so both implementations
start from the same population.

Brought to model v2c (issue 23): an answer won only by amplifying teaches
unavailability (``model.caregiving.credit_to_figure``); before, any answer taught
availability, which newborns and familiar figures barely show.

Brought to model v3, part 1 (issue 24): a tantrum is a bid of full intensity,
answered or not like any bid and learned from; amplifying is called for by
unavailability beyond ``inconsistency_tolerance``, not by warmth; a repair's
latency counts on the moment scale (``repair_timescale_minutes``); an avoidant
child's attention to the toys is display, not exploration, so exploration is
held back by the arousal felt. The display itself (``distress_shown``,
``attention_to_toys``: model/display.py) feeds nothing back into the dynamics
and is not kept here.

Brought to model v3, part 2 (issue 25): fear learned over months (each alarming
moment adds to the relationship's alarm history, which slows the extinction of
fear, is forgotten over a year and is taken back by the repair of the rupture it
opened: model/fright.py); care that drifts (each relationship's drift of care, an
Ornstein-Uhlenbeck process in logit units stepped once a day before the figures'
attention, moves the figure's consistency, sensitivity, reliability,
appropriateness and warmth: model/drift.py, its normal deviates drawn from the
Mesa model's own stream); and memory (model/working_model.py): each relationship's
evidence, a pseudo-count of the outcomes learned from that fades over months; the
hierarchy reads trust by its lower confidence bound; an insecure prototype's
miscues draw less warmth from a figure still new; an indiscriminate bid teaches
nothing of the figure; the general prior is a prototype whose evidence accumulates
over a sensitive period and follows the working models weighted by their evidence.

Run ``python benchmarks/mesa_model.py`` for a small timing.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import mesa
import numpy as np

import securebase
from securebase.engine.calendar import settings_of_day
from securebase.engine.simulation import Simulation, draw_figures
from securebase.model.anxiety import secure_base
from securebase.model.bids import ONSET_WIDTH_YEARS, ONSET_YEARS
from securebase.model.caregiving import credit_to_figure
from securebase.model.drift import drift_persistence, drift_step, drifted, normal_deviate
from securebase.model.exploration import encouraged
from securebase.model.fright import (
    extinction_with_history,
    forget_alarm,
    fright,
    history_after_repair,
    remember_alarm,
)
from securebase.model.parameters import ModelParameters
from securebase.model.state import ADULT_RUPTURE as KERNEL_ADULT_RUPTURE
from securebase.model.state import CHILD_RUPTURE as KERNEL_CHILD_RUPTURE
from securebase.model.state import FIGURE_TRAITS, NEWBORN_PRIOR, NO_RUPTURE, SETTINGS
from securebase.model.temperament import draw_temperament
from securebase.model.timescale import DAYS_PER_YEAR, MINUTES_PER_DAY
from securebase.model.working_model import (
    add_evidence,
    credible,
    discriminating,
    filtered_weight,
    forget_evidence,
    grow_familiarity,
    miscued_warmth,
    prototype_rate,
    reach,
    strategy_target,
)
from securebase.scenario import Scenario

sys.path.insert(0, str(Path(__file__).parent))
from population import benchmark_scenario  # a sibling script: the benchmarks' population

#: kinds of pending rupture: the adult's (harshness, unfairness) and the child's (a tantrum)
ADULT_RUPTURE, CHILD_RUPTURE = "adult", "child"


# ---- the age-dependent rates (securebase.model.timescale, one child at a time) ----


def falling_with_age(age_days: float, floor: float, timescale_years: float) -> float:
    """1 at birth, falling with age over ``timescale_years`` towards ``floor``, never below it."""
    years = int(age_days) / DAYS_PER_YEAR  # rates by whole day of age, as securebase's tables
    return floor + (1.0 - floor) * math.exp(-years / timescale_years)


def plasticity(age_days: float, p: ModelParameters) -> float:
    """Multiplier of learning rates: 1 at birth, slowing with age, never below the floor."""
    return falling_with_age(age_days, p.plasticity_floor, p.plasticity_timescale_years)


def prototype_plasticity(age_days: float, p: ModelParameters) -> float:
    """The weight of a day's experience in the prototype (the general prior): its sensitive period."""
    return falling_with_age(age_days, p.prototype_plasticity_floor, p.prototype_sensitive_years)


def internalisation(age_days: float, p: ModelParameters) -> float:
    """How much of the general prior's security a child carries when no figure is present."""
    years = int(age_days) / DAYS_PER_YEAR
    return p.internalisation_max * (1.0 - math.exp(-years / p.internalisation_timescale_years))


def undirected(age_days: float, p: ModelParameters) -> float:
    """Share of an infant's signalling addressed to whoever is there: all of it at birth, fading in months."""
    years = int(age_days) / DAYS_PER_YEAR
    return math.exp(-years / p.undirected_timescale_years)


def tantrum_rate_per_day(age_days: float, p: ModelParameters) -> float:
    """Expected tantrums per day at middling anxiety, peaking in toddlerhood."""
    years = int(age_days) / DAYS_PER_YEAR
    bump = math.exp(-(((years - p.tantrum_peak_age_years) / p.tantrum_age_width_years) ** 2))
    return p.tantrum_floor_per_day + p.tantrum_peak_per_day * bump


def learning_weight(anxiety: float, plast: float, p: ModelParameters) -> float:
    """Learning rate of one outcome: anxiety-weighted, age-scaled, at most ``max_learning_weight``."""
    return min(p.learning_rate * plast * (1.0 + p.anxiety_weighting * anxiety), p.max_learning_weight)


def clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(max(value, low), high)


# ---- bids ----

_ONSETS = tuple(zip(ONSET_YEARS.tolist(), ONSET_WIDTH_YEARS.tolist(), strict=True))


@cache
def age_preferences(day_of_age: int) -> tuple[float, ...]:
    """Weight of each bid type (crying, smiling, reaching, approaching, verbal) at a whole day of age.

    Cached: the repertoire changes by the day, while a child bids several times a day.
    """
    years = day_of_age / DAYS_PER_YEAR
    preference = (
        math.exp(-years / 1.5) + 0.05,  # crying
        math.exp(-years / 2.0) + 0.05,  # smiling
        0.6 * math.exp(-years / 2.5) + 0.05,  # reaching
        1.0,  # approaching
        3.0 / (1.0 + math.exp(-(years - 2.5) / 0.5)),  # verbal
    )
    return tuple(
        weight / (1.0 + math.exp(-(years - onset) / width))
        for weight, (onset, width) in zip(preference, _ONSETS, strict=True)
    )


def choose_bid_type(age_days: float, intensity: float, uniform: float) -> int:
    """Index into BID_TYPES of a bid: hard bids are cries, gentle ones smiles, the rest by age."""
    crying, smiling, *others = age_preferences(int(age_days))
    weights = [crying * intensity, smiling * (1.0 - intensity), *others]
    threshold = uniform * sum(weights)
    chosen, cumulative = 0, weights[0]
    while chosen < len(weights) - 1 and cumulative < threshold:
        chosen += 1
        cumulative += weights[chosen]
    return chosen


# ---- agents ----


@dataclass
class Relationship:
    """One figure in a child's life: what the figure is like, and what the child has learned of it."""

    figure: str
    #: chance that the figure is with the child during an episode, by setting (home, school)
    availability: tuple[float, ...]
    # the figure's caregiving qualities and habits
    consistency: float
    appropriateness: float
    sensitivity: float
    warmth: float
    reliability: float
    exploration_support: float
    intrusiveness: float
    rupture_rate: float
    repair_propensity: float
    repair_latency_days: float
    anomalous_rate: float
    anomalous_severity: float
    # the child's working model of the figure (seeded from the child's prior when they meet)
    known: bool = False
    trust: float = NEWBORN_PRIOR["trust"]
    unpredictability: float = NEWBORN_PRIOR["unpredictability"]
    fear: float = NEWBORN_PRIOR["fear"]
    gain: float = NEWBORN_PRIOR["gain"]
    rejection: float = NEWBORN_PRIOR["rejection"]
    unavailability: float = NEWBORN_PRIOR["unavailability"]
    #: shared history: 0 for a new figure, growing with time together
    familiarity: float = 0.0
    #: the figure's attention today: 1, or lower on a lapse day
    attention: float = 1.0
    # the one pending rupture
    rupture_kind: str | None = None
    rupture_elapsed_days: float = 0.0
    rupture_due_days: float = 0.0
    rupture_will_repair: bool = False
    #: the frights of the alarm that opened the pending adult rupture: what its repair takes back from the history
    rupture_alarm: float = 0.0
    #: accumulated fright from the figure's alarming moments, forgotten over months (model/fright.py)
    alarm_history: float = 0.0
    #: how far the figure's caregiving has drifted from its drawn level, in logit units (model/drift.py)
    care_drift: float = 0.0
    #: outcomes (a pseudo-count that fades over months) the working model of the figure rests on
    evidence: float = 0.0


#: the working-model expectations a new relationship takes from the child's general prior, and that settle daily
PRIOR_SEEDED = ("trust", "unpredictability", "fear", "gain", "rejection", "unavailability")
#: what a relationship carries of its past besides its expectations (model v3 part 2), taken over from a Simulation
RELATIONSHIP_MEMORY = ("rupture_alarm", "alarm_history", "care_drift", "evidence")


class ChildAgent(mesa.Agent):
    """A child: its temperament, its state, its general prior, and its relationships (one per figure)."""

    def __init__(
        self,
        model: SecureBaseModel,
        age_days: float,
        relationships: list[Relationship],
        negative_emotionality: float = 1.0,
        soothability: float = 1.0,
    ) -> None:
        super().__init__(model)
        self.age_days = age_days
        # temperament: how strongly a need is felt, how readily the child is calmed
        self.negative_emotionality = negative_emotionality
        self.soothability = soothability
        self.anxiety = 0.2
        self.felt_security = 0.5
        self.exploration = 0.0
        self.competence = 0.0
        # the general prior: what the child expects of anyone, seeding each new relationship
        self.prior_trust = NEWBORN_PRIOR["trust"]
        self.prior_unpredictability = NEWBORN_PRIOR["unpredictability"]
        self.prior_fear = NEWBORN_PRIOR["fear"]
        self.prior_gain = NEWBORN_PRIOR["gain"]
        self.prior_rejection = NEWBORN_PRIOR["rejection"]
        self.prior_unavailability = NEWBORN_PRIOR["unavailability"]
        #: days of experience, weighted by the sensitive period, the prototype rests on
        self.prior_evidence = 0.0
        self.relationships = relationships
        #: the last episode's bid (index into BID_TYPES), None when the child did not bid
        self.bid_type: int | None = None
        #: whether the figure turned to lost its temper in the last episode (anomalous moments are not counted)
        self.temper = False

    def meet(self, figure: int, familiarity: float = 0.0) -> None:
        """Start the relationship with a figure, from what the child expects of anyone (no shared history yet)."""
        relationship = self.relationships[figure]
        relationship.known = True
        for name in PRIOR_SEEDED:
            setattr(relationship, name, getattr(self, f"prior_{name}"))
        relationship.familiarity = familiarity
        relationship.rupture_kind = None
        # no history of alarm with a new person, whose care starts at its drawn level, and no evidence of it yet
        relationship.alarm_history = 0.0
        relationship.care_drift = 0.0
        relationship.evidence = 0.0

    def start_day(self) -> None:
        """A day of each relationship's drift of care, then each figure's attention today: full, or a lapse with
        probability 1 - consistency (as the drift moves it)."""
        p = self.model.params
        if p.care_drift_sd_logit > 0.0:  # as the engine: no drift, no draws
            persistence = drift_persistence(1.0, p.care_drift_timescale_days)
            for relationship in self.relationships:
                deviate = normal_deviate(self.random.random(), self.random.random())
                relationship.care_drift = drift_step(
                    relationship.care_drift, persistence, p.care_drift_sd_logit, deviate
                )
        for relationship in self.relationships:
            full = self.random.random() < drifted(relationship.consistency, relationship.care_drift)
            relationship.attention = 1.0 if full else p.lapse_attention

    def episode(self, setting: int) -> None:
        """One episode of need, in ``setting`` (index into SETTINGS): securebase.model.step.episode."""
        p = self.model.params
        dt_days = self.model.dt_days
        plast = plasticity(self.age_days, p)

        # who is with the child now (a figure is in the child's life once they have met)
        present = [
            relationship.known and self.random.random() < relationship.availability[setting]
            for relationship in self.relationships
        ]

        # felt security follows, within minutes, the best secure base present, else what the child has
        # internalised; the child turns to the figure most a secure base to it (its hierarchy), and time
        # together makes the figures present more familiar
        with_figure = 0.0
        target = None
        best = -1.0
        for relationship, here in zip(self.relationships, present, strict=True):
            if here:
                # trust read by its lower confidence bound: a figure known from few outcomes is not yet relied on
                trusted = credible(relationship.trust, relationship.evidence, p.prototype_weight, p.uncertainty_caution)
                score = secure_base(trusted, relationship.fear, relationship.familiarity)
                with_figure = max(with_figure, score)
                relationship.familiarity = grow_familiarity(
                    relationship.familiarity, dt_days, p.familiarity_timescale_days
                )
                if score > best:
                    target, best = relationship, score
        alone = internalisation(self.age_days, p) * self.prior_trust * (1.0 - self.prior_fear)
        tracking = -math.expm1(-p.episode_minutes / p.security_timescale_minutes)
        self.felt_security = clip(self.felt_security + tracking * (max(with_figure, alone) - self.felt_security))

        # a need arises, felt as strongly as the child's temperament makes it; felt security buffers it
        need = min(1.0, -p.need_mean * math.log1p(-self.random.random())) * self.negative_emotionality
        anxiety = self.anxiety + (1.0 - self.anxiety) * need * (1.0 - p.security_buffering * self.felt_security)
        anxiety_after = anxiety

        self.bid_type = None
        self.temper = False
        if target is not None:
            anxiety_after = self.turn_to(target, anxiety, plast, dt_days, p)
        self.anxiety = anxiety_after
        self.resolve_ruptures(present, plast, dt_days, p)
        self.explore(target, best, dt_days, p)

        # and calms down: its own regulation (as soothable as it is) plus the calming of a secure base
        regulation = min(p.self_regulation * self.soothability, 1.0)
        calmed = self.anxiety * (1.0 - regulation) * (1.0 - p.base_calming * self.felt_security)
        self.anxiety = clip(calmed)
        self.age_days += dt_days

    def turn_to(self, target: Relationship, anxiety: float, plast: float, dt_days: float, p: ModelParameters) -> float:
        """Bid to ``target`` (or show subtle cues), learn from its answer, and maybe be frightened or rupture;
        returns the anxiety after."""
        u = min(max(self.random.random(), 1e-12), 1.0 - 1e-12)
        noise = math.log(u / (1.0 - u))  # standard logistic
        gain = target.gain
        # signals reach a figure as far as it is familiar (or the child's signals are still undirected)
        addressed = reach(target.familiarity, undirected(self.age_days, p), self.prior_trust, p.indiscriminate_approach)
        # only the part of the bid addressed to the figure as a known figure (not indiscriminately) teaches of it
        share = discriminating(reach(target.familiarity, undirected(self.age_days, p), 0.0, 0.0), addressed)
        intensity = clip(anxiety * math.exp(gain + p.signal_noise * noise)) * addressed
        weight = learning_weight(anxiety, plast, p)
        # the figure's caregiving now: its drawn qualities moved by the drift of care; an insecure prototype's
        # miscues draw less warmth from a figure new to the child
        sensitivity = drifted(target.sensitivity, target.care_drift)
        reliability = drifted(target.reliability, target.care_drift)
        appropriateness = drifted(target.appropriateness, target.care_drift)
        warmth = miscued_warmth(
            drifted(target.warmth, target.care_drift), self.prior_gain, target.familiarity, p.gain_limit, p.miscue
        )
        anxiety_after = anxiety

        # whether to bid follows the habitual signal; the noise only varies how hard. Aroused past the threshold
        # without bidding, the child still shows subtle cues, which a sensitive figure may answer
        bidding = anxiety * math.exp(gain) * addressed > p.bid_threshold
        cue = not bidding and anxiety > p.bid_threshold
        answered = warm = False
        if bidding or cue:
            # noticed (an attentive, sensitive figure notices weak bids too), answered, and warmly or not
            notice = 1.0 - (1.0 - sensitivity * target.attention) * (1.0 - intensity)
            answered = self.random.random() < notice and self.random.random() < reliability
            warm = answered and self.random.random() < warmth
        if warm:
            soothing = min(p.soothing * self.soothability, 1.0)
            anxiety_after = anxiety * (1.0 - soothing * (p.fit_floor + (1.0 - p.fit_floor) * appropriateness))
        elif bidding:
            anxiety_after = anxiety + (1.0 - anxiety) * p.unanswered_distress * intensity
        if bidding:
            self.bid_type = choose_bid_type(self.age_days, intensity, self.random.random())

        # a bid teaches whatever its outcome, a cue only when answered: expected warmth, its squared surprise,
        # rebuffs and unanswered bids, by the delta rule (filtered by the prior while the figure is new);
        # the signalling gain moves towards what those expectations call for
        ordinary = clip(anxiety * math.exp(p.signal_noise * noise)) * addressed
        if bidding or answered:
            self.learn(target, answered, warm, bidding, weight, ordinary, intensity, plast, share, sensitivity, p)
        # time with a figure that does not frighten slowly undoes fear of it, the slower the longer the history of
        # alarm with it
        extinction = extinction_with_history(p.fear_extinction, target.alarm_history, p.alarm_history_scale)
        target.fear *= 1.0 - weight * extinction

        # alarm: the figure's anomalous moments and losses of temper frighten the child, less with a sensitive
        # figure, and add to the history of alarm; ``alarm`` is what a repair of the rupture they open takes back
        alarm = 0.0
        anomalous = self.random.random() < target.anomalous_rate * dt_days
        if anomalous:
            scare = fright(target.anomalous_severity, sensitivity, p.sensitivity_moderation)
            target.fear += p.fear_learning_rate * plast * scare * (1.0 - target.fear)
            target.alarm_history = remember_alarm(target.alarm_history, scare)
            anxiety_after += (1.0 - anxiety_after) * p.rupture_anxiety * scare
            alarm += scare
        temper = self.random.random() < target.rupture_rate * dt_days
        if temper:
            scare = fright(p.temper_severity, sensitivity, p.sensitivity_moderation)
            target.fear += p.fear_learning_rate * plast * scare * (1.0 - target.fear)
            target.alarm_history = remember_alarm(target.alarm_history, scare)
            anxiety_after += (1.0 - anxiety_after) * p.rupture_anxiety
            alarm += scare
        self.temper = temper
        adult_rupture = anomalous or temper
        tantrum_probability = (
            tantrum_rate_per_day(self.age_days, p) * dt_days * anxiety_after / p.tantrum_reference_anxiety
        )
        tantrum = self.random.random() < tantrum_probability
        if tantrum:
            # a tantrum is a bid of full intensity: always noticed, answered or not, warmly or not, with the costs
            # of a bid not met warmly, and learned from like any bid
            anxiety_after += (1.0 - anxiety_after) * p.tantrum_anxiety
            tantrum_answered = self.random.random() < reliability
            tantrum_warm = tantrum_answered and self.random.random() < warmth
            if tantrum_warm:
                soothing = min(p.soothing * self.soothability, 1.0)
                anxiety_after *= 1.0 - soothing * (p.fit_floor + (1.0 - p.fit_floor) * appropriateness)
            else:
                anxiety_after += (1.0 - anxiety_after) * p.unanswered_distress
            self.learn(
                target, tantrum_answered, tantrum_warm, True, weight, ordinary, 1.0, plast, share, sensitivity, p
            )
        # a relationship holds one pending rupture, the adult's first; the figure's habits decide if and when
        # it is repaired
        if (adult_rupture or tantrum) and target.rupture_kind is None:
            will_repair = self.random.random() < target.repair_propensity
            target.rupture_kind = ADULT_RUPTURE if adult_rupture else CHILD_RUPTURE
            target.rupture_alarm = alarm
            target.rupture_elapsed_days = 0.0
            if will_repair:
                target.rupture_due_days = -target.repair_latency_days * math.log1p(-self.random.random())
            else:
                target.rupture_due_days = p.unrepaired_after_days
            target.rupture_will_repair = will_repair
        return anxiety_after

    def learn(self, target: Relationship, answered: bool, warm: bool, bidding: bool, weight: float, ordinary: float,
              intensity: float, plast: float, share: float, sensitivity: float, p: ModelParameters) -> None:  # fmt: skip
        """Learn from one outcome with ``target``: expected warmth, its squared surprise, rebuffs and unanswered
        bids, by the delta rule (filtered by the prior while the figure is new); the signalling gain moves
        towards what those expectations call for. ``ordinary`` is the bid's intensity with an open signal;
        ``share`` the part of the bid addressed to the figure as a known figure, the part that teaches of it and
        counts as evidence; ``sensitivity`` the figure's as its care has drifted."""
        taken = share * filtered_weight(
            weight, warm, self.prior_gain, target.familiarity, p.gain_limit, p.defensive_exclusion,
            p.lapse_overweighting,
        )  # fmt: skip
        target.evidence = add_evidence(target.evidence, share)  # one step per episode
        surprise = (1.0 if warm else 0.0) - target.trust
        target.unpredictability += taken * (surprise * surprise - target.unpredictability)
        target.trust += taken * surprise
        if bidding:
            # an answer won only by amplifying teaches that the figure is not available to ordinary bids
            unanswered = 1.0
            if answered:
                unanswered = 1.0 - credit_to_figure(sensitivity, target.attention, ordinary, intensity)
            target.unavailability += taken * (unanswered - target.unavailability)
        if answered:
            target.rejection += taken * ((0.0 if warm else 1.0) - target.rejection)
        wanted = strategy_target(
            target.rejection, target.unavailability, p.rejection_drive, p.unavailability_drive,
            p.strategy_tolerance, p.inconsistency_tolerance, p.gain_limit,
        )  # fmt: skip
        target.gain += p.gain_learning_rate * plast * (wanted - target.gain)

    def resolve_ruptures(self, present: list[bool], plast: float, dt_days: float, p: ModelParameters) -> None:
        """Repairs and unrepaired ruptures that fall due: trust, fear and anxiety after them."""
        soothing = 0.0
        for relationship, here in zip(self.relationships, present, strict=True):
            if relationship.rupture_kind is None:
                continue
            relationship.rupture_elapsed_days += dt_days
            if relationship.rupture_elapsed_days < relationship.rupture_due_days:
                continue
            weight = learning_weight(self.anxiety, plast, p)
            if relationship.rupture_will_repair:
                if not here:  # a repair needs the figure with the child: it waits for their next time together
                    continue
                # a repair mends less the later it comes, on the moment scale
                effectiveness = math.exp(
                    -relationship.rupture_elapsed_days * MINUTES_PER_DAY / p.repair_timescale_minutes
                )
                trust = relationship.trust
                relationship.trust = clip(trust + weight * p.repair_trust_gain * effectiveness * (1.0 - trust))
                if relationship.rupture_kind == ADULT_RUPTURE:
                    # the rupture frightened the child; a repair takes that back, and from the history of alarm
                    # the alarm that opened it, as far as the repair works
                    relationship.fear *= 1.0 - p.fear_learning_rate * plast * effectiveness
                    relationship.alarm_history = history_after_repair(
                        relationship.alarm_history, relationship.rupture_alarm, effectiveness
                    )
                soothing = max(soothing, p.repair_soothing * effectiveness)
            else:
                relationship.trust = clip(relationship.trust - weight * p.unrepaired_trust_cost * relationship.trust)
            relationship.rupture_kind = None
        self.anxiety *= 1.0 - soothing

    def explore(self, target: Relationship | None, best: float, dt_days: float, p: ModelParameters) -> None:
        """Explore as far as anxiety and felt security allow, and gain competence from it.

        ``best`` is how far ``target`` is a secure base to the child (its hierarchy's score).
        """
        # the arousal felt holds exploring back (an avoidant child's attention to the toys is display, not this)
        floor = p.exploration_floor
        level = clip((1.0 - self.anxiety) * (floor + (1.0 - floor) * self.felt_security))
        support = 0.0
        if target is not None:
            # a trusted, supportive figure encourages exploring and multiplies what it teaches; an intrusive
            # one takes over
            support = target.exploration_support
            level = encouraged(level, support, best, p.encouragement)
            if self.random.random() < target.intrusiveness * p.intrusion_rate:
                level *= 1.0 - p.intrusion_cost
        self.exploration = level
        # exploring teaches best at moderate arousal
        z = (self.anxiety - p.learning_band_centre) / p.learning_band_width
        rate = p.competence_rate_per_day * dt_days
        boost = 1.0 + p.support_boost * support
        self.competence += rate * level * math.exp(-z * z) * boost * (1.0 - self.competence)

    def end_day(self) -> None:
        """Once a day: the general prior (a prototype whose evidence accumulates over a sensitive period) follows
        the working models, each weighted by the evidence it rests on, and they drift towards it; the evidence of
        each relationship and its history of alarm fade."""
        p = self.model.params
        plast = plasticity(self.age_days, p)
        today = prototype_plasticity(self.age_days, p)
        prior_rate = prototype_rate(today, self.prior_evidence, p.prior_rate_per_day)
        self.prior_evidence += today
        pull = p.prototype_pull_per_day * plast
        known = [relationship for relationship in self.relationships if relationship.known]
        evidence = sum(relationship.evidence for relationship in known)
        for name in PRIOR_SEEDED:
            prior = getattr(self, f"prior_{name}")
            if evidence > 0.0:
                mean = sum(relationship.evidence * getattr(relationship, name) for relationship in known) / evidence
                prior += prior_rate * (mean - prior)
                setattr(self, f"prior_{name}", prior)
            for relationship in known:
                value = getattr(relationship, name)
                setattr(relationship, name, value + pull * (prior - value))
        for relationship in self.relationships:
            relationship.evidence = forget_evidence(relationship.evidence, 1.0, p.evidence_memory_days)
            relationship.alarm_history = forget_alarm(relationship.alarm_history, 1.0, p.alarm_memory_days)


# ---- the model ----


class SecureBaseModel(mesa.Model):
    """A population of children living a securebase scenario day by day; ``step`` is one day.

    The children and their figures are those of ``Simulation(scenario, seed, params=params)``; ``params``
    default to the shipped calibration's.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, params: ModelParameters | None = None):
        if scenario.population.history != "none" or scenario.events:
            raise ValueError("the Mesa benchmark model runs scenarios with history = 'none' and no events")
        seed = scenario.seed if seed is None else seed
        super().__init__(seed=seed)
        self.scenario = scenario
        self.params = securebase.default_calibration().params if params is None else params
        self.day = 0
        self.dt_days = 1.0 / scenario.schedule.episodes_per_day

        # the same draw of figures and temperaments as securebase's Simulation: from the first and the fourth
        # of its four seed streams
        population_seed, _, _, temperament_seed = np.random.SeedSequence(seed).spawn(4)
        figures = draw_figures(scenario, np.random.Generator(np.random.PCG64(population_seed)))
        traits = {name: getattr(figures, name).tolist() for name in FIGURE_TRAITS}
        n = scenario.population.n_children
        relationships = [
            [
                Relationship(
                    figure=spec.name,
                    availability=tuple(getattr(spec.availability, setting) for setting in SETTINGS),
                    **{name: traits[name][child][k] for name in FIGURE_TRAITS},
                )
                for k, spec in enumerate(scenario.figures)
            ]
            for child in range(n)
        ]
        negative_emotionality, soothability = draw_temperament(
            n, np.random.Generator(np.random.PCG64(temperament_seed)), self.params.temperament_sd
        )
        start_age_days = scenario.population.start_age_years * DAYS_PER_YEAR
        ChildAgent.create_agents(
            self, n, start_age_days, relationships, negative_emotionality.tolist(), soothability.tolist()
        )
        #: the figures in the children's lives (met); the others join on their from_day
        self.joined: set[int] = set()
        for k, spec in enumerate(scenario.figures):
            if spec.from_day is None or spec.from_day <= 0:
                # no history simulated: the figures a child has from the start are its familiar ones
                self.agents.do("meet", k, familiarity=1.0)
                self.joined.add(k)
        self._collect()

    @classmethod
    def from_simulation(cls, simulation: Simulation, seed: int) -> SecureBaseModel:
        """The Mesa model of ``simulation``'s children as they are now, with every relationship's state and the
        figures' traits, to live on from ``simulation.day`` with the Mesa model's own random numbers: a
        comparison from a lived history (learned strategies, new figures still unfamiliar), not only from birth."""
        model = cls.__new__(cls)
        mesa.Model.__init__(model, seed=seed)
        model.scenario = simulation.scenario
        model.params = simulation.params
        model.day = simulation.day
        model.dt_days = 1.0 / simulation.scenario.schedule.episodes_per_day
        children, figures = simulation.children, simulation.figures
        kinds = {NO_RUPTURE: None, KERNEL_ADULT_RUPTURE: ADULT_RUPTURE, KERNEL_CHILD_RUPTURE: CHILD_RUPTURE}
        for i in range(children.n):
            relationships = [
                Relationship(
                    figure=name,
                    availability=tuple(figures.availability[k].tolist()),
                    **{trait: float(getattr(figures, trait)[i, k]) for trait in FIGURE_TRAITS},
                    known=bool(children.known[i, k]),
                    **{name_: float(getattr(children, name_)[i, k]) for name_ in PRIOR_SEEDED},
                    familiarity=float(children.familiarity[i, k]),
                    rupture_kind=kinds[int(children.rupture_kind[i, k])],
                    rupture_elapsed_days=float(children.rupture_elapsed_days[i, k]),
                    rupture_due_days=float(children.rupture_due_days[i, k]),
                    rupture_will_repair=bool(children.rupture_will_repair[i, k]),
                    **{name_: float(getattr(children, name_)[i, k]) for name_ in RELATIONSHIP_MEMORY},
                )
                for k, name in enumerate(figures.names)
            ]
            child = ChildAgent(
                model,
                float(children.age_days[i]),
                relationships,
                float(children.negative_emotionality[i]),
                float(children.soothability[i]),
            )
            for name in ("anxiety", "felt_security", "exploration", "competence"):
                setattr(child, name, float(getattr(children, name)[i]))
            for name in PRIOR_SEEDED:
                setattr(child, f"prior_{name}", float(getattr(children, f"prior_{name}")[i]))
            child.prior_evidence = float(children.prior_evidence[i])
        model.joined = {k for k in range(len(figures.names)) if figures.active[:, k].all()}
        model._collect()
        return model

    def _collect(self) -> None:
        """The daily means the data collector reports, collected now and after every day."""
        reporters = {
            "anxiety": self.mean_anxiety,
            "felt_security": self.mean_felt_security,
            "competence": self.mean_competence,
        }
        for k, spec in enumerate(self.scenario.figures):
            reporters[f"trust_{spec.name}"] = [self.mean_trust, [k]]
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.running = True
        self.datacollector.collect(self)

    def mean_anxiety(self) -> float:
        return self.agents.agg("anxiety", statistics.fmean)

    def mean_felt_security(self) -> float:
        return self.agents.agg("felt_security", statistics.fmean)

    def mean_competence(self) -> float:
        return self.agents.agg("competence", statistics.fmean)

    def mean_trust(self, figure: int) -> float:
        """Mean trust towards one figure, over the children who know it (NaN before anyone does)."""
        values = [child.relationships[figure].trust for child in self.agents if child.relationships[figure].known]
        return statistics.fmean(values) if values else math.nan

    def step(self) -> None:
        """One day: figures who arrive today, their attention, the day's episodes, the daily learning."""
        for k, spec in enumerate(self.scenario.figures):
            if spec.from_day is not None and spec.from_day == self.day and k not in self.joined:
                self.agents.do("meet", k)
                self.joined.add(k)
        self.agents.do("start_day")
        # children do not interact, so the order in which they live an episode does not matter
        for setting in settings_of_day(self.day, self.scenario.schedule).tolist():
            self.agents.do("episode", setting)
        self.agents.do("end_day")
        self.datacollector.collect(self)
        self.day += 1
        if self.day >= self.scenario.schedule.days:
            self.running = False


def run_mesa(n_children: int, days: int, seed: int) -> SecureBaseModel:
    """Build the Mesa model of the benchmark scenario and run its first ``days`` days (0: only build it)."""
    model = SecureBaseModel(benchmark_scenario(n_children), seed=seed)
    for _ in range(days):
        model.step()
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    model = SecureBaseModel(benchmark_scenario(args.children, args.days), seed=args.seed)
    built = time.perf_counter()
    while model.running:
        model.step()
    elapsed = time.perf_counter() - built
    episodes = args.children * args.days * model.scenario.schedule.episodes_per_day
    print(f"built {args.children} children in {built - start:.2f} s")
    print(f"{episodes} child-episodes in {elapsed:.2f} s: {episodes / elapsed:,.0f} child-episodes/s")
    print(model.datacollector.get_model_vars_dataframe().tail(3).to_string())


if __name__ == "__main__":
    main()
