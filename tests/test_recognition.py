"""The recognition read-out (S10): the choice rule, the true quality of a candidate, rank agreement."""

from __future__ import annotations

import numpy as np
from helpers import SHIPPED

from securebase.model import recognition


def test_choice_is_the_highest_trust_times_one_minus_fear_among_known_figures():
    trust = np.array([[0.9, 0.6, 0.5], [0.2, 0.3, 0.9], [0.5, 0.5, 0.5]])
    fear = np.array([[0.8, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    known = np.array([[True, True, True], [True, True, False], [False, False, False]])
    # row 0: 0.18, 0.6, 0.5 -> 1; row 1: the best (0.9) is not known -> 1; row 2: nobody known
    certain = np.full(trust.shape, 1e12)  # evidence so large that the estimate is read as it is
    assert recognition.choose(trust, fear, certain, known, SHIPPED.params).tolist() == [1, 1, -1]


def test_a_candidate_known_from_few_outcomes_is_not_chosen_for_being_little_known():
    """Model v3 part 2: an estimate resting on little evidence is read by its lower confidence bound, so the
    well-known candidate is chosen over a slightly higher estimate resting on nothing (issue 25: the least-known
    candidate kept the highest estimate and was chosen); with equal evidence the higher estimate wins."""
    p = SHIPPED.params
    trust = np.array([[0.70, 0.62]])
    fear = np.zeros((1, 2))
    known = np.ones((1, 2), bool)
    assert recognition.choose(trust, fear, np.array([[0.0, 60.0]]), known, p).tolist() == [1]
    assert recognition.choose(trust, fear, np.array([[60.0, 60.0]]), known, p).tolist() == [0]
    cautious = recognition.expected_support(trust, fear, np.array([[0.0, 0.0]]), p)
    assert (cautious < trust).all()
    careless = p.with_changes(uncertainty_caution=0.0)
    assert np.allclose(recognition.expected_support(trust, fear, np.array([[0.0, 0.0]]), careless), trust)


def test_true_quality_is_the_chance_that_a_bid_is_met_warmly():
    p = SHIPPED.params
    one = np.ones(1)
    # full attention every day: noticed with 1 - (1 - s)(1 - I), then answered and warm
    q = recognition.warm_response_probability(0.5 * one, one, 0.8 * one, 0.5 * one, p, intensity=0.2)
    assert np.isclose(q[0], (1 - 0.5 * 0.8) * 0.8 * 0.5)
    # lapses lower it; a figure who never answers or is never warm is worth nothing
    lapsing = recognition.warm_response_probability(0.5 * one, 0.0 * one, 0.8 * one, 0.5 * one, p, intensity=0.2)
    assert lapsing[0] < q[0]
    assert recognition.warm_response_probability(one, one, 0 * one, one, p)[0] == 0.0
    assert recognition.warm_response_probability(one, one, one, 0 * one, p)[0] == 0.0


def test_true_quality_rises_with_every_quality_it_uses():
    p = SHIPPED.params
    base = {"sensitivity": 0.5, "consistency": 0.5, "reliability": 0.5, "warmth": 0.5}
    q0 = recognition.warm_response_probability(*(np.array([v]) for v in base.values()), p)[0]
    for name in base:
        higher = {**base, name: 0.9}
        assert recognition.warm_response_probability(*(np.array([v]) for v in higher.values()), p)[0] > q0


def test_rank_correlation():
    true = np.array([[0.1, 0.5, 0.3, 0.9]] * 3)
    expected = np.array([[0.2, 0.6, 0.4, 0.8], [0.8, 0.4, 0.6, 0.2], [0.5, 0.5, 0.5, 0.5]])
    assert np.allclose(recognition.rank_correlation(expected, true), [1.0, -1.0, 0.0])
    assert recognition.truly_best(true).tolist() == [3, 3, 3]
