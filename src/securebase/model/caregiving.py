"""How a figure responds to a bid: the five qualities of S1, each with its own effect.

- reliability: the figure follows through once it has noticed a bid;
- sensitivity: it notices bids, weak ones too (an insensitive figure notices
  mostly strong ones, which is why amplifying can pay);
- consistency: its attention is the same from day to day (an inconsistent
  figure has lapse days, on which only strong signals get through);
- warmth: the response is warm rather than a rebuff;
- appropriateness: the response fits the need, and the figure does not intrude
  on a child who is exploring well (see exploration.py).
"""

from __future__ import annotations

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.model.timescale import per_step


def daily_attention(consistency: np.ndarray, uniform: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Attention of each figure today: full, or a lapse with probability 1 - consistency."""
    return np.where(uniform < consistency, 1.0, params.lapse_attention)


def notice_probability(sensitivity: np.ndarray, attention: np.ndarray, bid_intensity: np.ndarray) -> np.ndarray:
    """Chance that a bid is noticed: the figure's effective sensitivity, or the bid's own strength."""
    effective = sensitivity * attention
    return 1.0 - (1.0 - effective) * (1.0 - bid_intensity)


def respond(
    bidding: np.ndarray,
    sensitivity: np.ndarray,
    attention: np.ndarray,
    reliability: np.ndarray,
    warmth: np.ndarray,
    bid_intensity: np.ndarray,
    u_notice: np.ndarray,
    u_respond: np.ndarray,
    u_warm: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(answered, warm): whether each bid got a response and whether that response was warm."""
    noticed = u_notice < notice_probability(sensitivity, attention, bid_intensity)
    answered = bidding & noticed & (u_respond < reliability)
    warm = answered & (u_warm < warmth)
    return answered, warm


def anxiety_after_response(
    anxiety: np.ndarray,
    bidding: np.ndarray,
    warm: np.ndarray,
    appropriateness: np.ndarray,
    bid_intensity: np.ndarray,
    params: ModelParameters,
    steps_per_response: float = 1.0,
) -> np.ndarray:
    """A warm response soothes, in proportion to its fit; a bid not met warmly leaves distress.

    A rebuff and an unanswered bid cost the same, in proportion to how hard the
    child signalled: signalling hard to a figure who does not answer warmly hurts.
    On the moment scale a step is a slice of the exchange, so both rates are
    divided over the steps a response takes (``response_minutes``).
    """
    soothing = per_step(params.soothing * (0.5 + 0.5 * appropriateness), steps_per_response)
    distress = per_step(params.unanswered_distress * bid_intensity, steps_per_response)
    soothed = anxiety * (1.0 - soothing)
    distressed = anxiety + (1.0 - anxiety) * distress
    return np.where(warm, soothed, np.where(bidding, distressed, anxiety))
