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
per episode), no simulated history, no events. The children and their figures
are drawn exactly as ``Simulation(scenario, seed)`` draws them, so both
implementations start from the same population.

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
from securebase.engine.simulation import draw_figures
from securebase.model.bids import ONSET_WIDTH_YEARS, ONSET_YEARS
from securebase.model.parameters import ModelParameters
from securebase.model.state import FIGURE_TRAITS, NEWBORN_PRIOR, SETTINGS
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.scenario import Scenario

sys.path.insert(0, str(Path(__file__).parent))
from population import benchmark_scenario  # a sibling script: the benchmarks' population

#: kinds of pending rupture: the adult's (harshness, unfairness) and the child's (a tantrum)
ADULT_RUPTURE, CHILD_RUPTURE = "adult", "child"


# ---- the age-dependent rates (securebase.model.timescale, one child at a time) ----


def plasticity(age_days: float, p: ModelParameters) -> float:
    """Multiplier of learning rates: 1 at birth, slowing with age, never below the floor."""
    years = int(age_days) / DAYS_PER_YEAR  # rates by whole day of age, as securebase's tables
    return p.plasticity_floor + (1.0 - p.plasticity_floor) * math.exp(-years / p.plasticity_timescale_years)


def internalisation(age_days: float, p: ModelParameters) -> float:
    """How much of the general prior's security a child carries when no figure is present."""
    years = int(age_days) / DAYS_PER_YEAR
    return p.internalisation_max * (1.0 - math.exp(-years / p.internalisation_timescale_years))


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
    rupture_rate: float
    repair_propensity: float
    repair_latency_days: float
    # the child's working model of the figure (seeded from the child's prior when they meet)
    known: bool = False
    trust: float = NEWBORN_PRIOR["trust"]
    unpredictability: float = NEWBORN_PRIOR["unpredictability"]
    fear: float = NEWBORN_PRIOR["fear"]
    gain: float = NEWBORN_PRIOR["gain"]
    payoff_baseline: float = 0.0
    #: the figure's attention today: 1, or lower on a lapse day
    attention: float = 1.0
    # the one pending rupture
    rupture_kind: str | None = None
    rupture_elapsed_days: float = 0.0
    rupture_due_days: float = 0.0
    rupture_will_repair: bool = False


class ChildAgent(mesa.Agent):
    """A child: its state, its general prior, and its relationships (one per figure)."""

    def __init__(self, model: SecureBaseModel, age_days: float, relationships: list[Relationship]) -> None:
        super().__init__(model)
        self.age_days = age_days
        self.anxiety = 0.2
        self.felt_security = 0.5
        self.exploration = 0.0
        self.competence = 0.0
        # the general prior: what the child expects of anyone, seeding each new relationship
        self.prior_trust = NEWBORN_PRIOR["trust"]
        self.prior_unpredictability = NEWBORN_PRIOR["unpredictability"]
        self.prior_fear = NEWBORN_PRIOR["fear"]
        self.prior_gain = NEWBORN_PRIOR["gain"]
        self.relationships = relationships
        #: the last episode's bid (index into BID_TYPES), None when the child did not bid
        self.bid_type: int | None = None

    def meet(self, figure: int) -> None:
        """Start the relationship with a figure, from what the child expects of anyone."""
        relationship = self.relationships[figure]
        relationship.known = True
        relationship.trust = self.prior_trust
        relationship.unpredictability = self.prior_unpredictability
        relationship.fear = self.prior_fear
        relationship.gain = self.prior_gain
        relationship.payoff_baseline = 0.0
        relationship.rupture_kind = None

    def start_day(self) -> None:
        """Each figure's attention today: full, or a lapse with probability 1 - consistency."""
        for relationship in self.relationships:
            full = self.random.random() < relationship.consistency
            relationship.attention = 1.0 if full else self.model.params.lapse_attention

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

        # felt security follows, within minutes, the best figure present, else what the child has internalised
        target_security = internalisation(self.age_days, p) * self.prior_trust * (1.0 - self.prior_fear)
        for relationship, here in zip(self.relationships, present, strict=True):
            if here:
                target_security = max(target_security, relationship.trust * (1.0 - relationship.fear))
        tracking = -math.expm1(-p.episode_minutes / p.security_timescale_minutes)
        self.felt_security = clip(self.felt_security + tracking * (target_security - self.felt_security))

        # a need arises; felt security buffers how much of it is felt
        need = min(1.0, -p.need_mean * math.log1p(-self.random.random()))
        anxiety = self.anxiety + (1.0 - self.anxiety) * need * (1.0 - p.security_buffering * self.felt_security)
        anxiety_after = anxiety

        # the child turns to the figure present it expects most from (its hierarchy)
        target = None
        best = -1.0
        for relationship, here in zip(self.relationships, present, strict=True):
            if here and relationship.trust * (1.0 - relationship.fear) > best:
                target, best = relationship, relationship.trust * (1.0 - relationship.fear)

        self.bid_type = None
        if target is not None:
            anxiety_after = self.turn_to(target, anxiety, plast, dt_days, p)
        self.anxiety = anxiety_after
        self.resolve_ruptures(present, plast, dt_days, p)
        self.explore(target, dt_days, p)

        # and calms down: its own regulation plus the calming of a secure base
        calmed = self.anxiety * (1.0 - p.self_regulation) * (1.0 - p.base_calming * self.felt_security)
        self.anxiety = clip(calmed)
        self.age_days += dt_days

    def turn_to(self, target: Relationship, anxiety: float, plast: float, dt_days: float, p: ModelParameters) -> float:
        """Bid to ``target``, learn from its answer, and maybe rupture; returns the anxiety after."""
        u = min(max(self.random.random(), 1e-12), 1.0 - 1e-12)
        noise = math.log(u / (1.0 - u))  # standard logistic
        gain = target.gain
        intensity = clip(anxiety * math.exp(gain + p.signal_noise * noise))
        weight = learning_weight(anxiety, plast, p)
        anxiety_after = anxiety

        # whether to bid follows the habitual signal; the noise only varies how hard
        if anxiety * math.exp(gain) > p.bid_threshold:
            self.bid_type = choose_bid_type(self.age_days, intensity, self.random.random())
            # noticed (an attentive, sensitive figure notices weak bids too), answered, and warmly or not
            notice = 1.0 - (1.0 - target.sensitivity * target.attention) * (1.0 - intensity)
            answered = self.random.random() < notice and self.random.random() < target.reliability
            warm = answered and self.random.random() < target.warmth
            if warm:
                anxiety_after = anxiety * (1.0 - p.soothing * (p.fit_floor + (1.0 - p.fit_floor) * target.appropriateness))
            else:
                anxiety_after = anxiety + (1.0 - anxiety) * p.unanswered_distress * intensity
            # expected warmth and its squared surprise, by the delta rule
            surprise = (1.0 if warm else 0.0) - target.trust
            target.trust += weight * surprise
            target.unpredictability += weight * (surprise * surprise - target.unpredictability)

        # the signalling gain follows what bids achieve (REINFORCE with a learned baseline);
        # distorting the signal either way costs effort
        payoff = (anxiety - anxiety_after) - p.distortion_cost * abs(gain + p.signal_noise * noise)
        advantage = payoff - target.payoff_baseline
        target.gain = clip(gain + p.gain_learning_rate * plast * advantage * noise, -p.gain_limit, p.gain_limit)
        target.payoff_baseline += weight * advantage
        # time with a figure that does not frighten slowly undoes fear of it
        target.fear *= 1.0 - weight * p.fear_extinction

        # ruptures from both sides
        adult_rupture = self.random.random() < target.rupture_rate * dt_days
        if adult_rupture:
            anxiety_after += (1.0 - anxiety_after) * p.rupture_anxiety
            target.fear += p.fear_learning_rate * plast * (1.0 - target.fear)
        tantrum_probability = tantrum_rate_per_day(self.age_days, p) * dt_days * anxiety_after / p.tantrum_reference_anxiety
        tantrum = self.random.random() < tantrum_probability
        if tantrum:
            anxiety_after += (1.0 - anxiety_after) * p.tantrum_anxiety
        # a relationship holds one pending rupture; the figure's habits decide if and when it is repaired
        if (adult_rupture or tantrum) and target.rupture_kind is None:
            will_repair = self.random.random() < target.repair_propensity
            target.rupture_kind = ADULT_RUPTURE if adult_rupture else CHILD_RUPTURE
            target.rupture_elapsed_days = 0.0
            if will_repair:
                target.rupture_due_days = -target.repair_latency_days * math.log1p(-self.random.random())
            else:
                target.rupture_due_days = p.unrepaired_after_days
            target.rupture_will_repair = will_repair
        return anxiety_after

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
                # a repair mends less the later it comes
                effectiveness = math.exp(-relationship.rupture_elapsed_days / p.repair_timescale_days)
                trust = relationship.trust
                relationship.trust = clip(trust + weight * p.repair_trust_gain * effectiveness * (1.0 - trust))
                if relationship.rupture_kind == ADULT_RUPTURE:
                    # the rupture frightened the child; a repair takes that back
                    relationship.fear *= 1.0 - p.fear_learning_rate * plast * effectiveness
                soothing = max(soothing, p.repair_soothing * effectiveness)
            else:
                relationship.trust = clip(relationship.trust - weight * p.unrepaired_trust_cost * relationship.trust)
            relationship.rupture_kind = None
        self.anxiety *= 1.0 - soothing

    def explore(self, target: Relationship | None, dt_days: float, p: ModelParameters) -> None:
        """Explore as far as anxiety and felt security allow, and gain competence from it."""
        floor = p.exploration_floor
        level = clip((1.0 - self.anxiety) * (floor + (1.0 - floor) * self.felt_security))
        support = 0.0
        if target is not None:
            # an inappropriate figure intrudes on exploring; a supportive one multiplies what it teaches
            if self.random.random() < (1.0 - target.appropriateness) * p.intrusion_rate:
                level *= 1.0 - p.intrusion_cost
            support = target.exploration_support
        self.exploration = level
        # exploring teaches best at moderate arousal
        z = (self.anxiety - p.learning_band_centre) / p.learning_band_width
        rate = p.competence_rate_per_day * dt_days
        boost = 1.0 + p.support_boost * support
        self.competence += rate * level * math.exp(-z * z) * boost * (1.0 - self.competence)

    def end_day(self) -> None:
        """Once a day: the general prior follows the working models, which drift towards it."""
        p = self.model.params
        plast = plasticity(self.age_days, p)
        prior_rate = p.prior_rate_per_day * plast
        pull = p.prototype_pull_per_day * plast
        known = [relationship for relationship in self.relationships if relationship.known]
        if not known:
            return
        for name in ("trust", "unpredictability", "fear", "gain"):
            mean = sum(getattr(relationship, name) for relationship in known) / len(known)
            prior = getattr(self, f"prior_{name}")
            prior += prior_rate * (mean - prior)
            setattr(self, f"prior_{name}", prior)
            for relationship in known:
                value = getattr(relationship, name)
                setattr(relationship, name, value + pull * (prior - value))


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

        # the same draw of figures as securebase's Simulation, from the first of its two seed streams
        population_seed = np.random.SeedSequence(seed).spawn(2)[0]
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
        start_age_days = scenario.population.start_age_years * DAYS_PER_YEAR
        ChildAgent.create_agents(self, n, start_age_days, relationships)
        for k, spec in enumerate(scenario.figures):
            if spec.from_day is None or spec.from_day <= 0:
                self.agents.do("meet", k)

        reporters = {
            "anxiety": self.mean_anxiety,
            "felt_security": self.mean_felt_security,
            "competence": self.mean_competence,
        }
        for k, spec in enumerate(scenario.figures):
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
            if spec.from_day is not None and spec.from_day == self.day and self.day > 0:
                self.agents.do("meet", k)
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
