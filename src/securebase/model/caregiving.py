"""How a figure responds to a bid: the five qualities of S1, each with its own effect.

- reliability: the figure follows through once it has noticed a bid;
- sensitivity: it notices bids, weak ones too (an insensitive figure notices
  mostly strong ones, which is why amplifying can pay);
- consistency: its attention is the same from day to day (an inconsistent
  figure has lapse days, on which only strong signals get through);
- warmth: the response is warm rather than a rebuff;
- appropriateness: the response fits the need, and the figure does not intrude
  on a child who is exploring well (see exploration.py).

Scalar functions (see model/step.py); the observed-sensitivity instrument
watches these same functions at work.
"""

from __future__ import annotations

from securebase.model.timescale import per_step

#: the outcomes of a bid (:func:`response`)
UNANSWERED, REBUFFED, WARM = 0, 1, 2


def daily_attention(consistency: float, uniform: float, lapse_attention: float) -> float:
    """Attention of a figure today: full, or a lapse with probability 1 - consistency."""
    return 1.0 if uniform < consistency else lapse_attention


def notice_probability(sensitivity: float, attention: float, bid_intensity: float) -> float:
    """Chance that a bid is noticed: the figure's effective sensitivity, or the bid's own strength."""
    effective = sensitivity * attention
    return 1.0 - (1.0 - effective) * (1.0 - bid_intensity)


def credit_to_figure(sensitivity: float, attention: float, ordinary_intensity: float, bid_intensity: float) -> float:
    """The share of an answer the child owes to the figure rather than to its own amplified signal.

    An answer to an amplified bid may have come only because the child signalled hard: the chance that its
    ordinary signal (gain 0) would have been noticed, over the chance that this one was. With an attentive
    figure the two are nearly the same (credit near 1); with an inattentive one, on its lapse days, much of an
    answer is won by amplifying - which is what keeps the resistant/ambivalent strategy going under
    inconsistently available care (Cassidy & Berlin 1994; Main 1990: heightened signalling secures the
    attention of a figure who is available only sometimes). A signal no louder than ordinary owes nothing.
    """
    if bid_intensity <= ordinary_intensity:
        return 1.0
    return notice_probability(sensitivity, attention, ordinary_intensity) / notice_probability(
        sensitivity, attention, bid_intensity
    )


def response(
    sensitivity: float,
    attention: float,
    reliability: float,
    warmth: float,
    bid_intensity: float,
    u_notice: float,
    u_respond: float,
    u_warm: float,
) -> int:
    """What a figure does with a bid: UNANSWERED, REBUFFED (answered, not warmly) or WARM."""
    if u_notice < notice_probability(sensitivity, attention, bid_intensity) and u_respond < reliability:
        return WARM if u_warm < warmth else REBUFFED
    return UNANSWERED


def soothing_of_warm_response(appropriateness: float, soothing: float, fit_floor: float) -> float:
    """Share of anxiety a warm response removes: ``soothing`` when it fits, ``fit_floor`` of it when it does not."""
    return soothing * (fit_floor + (1.0 - fit_floor) * appropriateness)


def anxiety_after_response(
    anxiety: float,
    bidding: bool,
    outcome: int,
    appropriateness: float,
    bid_intensity: float,
    soothing: float,
    fit_floor: float,
    unanswered_distress: float,
    steps_per_response: float,
) -> float:
    """A warm response soothes, in proportion to its fit; a bid not met warmly leaves distress.

    A rebuff and an unanswered bid cost the same, in proportion to how hard the
    child signalled: signalling hard to a figure who does not answer warmly hurts.
    On the moment scale a step is a slice of the exchange, so both rates are
    divided over the steps a response takes (``response_minutes``).
    """
    if outcome == WARM:
        return anxiety * (1.0 - per_step(soothing_of_warm_response(appropriateness, soothing, fit_floor), steps_per_response))
    if bidding:
        return anxiety + (1.0 - anxiety) * per_step(unanswered_distress * bid_intensity, steps_per_response)
    return anxiety
