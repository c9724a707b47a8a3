"""The working model: a child's learned expectations of each figure, and the general prior (S4, S8).

Learning is weighted by the anxiety at the time (anxious episodes teach more,
Petters), slows with age and never stops (plasticity). The child learns what
its bids meet - warmth (trust), rebuffs (rejection), no answer
(unavailability) - and its signalling gain follows what those expectations
call for (:func:`strategy_target`): that is how the A/B/C strategies emerge
without being assigned. While a figure is new, the general prior filters
what is learned of it (:func:`filtered_weight`); familiarity grows with time
together (:func:`grow_familiarity`).

Model v3 part 2 (memory): each relationship's expectations carry the evidence they rest on (a pseudo-count of
outcomes that fades over months, :func:`add_evidence`, :func:`forget_evidence`), and the choice of whom to turn
to reads an estimate by its lower confidence bound (:func:`credible`); the general prior is a prototype whose own
evidence accumulates with a sensitive period, so early experience keeps its weight (:func:`prototype_rate`); an
insecure prototype's miscues make a new figure's responses less warm (:func:`miscued_warmth`).

Scalar functions of one relationship (see model/step.py).
"""

from __future__ import annotations

import math


def learning_weight(anxiety_before: float, plasticity: float, learning_rate: float, anxiety_weighting: float,
                    max_learning_weight: float) -> float:  # fmt: skip
    """Learning rate of one bid outcome: anxiety-weighted, age-scaled, at most ``max_learning_weight``."""
    return min(learning_rate * plasticity * (1.0 + anxiety_weighting * anxiety_before), max_learning_weight)


def expected_warmth(trust: float, warm: float, weight: float) -> float:
    """Delta-rule update of expected warmth (trust) from one outcome (1 warm, 0 not)."""
    return trust + weight * (warm - trust)


def expected_surprise(unpredictability: float, trust: float, warm: float, weight: float) -> float:
    """Delta-rule update of the squared surprise (unpredictability), against trust before the outcome."""
    surprise = warm - trust
    return unpredictability + weight * (surprise * surprise - unpredictability)


def expected_share(expectation: float, happened: float, weight: float) -> float:
    """Delta-rule update of an expected share (rejection, unavailability) from one outcome (1 it happened, 0 not)."""
    return expectation + weight * (happened - expectation)


def strategy_target(rejection: float, unavailability: float, rejection_drive: float, unavailability_drive: float,
                    strategy_tolerance: float, inconsistency_tolerance: float, gain_limit: float) -> float:  # fmt: skip
    """The signalling gain a relationship's expectations call for (Main 1990's conditional strategies).

    Expected rejection of attachment signals calls for suppressing them (avoidance: Ainsworth et al. 1978;
    Main 1981). Amplifying is called for by *inconsistent* availability (Cassidy & Berlin 1994; Ainsworth et
    al. 1978: the mothers of C infants were inconsistently available, not rejecting): the expected
    unavailability of the figure to the child's ordinary signals (model/caregiving.py
    :func:`credit_to_figure`), which comes from a figure who answers on its attentive days and not on its
    lapse days, and which amplifying partly overcomes. It does not depend on warmth, so warmer care never
    calls for more amplification (issue 24: model v2c's call to amplify grew with warmth, and warm care with
    poor availability turned avoidance into ambivalence). Where neither is expected the signal stays open
    (secure): the best care cannot make a child suppress or amplify. Rebuffs up to ``strategy_tolerance`` and
    unavailability up to ``inconsistency_tolerance`` are ordinary in good-enough care (Winnicott 1953; Tronick
    & Gianino 1986: most interactions are mismatched much of the time) and call for nothing. The stronger call
    sets the strategy: rejection and unavailability do not cancel into an open signal (a child who meets both
    is not secure). Less rejection never calls for more suppression, more warmth never for more amplification.
    """
    suppress = rejection_drive * max(0.0, rejection - strategy_tolerance)
    amplify = unavailability_drive * max(0.0, unavailability - inconsistency_tolerance)
    target = amplify if amplify > suppress else -suppress
    return min(max(target, -gain_limit), gain_limit)


def filtered_weight(weight: float, warm: bool, prior_gain: float, familiarity: float, gain_limit: float,
                    defensive_exclusion: float, lapse_overweighting: float) -> float:  # fmt: skip
    """How much one outcome with a figure teaches, filtered by the child's general prior while the figure is new.

    An avoidant prior (suppressed gain) discounts warm responses (defensive exclusion: Bowlby 1980; Dykas &
    Cassidy 2011); an ambivalent prior (amplified gain) over-weights lapses (Cassidy & Berlin 1994). The filter
    fades as the figure becomes familiar, so a new relationship is learned slower, never not at all (S8).
    """
    novelty = 1.0 - familiarity
    if warm:
        avoidant = max(0.0, -prior_gain) / gain_limit
        return weight * (1.0 - defensive_exclusion * avoidant * novelty)
    ambivalent = max(0.0, prior_gain) / gain_limit
    return min(weight * (1.0 + lapse_overweighting * ambivalent * novelty), 1.0)


def grow_familiarity(familiarity: float, dt_days: float, familiarity_timescale_days: float) -> float:
    """Familiarity after ``dt_days`` together: attachment is built from shared experience over months
    (Bowlby 1969; Ainsworth 1967), a new carer's within weeks to months (Stovall & Dozier 2000)."""
    return familiarity + (1.0 - familiarity) * -math.expm1(-dt_days / familiarity_timescale_days)


def reach(familiarity: float, undirected: float, prior_trust: float, indiscriminate_approach: float) -> float:
    """How fully a child addresses its signals to a figure: to a familiar one fully; to an unfamiliar one as far
    as its signals are still undirected (early infancy) or its approach indiscriminate after deprivation
    (disinhibited social engagement: Zeanah et al. 2005), whichever is more."""
    unfamiliar = max(undirected, indiscriminate_approach * (1.0 - prior_trust))
    return familiarity + (1.0 - familiarity) * unfamiliar


def frighten(fear: float, rate: float) -> float:
    """Fear of a figure after it loses its temper or is unfair to the child."""
    return fear + rate * (1.0 - fear)


def extinguish_fear(fear: float, weight: float, fear_extinction: float) -> float:
    """Time with a figure that does not frighten slowly undoes fear of it (extinction)."""
    return fear * (1.0 - weight * fear_extinction)


def toward(value: float, target: float, rate: float) -> float:
    """A step of ``rate`` from ``value`` towards ``target``: the prior follows the mean working model,
    and each working model is pulled towards the prior (stability without freezing, Fraley 2002)."""
    return value + rate * (target - value)


# model v3 part 2: memory


def prototype_rate(sensitive_weight: float, evidence: float, prior_rate_per_day: float) -> float:
    """The share of the way the prototype moves towards today's working models: today's weight over all the
    weight it rests on (a running mean with a pseudo-count, so early experience keeps its weight: Fraley 2002's
    prototype). ``sensitive_weight`` is today's weight (1 at birth, falling over the sensitive period),
    ``evidence`` the weight of every earlier day, and a newborn's middling expectations count for
    ``1 / prior_rate_per_day`` days (so the rate at birth is ``prior_rate_per_day``, as in model v2)."""
    return sensitive_weight / (1.0 / prior_rate_per_day + evidence + sensitive_weight)


def add_evidence(evidence: float, outcomes: float) -> float:
    """A relationship's evidence after ``outcomes`` more outcomes (a pseudo-count: grows with contact)."""
    return evidence + outcomes


def forget_evidence(evidence: float, dt_days: float, evidence_memory_days: float) -> float:
    """Evidence fades over months, so that it says how often the figure is met now: a figure seen half as often
    rests on about half the evidence (modelling choice)."""
    return evidence * math.exp(-dt_days / evidence_memory_days)


def credible(estimate: float, evidence: float, prototype_weight: float, caution: float) -> float:
    """An expectation read by its lower confidence bound: ``caution`` standard errors of a share estimated from
    ``evidence`` outcomes and the prototype's ``prototype_weight`` below the estimate, never below 0.

    A figure known from few outcomes is not yet trusted as much as its estimate says (modelling choice: the
    lower confidence bound of a Beta mean); a well-known figure is read at its estimate.
    """
    spread = math.sqrt(estimate * (1.0 - estimate) / (prototype_weight + evidence + 1.0))
    return max(estimate - caution * spread, 0.0)


def discriminating(reach_to_familiar: float, reach_all: float) -> float:
    """The share of a bid that was addressed to the figure as a known figure, not indiscriminately: the part of
    its outcome that teaches about this figure. Indiscriminate approach brings contact but no discrimination
    (Zeanah et al. 2005: a marker of disturbed attachment and a risk, not a way to learn faster)."""
    if reach_all <= 0.0:
        return 1.0
    return min(reach_to_familiar / reach_all, 1.0)


def miscued_warmth(warmth: float, prior_gain: float, familiarity: float, gain_limit: float, miscue: float) -> float:
    """A new figure's warmth as the child's signals draw it: an insecure prototype (a suppressed or amplified
    gain) sends miscues - pushing away, or inconsolable - that draw less nurturing responses from a figure that
    does not yet know the child (Stovall & Dozier 2000; Dozier et al. 2002: a transactional effect). The effect
    fades as the figure becomes familiar."""
    insecurity = min(abs(prior_gain) / gain_limit, 1.0)
    return warmth * (1.0 - miscue * insecurity * (1.0 - familiarity))
