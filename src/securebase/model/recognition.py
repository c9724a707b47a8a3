"""Recognising a figure willing and able to be a secure base (S10).

An individual who meets several candidate figures cannot see their traits:
it infers them through its working model of each (trust, fear), learned from
the bids it sends (model/working_model.py), and the evidence each estimate
rests on (model v3 part 2). Its *choice* is the candidate it expects most
from, by the very rule the episode step uses to choose whom to bid to
(model/step.py): the highest credible trust x (1 - fear), trust read by its
lower confidence bound (model.working_model.credible), so that a candidate
known from few outcomes is not preferred for being little known
(model.anxiety.expected_security). The step's
hierarchy also weighs each figure by familiarity (model.anxiety.secure_base); the judgement here is of the
candidates' quality, which the working model holds apart from how familiar each is.

The *truly best* candidate is the one whose hidden traits give a bid the best
chance of being met warmly: noticed (sensitivity, on a day of full attention
or a lapse day, consistency), answered (reliability) and warm (warmth), at a
reference bid intensity. This is exactly the quantity trust estimates, so the
individual can in principle learn it; appropriateness (how well a warm
response fits) is not part of it, because the working model does not track it
(docs/model.md §14).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securebase.model.anxiety import expected_security
from securebase.model.caregiving import notice_probability
from securebase.model.parameters import ModelParameters
from securebase.model.working_model import credible

#: credible trust over arrays: the step's scalar rule, element by element (one definition)
_credible = np.vectorize(credible, otypes=[float])


@dataclass(frozen=True)
class RecognitionConstants:
    """Constants of the recognition read-out (docs/model.md §14)."""

    #: bid intensity at which a candidate's true quality is evaluated: a typical, moderate bid
    reference_intensity: float = 0.3


RECOGNITION = RecognitionConstants()


def expected_support(trust: np.ndarray, fear: np.ndarray, evidence: np.ndarray, params: ModelParameters) -> np.ndarray:
    """What the individual expects of each figure: the hierarchy of the step (model.anxiety.expected_security),
    trust read by its lower confidence bound given the ``evidence`` it rests on (model.working_model.credible)."""
    trusted = _credible(trust, evidence, params.prototype_weight, params.uncertainty_caution)
    return expected_security(trusted, fear)


def choose(
    trust: np.ndarray, fear: np.ndarray, evidence: np.ndarray, known: np.ndarray, params: ModelParameters
) -> np.ndarray:
    """Index (n,) of the known figure each individual expects most from (first on ties), -1 if none known."""
    score = np.where(known, expected_support(trust, fear, evidence, params), -1.0)
    chosen = score.argmax(axis=1)
    return np.where(known.any(axis=1), chosen, -1)


def warm_response_probability(
    sensitivity: np.ndarray,
    consistency: np.ndarray,
    reliability: np.ndarray,
    warmth: np.ndarray,
    params: ModelParameters,
    intensity: float = RECOGNITION.reference_intensity,
) -> np.ndarray:
    """Chance that a bid of ``intensity`` is met warmly, from the figure's hidden traits.

    Attention is full on a consistent day and ``lapse_attention`` otherwise;
    the chance of noticing is linear in attention, so its mean over days is
    the chance at the mean attention (exact, not an approximation).
    """
    attention = consistency + (1.0 - consistency) * params.lapse_attention
    return notice_probability(sensitivity, attention, np.asarray(intensity)) * reliability * warmth


def truly_best(quality: np.ndarray) -> np.ndarray:
    """Index (n,) of the candidate with the highest true quality (n, k)."""
    return np.asarray(quality).argmax(axis=1)


def rank_correlation(expected: np.ndarray, true: np.ndarray) -> np.ndarray:
    """Spearman's correlation (n,) between expected and true quality over each individual's candidates.

    Ranks break ties by order (ties in true quality have probability 0 for
    drawn traits); an individual whose expectations are all equal gets 0.
    """

    def ranks(values: np.ndarray) -> np.ndarray:
        return np.argsort(np.argsort(values, axis=1, kind="stable"), axis=1).astype(float)

    a, b = ranks(np.asarray(expected)), ranks(np.asarray(true))
    a -= a.mean(axis=1, keepdims=True)
    b -= b.mean(axis=1, keepdims=True)
    r = (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    flat = np.ptp(np.asarray(expected), axis=1) == 0
    return np.where(flat, 0.0, r)
