"""Adult dyads: two partners, each the other's figure, exchanging roles as stress moves (S11).

Each partner has an attachment side (a ``Children`` state whose one figure is
the other partner: working model, felt security, anxiety, exploration) and a
caregiving side (base caregiving traits, as a figure's). Every episode both
partners meet a need and take one step of the model's own episode
(model/step.py), each with the other as its figure (engine/dyads.py lives the days). The figure a
partner meets is the other's *base* traits as lowered by the other's current
anxiety: someone absorbed in their own distress notices less and follows
through less (``stress_giving_cost``), so the more stressed partner bids and
the calmer one gives care, and the roles swap as stress moves between them.

Conflicts are the model's ruptures: a partner losing its temper is an adult
rupture in the other's relationship, repaired, or not, by the habits of the
partner who lost it. Their rate is the couples literature's, not a child
carer's: about one or two unpleasant disagreements a month (McGonagle, Kessler
& Schilling 1992, as cited by issue 24; the paper itself could not be read
here), ``disagreements_per_month`` for the couple, shared equally between the
partners over the time they are together. One partner's outburst is the
other's rupture, so it is counted once: an adult has no child's tantrums
(:func:`adult_parameters`).

Both partners' steps in an episode use the traits and presence fixed at the
episode's start (a simultaneous exchange), and each takes a fixed number of
uniforms per episode, so two dyad runs on the same seed that differ only in
the partners' traits share their random numbers (common random numbers).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.state import FIGURE_TRAITS, SETTINGS, Children, Figures, meet, new_children
from securebase.model.timescale import DAYS_PER_YEAR

PARTNERS: tuple[str, ...] = ("a", "b")


@dataclass(frozen=True)
class DyadConstants:
    """Constants of the dyad mechanism (docs/model.md §14)."""

    #: share of a partner's reliability and sensitivity lost per unit of its own anxiety
    stress_giving_cost: float = 0.8
    #: the general prior of an adult partner with a secure history (trust, unpredictability, fear, gain)
    adult_prior_trust: float = 0.75
    adult_prior_unpredictability: float = 0.1
    adult_prior_fear: float = 0.0
    adult_prior_gain: float = 0.0
    #: partners' age (years): sets plasticity, which is near its floor for adults
    age_years: float = 25.0
    #: the couple's unpleasant disagreements a month (McGonagle, Kessler & Schilling 1992: one or two a month)
    disagreements_per_month: float = 1.5


DYAD = DyadConstants()
#: days in a month, on average
DAYS_PER_MONTH = DAYS_PER_YEAR / 12.0


def adult_rupture_rate(together: float, constants: DyadConstants = DYAD) -> float:
    """Each partner's losses of temper per day together: the couple's disagreements, half each."""
    return constants.disagreements_per_month / DAYS_PER_MONTH / (2.0 * max(together, 1e-9))


def adult_parameters(params: ModelParameters) -> ModelParameters:
    """The model's constants for adult partners: no tantrums (an adult's outburst is the partner's rupture,
    at :func:`adult_rupture_rate`); everything else is the model's own."""
    return params.with_changes(tantrum_floor_per_day=0.0, tantrum_peak_per_day=0.0)


def effective_caregiving(base: Figures, anxiety: np.ndarray, constants: DyadConstants = DYAD) -> Figures:
    """A partner as the other's figure this episode: its base traits, lowered by its own anxiety (n,).

    Reliability (following through) and sensitivity (noticing) fall by
    ``stress_giving_cost`` x anxiety; warmth, appropriateness, consistency and
    the rupture habits are the person's and do not move with the moment.
    """
    keep = 1.0 - constants.stress_giving_cost * np.clip(anxiety, 0.0, 1.0)[:, None]
    return dataclasses.replace(base, reliability=base.reliability * keep, sensitivity=base.sensitivity * keep)


def partners(n: int, constants: DyadConstants = DYAD) -> Children:
    """``n`` adults of ``age_years`` with the adult prior, who know their one figure (the partner)."""
    adults = new_children(n, 1, age_days=constants.age_years * DAYS_PER_YEAR)
    adults.prior_trust[:] = constants.adult_prior_trust
    adults.prior_unpredictability[:] = constants.adult_prior_unpredictability
    adults.prior_fear[:] = constants.adult_prior_fear
    adults.prior_gain[:] = constants.adult_prior_gain
    meet(adults, np.ones((n, 1), bool))
    adults.familiarity[:] = 1.0  # a couple: each is already an attachment figure to the other
    return adults


def as_figure(traits: dict[str, np.ndarray], name: str, together: float) -> Figures:
    """A partner's base caregiving traits (n,) as the one figure (n, 1) of the other partner."""
    n = len(traits[FIGURE_TRAITS[0]])
    availability = np.zeros((1, len(SETTINGS)))
    availability[0, 0] = together
    return Figures(
        names=(name,),
        availability=availability,
        active=np.ones((n, 1), bool),
        **{t: np.asarray(traits[t], float).reshape(n, 1).copy() for t in FIGURE_TRAITS},
    )


#: per-couple counters (n,) for each partner, summed over episodes
COUNTERS: tuple[str, ...] = (
    "bids",  # the partner sought care from the other
    "warm_responses_received",  # ... and was met warmly
    "care_given",  # the partner met the other's bid warmly
    "ruptures",  # conflicts in this partner's relationship: the other's temper, or its own outburst
    "repairs",
    "unrepaired_ruptures",
    "exploration",  # sum of exploration over episodes
    "anxiety",  # sum of anxiety over episodes
)


@dataclass
class DyadTotals:
    """Per-couple sums over a run, one array (n,) per counter and partner; and the episode count."""

    counts: dict[str, np.ndarray]
    #: who last gave care (0: partner a, 1: partner b, -1: nobody yet)
    last_giver: np.ndarray
    #: times the caregiver changed from one partner to the other
    role_swaps: np.ndarray
    #: warm responses given to the partner who was the more anxious at the episode's start
    care_to_more_anxious: np.ndarray
    episodes: int = 0

    @classmethod
    def empty(cls, n: int) -> DyadTotals:
        counts = {f"{c}_{p}": np.zeros(n) for c in COUNTERS for p in PARTNERS}
        return cls(counts=counts, last_giver=np.full(n, -1), role_swaps=np.zeros(n), care_to_more_anxious=np.zeros(n))


@dataclass
class Dyads:
    """A population of couples: each partner's attachment state and base caregiving traits."""

    a: Children
    b: Children
    #: partner a as a figure (its base caregiving), partner b likewise
    a_gives: Figures
    b_gives: Figures
    together: float

    @property
    def n(self) -> int:
        return self.a.n


def new_dyads(
    a_traits: dict[str, np.ndarray], b_traits: dict[str, np.ndarray], together: float, constants: DyadConstants = DYAD
) -> Dyads:
    n = len(a_traits[FIGURE_TRAITS[0]])
    rate = adult_rupture_rate(together, constants)
    a_traits = {**a_traits, "rupture_rate": np.full(n, rate)}
    b_traits = {**b_traits, "rupture_rate": np.full(n, rate)}
    return Dyads(
        a=partners(n, constants),
        b=partners(n, constants),
        a_gives=as_figure(a_traits, "partner-a", together),
        b_gives=as_figure(b_traits, "partner-b", together),
        together=together,
    )
