"""The adult dyad mechanism (S11): caregiving lowered by one's own stress, roles that follow stress."""

from __future__ import annotations

import numpy as np
from helpers import SHIPPED

from securebase.engine.dyads import live_day
from securebase.model import dyad
from securebase.model.state import FIGURE_TRAITS


def traits(n: int, **changes: float) -> dict[str, np.ndarray]:
    values = {
        "consistency": 0.9,
        "appropriateness": 0.8,
        "sensitivity": 0.8,
        "warmth": 0.9,
        "reliability": 0.9,
        "exploration_support": 0.5,
        "rupture_rate": 0.3,
        "repair_propensity": 0.8,
        "repair_latency_days": 0.1,
        "intrusiveness": 0.2,
        "anomalous_rate": 0.0,
        "anomalous_severity": 0.3,
    }
    values.update(changes)
    return {name: np.full(n, values[name]) for name in FIGURE_TRAITS}


def test_a_stressed_partner_gives_less_but_stays_the_same_person():
    figure = dyad.as_figure(traits(3), "partner", together=0.6)
    effective = dyad.effective_caregiving(figure, np.array([0.0, 0.5, 1.0]))
    keep = 1 - dyad.DYAD.stress_giving_cost * np.array([0.0, 0.5, 1.0])
    assert np.allclose(effective.reliability[:, 0], 0.9 * keep)
    assert np.allclose(effective.sensitivity[:, 0], 0.8 * keep)
    assert np.array_equal(effective.warmth, figure.warmth)
    assert np.array_equal(effective.rupture_rate, figure.rupture_rate)
    assert figure.reliability[0, 0] == 0.9  # the base traits are not changed


def test_partners_start_from_the_adult_prior_and_know_each_other():
    adults = dyad.partners(4)
    assert adults.known.all()
    assert np.allclose(adults.trust, dyad.DYAD.adult_prior_trust)
    assert np.allclose(adults.age_days / 365.25, dyad.DYAD.age_years)


def test_the_stressed_partner_seeks_care_and_the_calm_one_gives_it():
    n = 3000
    couples = dyad.new_dyads(traits(n), traits(n), together=1.0)
    couples.a.anxiety[:] = 0.9
    couples.b.anxiety[:] = 0.0
    totals = dyad.DyadTotals.empty(n)
    live_day(couples, np.random.default_rng(0), SHIPPED.params, totals, episodes_per_day=1)
    c = totals.counts
    assert c["bids_a"].sum() > 2 * c["bids_b"].sum()
    assert c["care_given_b"].sum() > 2 * c["care_given_a"].sum()
    assert totals.care_to_more_anxious.sum() > 0.8 * (c["care_given_a"] + c["care_given_b"]).sum()


def test_a_partner_with_no_reliability_never_gives_care_and_non_repairers_never_repair():
    n = 500
    couples = dyad.new_dyads(traits(n, repair_propensity=0.0), traits(n, reliability=0.0, repair_propensity=0.0), 0.8)
    totals = dyad.DyadTotals.empty(n)
    rng = np.random.default_rng(1)
    for _ in range(20):
        live_day(couples, rng, SHIPPED.params, totals)
    c = totals.counts
    assert c["care_given_b"].sum() == 0
    assert c["care_given_a"].sum() > 0
    assert c["ruptures_a"].sum() + c["ruptures_b"].sum() > 0
    assert c["repairs_a"].sum() == c["repairs_b"].sum() == 0
    assert totals.role_swaps.sum() == 0


def test_the_same_seed_gives_the_same_couples():
    def run() -> dict[str, np.ndarray]:
        couples = dyad.new_dyads(traits(200), traits(200, warmth=0.4), 0.6)
        totals = dyad.DyadTotals.empty(200)
        rng = np.random.default_rng(7)
        for _ in range(5):
            live_day(couples, rng, SHIPPED.params, totals)
        return totals.counts

    first, second = run(), run()
    assert all(np.array_equal(first[k], second[k]) for k in first)
