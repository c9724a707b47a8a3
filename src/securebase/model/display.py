"""What a child shows, apart from what it feels: the strategy acts on the display (issue 24).

Arousal (the model's ``anxiety``) is what the child feels; a physiological
read-out sees it (heart rate: Sroufe & Waters 1977; cortisol: Spangler &
Grossmann 1993). What others see - distress shown, proximity sought, bids,
attention to the toys - is the display, and the learned signalling gain (the
strategy: Main 1990; Cassidy & Kobak 1988) acts on it: deactivation (a
negative gain) minimises what is shown, hyperactivation (a positive gain)
maximises it. The display of a moment carries the same noise as that moment's
bid (model/bids.py: ``signal_noise`` varies how hard the child signals), so a
bid is the display addressed to a figure. The arousal a deactivating child does
not show goes to the toys: avoidance is a shift of attention away from the
figure (Main 1981), which keeps an avoidant infant looking at the toys while
aroused (Ainsworth et al. 1978). Attention diverted is not exploration: it
teaches nothing (model/exploration.py, competence grows only with exploration
proper).

Scalar functions (see model/step.py); they also work elementwise on arrays.
"""

from __future__ import annotations

import math


def shown_distress(arousal: float, display_gain: float) -> float:
    """The distress a child shows: its arousal, minimised by a negative gain and maximised by a positive one
    (``display_gain``: the strategy's gain plus the moment's signal noise)."""
    return min(max(arousal * math.exp(display_gain), 0.0), 1.0)


def withheld(arousal: float, shown: float) -> float:
    """The arousal a child does not show (0 when it shows all of it or more)."""
    return max(arousal - shown, 0.0)


def exaggerated(arousal: float, shown: float) -> float:
    """What a child shows beyond its arousal: the angry, exaggerated protest a coder rates as resistance (Cassidy &
    Berlin 1994)."""
    return max(shown - arousal, 0.0)


def turning_away(arousal: float, shown: float, bid_threshold: float) -> float:
    """How far a child turns away from a figure it would have signalled to (Main 1981; Ainsworth's avoidance
    scale: ignoring, looking away): the share of its arousal it withholds, as far as it is aroused enough to
    signal at all (an open child signals from ``bid_threshold``). A coder rates the pattern of turning away, not
    how aroused the child is behind it."""
    return withheld(arousal, shown) / max(arousal, bid_threshold)


def attention_to_toys(exploration: float, arousal: float, shown: float, felt_security: float,
                      exploration_floor: float, exploration_diversion: float, seeking: float) -> float:  # fmt: skip
    """The share of the moment a child's attention is on the toys, as a coder sees it.

    A deactivating strategy turns the attachment system down (Main 1990; Cassidy & Kobak 1988): the child
    attends to the toys as if it were as calm as it shows and, by the share of its arousal it withholds (times
    ``exploration_diversion``), as secure as a child who need not seek its figure (Main 1981: avoidance as a
    shift of attention to the toys). That attention is at least the child's exploration proper
    (``exploration``, which alone teaches: model/exploration.py); the share ``seeking`` of the moment spent
    seeking the figure (the bid's intensity) is taken from it (the attachment-exploration balance: Ainsworth &
    Bell 1970).
    """
    deactivation = 0.0
    if arousal > 0.0:
        deactivation = exploration_diversion * withheld(arousal, shown) / arousal
    shown_security = felt_security + deactivation * (1.0 - felt_security)
    calm = 1.0 - min(shown, arousal)
    as_shown = calm * (exploration_floor + (1.0 - exploration_floor) * shown_security)
    toys = min(max(exploration, as_shown), 1.0)
    return toys * (1.0 - min(max(seeking, 0.0), 1.0))
