"""Virtual instruments: the Strange Situation, its coding, observed sensitivity, security score, still face."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import SHIPPED, one_figure, small

import securebase
from securebase.instruments import ssp_coding
from securebase.instruments.anomalous import observed_anomalous_behaviour
from securebase.instruments.security_score import security_score
from securebase.instruments.sensitivity import observed_sensitivity
from securebase.instruments.still_face import still_face
from securebase.instruments.strange_situation import EPISODE_NAMES, observe_strange_situation

REUNION_SCALES = [f"{s}_{r}" for s in ssp_coding.SCALES for r in ("first_reunion", "second_reunion")]


def _profile(
    proximity: int, contact: int, resistance: int, avoidance: int, disorganisation: int, unsettled: int = 1
) -> pd.DataFrame:
    values = {"proximity_seeking": proximity, "contact_maintaining": contact, "resistance": resistance}
    values["avoidance"] = avoidance
    row = {f"{s}_{r}": values[s] for s in ssp_coding.SCALES for r in ("first_reunion", "second_reunion")}
    row["disorganisation"] = disorganisation
    row["unsettled"] = unsettled
    return pd.DataFrame([row])


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (_profile(proximity=6, contact=5, resistance=1, avoidance=1, disorganisation=1), "B"),
        (_profile(proximity=2, contact=1, resistance=1, avoidance=6, disorganisation=2), "A"),
        (_profile(proximity=6, contact=6, resistance=6, avoidance=1, disorganisation=2), "C"),
        (_profile(proximity=4, contact=3, resistance=3, avoidance=3, disorganisation=7), "D"),
        # a B4 child: some resistance, below the cut
        (_profile(proximity=6, contact=6, resistance=4, avoidance=1, disorganisation=1), "B"),
        # not comforted: distress at its ceiling through both reunions, no room to show amplification (C)
        (_profile(proximity=6, contact=6, resistance=2, avoidance=1, disorganisation=1, unsettled=6), "C"),
        # a secure child still a little upset is B
        (_profile(proximity=6, contact=5, resistance=1, avoidance=1, disorganisation=1, unsettled=3), "B"),
    ],
)
def test_coding_rules_on_textbook_reunions(profile, expected):
    assert ssp_coding.classify(profile).iloc[0] == expected


@pytest.mark.parametrize(
    ("profile", "four_way", "organised"),
    [
        # a D infant keeps its best-fitting organised class (Main & Solomon 1990): avoidant, resistant or secure
        (_profile(proximity=2, contact=1, resistance=1, avoidance=6, disorganisation=7), "D", "A"),
        (_profile(proximity=6, contact=6, resistance=6, avoidance=1, disorganisation=8), "D", "C"),
        (_profile(proximity=6, contact=5, resistance=1, avoidance=1, disorganisation=6), "D", "B"),
        # an organised infant's two classifications are the same
        (_profile(proximity=2, contact=1, resistance=1, avoidance=6, disorganisation=2), "A", "A"),
    ],
)
def test_every_infant_also_gets_its_organised_classification(profile, four_way, organised):
    assert ssp_coding.classify(profile).iloc[0] == four_way
    assert ssp_coding.organised(profile).iloc[0] == organised


@pytest.fixture(scope="module")
def infants() -> dict[str, securebase.Simulation]:
    out = {}
    for care in ("responsive-care", "rejecting-care", "intermittent-care", "frightening-care"):
        simulation = securebase.Simulation(small(care, n_children=300, days=365), seed=5, params=SHIPPED.params)
        simulation.run()
        out[care] = simulation
    return out


def _ssp(simulation: securebase.Simulation, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return observe_strange_situation(simulation.children, simulation.figures, "parent", rng, simulation.params)


def test_ssp_episode_pattern_of_secure_infants(infants):
    """Ainsworth & Bell 1970: exploration falls on separation, distress rises, proximity rises at reunion."""
    means = _ssp(infants["responsive-care"]).groupby("episode").mean(numeric_only=True)
    assert list(EPISODE_NAMES) == list(pd.unique(_ssp(infants["responsive-care"])["episode"]))
    assert means.loc["first_separation", "exploration"] < means.loc["caregiver_and_child", "exploration"]
    assert means.loc["child_alone", "distress"] > means.loc["caregiver_and_child", "distress"]
    assert means.loc["second_reunion", "proximity_seeking"] > means.loc["caregiver_and_child", "proximity_seeking"]


@pytest.mark.parametrize(
    ("care", "cls"),
    [
        ("responsive-care", "B"),
        ("rejecting-care", "A"),
        ("intermittent-care", "C"),  # a strict xfail on model v3 part 2 before its refit (drift moved C to B)
        ("frightening-care", "D"),
    ],
)  # fmt: skip
def test_ssp_classifies_each_care_pattern_mostly_as_theory_predicts(infants, care, cls):
    coded = ssp_coding.code(_ssp(infants[care]), np.random.default_rng(1), SHIPPED.coding)
    share = (coded["classification"] == cls).mean()
    assert share > 0.5, (care, ssp_coding.distribution(coded["classification"]))


def test_two_coders_agree_as_real_coders_do(infants):
    behaviour = pd.concat(
        [_ssp(s).assign(child=lambda d, i=i: d["child"] + 1000 * i) for i, s in enumerate(infants.values())]
    )
    coded = ssp_coding.code(behaviour, np.random.default_rng(2), SHIPPED.coding, coders=2)
    agreement = (coded["classification"] == coded["classification_coder2"]).mean()
    assert 0.75 < agreement < 0.99  # published inter-coder agreement on ABC(D) is mostly .80-.95
    assert set(coded[REUNION_SCALES].stack()) <= set(range(1, 8))
    assert coded["disorganisation"].between(1, 9).all()


def test_observing_does_not_change_the_child(infants):
    simulation = infants["responsive-care"]
    anxiety, gain = simulation.children.anxiety.copy(), simulation.children.gain.copy()
    _ssp(simulation)
    np.testing.assert_array_equal(simulation.children.anxiety, anxiety)
    np.testing.assert_array_equal(simulation.children.gain, gain)


def test_observed_sensitivity_tracks_true_sensitivity_with_error():
    simulation = securebase.Simulation(one_figure("normative", n_children=3000, days=1), seed=0, params=SHIPPED.params)
    rating = observed_sensitivity(
        simulation.figures,
        "parent",
        np.random.default_rng(0),
        SHIPPED.params,
        observer_sd=SHIPPED.instruments.observer_sd,
    )
    assert rating.min() >= 1.0
    assert rating.max() <= 9.0
    truth = simulation.figures.sensitivity[:, 0] * simulation.figures.warmth[:, 0]
    r = np.corrcoef(rating, truth)[0, 1]
    assert 0.3 < r < 0.95  # informative, not perfect


def test_observed_sensitivity_reads_the_sensitivity_trait():
    """Every caregiver's sensitivity set near 1: the rating moves clearly, twice as far as model v1's instrument did
    (d = 0.22 there; 0.47 measured for this one at n = 3,000)."""
    ratings = []
    for sensitivity in (None, 0.98):
        care = {"preset": "normative"} | ({} if sensitivity is None else {"sensitivity": sensitivity})
        simulation = securebase.Simulation(one_figure(care, n_children=3000, days=1), seed=0, params=SHIPPED.params)
        ratings.append(
            observed_sensitivity(simulation.figures, "parent", np.random.default_rng(0), SHIPPED.params,
                                 observer_sd=SHIPPED.instruments.observer_sd)
        )
    pooled_sd = np.sqrt((ratings[0].var() + ratings[1].var()) / 2)
    assert (ratings[1].mean() - ratings[0].mean()) / pooled_sd > 2 * 0.22


def test_observed_anomalous_behaviour_rises_with_rate_and_severity():
    rng = np.random.default_rng(3)
    levels = {}
    for rate, severity in ((0.0, 0.5), (0.5, 0.3), (0.5, 0.9), (2.0, 0.9)):
        care = {"preset": "normative", "anomalous_rate": rate, "anomalous_severity": severity, "rupture_rate": 0.0}
        simulation = securebase.Simulation(one_figure(care, n_children=2000, days=1), seed=0, params=SHIPPED.params)
        rating = observed_anomalous_behaviour(simulation.figures, "parent", rng, SHIPPED.params)
        assert rating.min() >= 1.0
        assert rating.max() <= 7.0
        levels[(rate, severity)] = rating.mean()
    assert levels[(0.0, 0.5)] < levels[(0.5, 0.3)] < levels[(0.5, 0.9)] < levels[(2.0, 0.9)]


def test_observed_anomalous_behaviour_reads_the_caregivers_pattern_not_one_days_chance():
    """The AMBIANCE-like level follows each figure's expected alarming behaviour (rate x severity, and losses of
    temper) with only the coder's error: in the mixed-risk population it correlates far above the .35 of the old
    one-day count of events."""
    simulation = securebase.Simulation(one_figure("mixed-risk", n_children=4000, days=1), seed=0, params=SHIPPED.params)
    f = simulation.figures
    expected = f.anomalous_rate[:, 0] * f.anomalous_severity[:, 0] + f.rupture_rate[:, 0] * SHIPPED.params.temper_severity
    rating = observed_anomalous_behaviour(f, "parent", np.random.default_rng(1), SHIPPED.params)
    assert np.corrcoef(rating, expected)[0, 1] > 0.6


def test_security_score_is_higher_for_secure_infants(infants):
    rng = np.random.default_rng(0)
    secure, avoidant = (
        security_score(s.children, s.figures, "parent", rng, SHIPPED.params, sorter_sd=SHIPPED.instruments.sorter_sd)
        for s in (infants["responsive-care"], infants["rejecting-care"])
    )
    assert secure.mean() > avoidant.mean() + 0.5
    assert np.all(np.abs(secure) <= 1.0)


def test_still_face_breaks_repair_and_carries_over(infants):
    phases = still_face(
        infants["responsive-care"].children,
        infants["responsive-care"].figures,
        "parent",
        np.random.default_rng(0),
        SHIPPED.params,
    ).set_index("phase")
    assert phases.loc["still_face", "mismatch_share"] == 1.0
    assert phases.loc["still_face", "repaired_share"] == 0.0
    assert phases.loc["still_face", "bids_per_child_minute"] > phases.loc["play", "bids_per_child_minute"]
    assert phases.loc["reunion", "anxiety"] > phases.loc["play", "anxiety"]  # carry-over
    assert phases.loc["play", "repaired_share"] > 0.5  # in normal play most mismatches are repaired
