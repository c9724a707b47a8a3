"""The child's mechanisms: constants shared by every study.

A study may change the figures and the situation, never these (docs/studies.md, "What a study does").
Each field is documented, with its source or "modelling choice", in
``docs/model.md``; the names there match the names here.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class ModelParameters:
    """Constants of the secure base model, in per-episode units unless named otherwise.

    An *episode* is one moment of need and what follows it (about
    ``episode_minutes`` of real time); the developmental time scale strings
    ``episodes_per_day`` of them into a day, the moment time scale divides one
    into seconds. Rates given per episode are converted to a step of ``dt``
    minutes by :func:`securebase.model.timescale.per_step`.

    The defaults here are the hand-set values of docs/model.md. The constants
    every study uses are a calibration's (``securebase.calibration.Calibration``,
    by default the shipped one: ``securebase.default_calibration().params``),
    passed down as an argument; this module reads no file.
    """

    episode_minutes: float = 20.0

    # needs and anxiety
    need_mean: float = 0.30
    security_buffering: float = 0.6
    self_regulation: float = 0.15
    base_calming: float = 0.30
    security_timescale_minutes: float = 2.0
    internalisation_max: float = 0.6
    internalisation_timescale_years: float = 5.0
    #: sd of the log of each temperament multiplier (negative emotionality, soothability) across children
    temperament_sd: float = 0.25
    #: sd of the log of a child's reactivity on the day of a procedure (its state that day: tired, hungry, unwell);
    #: a multiplier with mean 1 on the need the procedure brings, drawn afresh for each procedure
    day_reactivity_sd: float = 0.3

    # bids (signals)
    bid_threshold: float = 0.15
    signal_noise: float = 0.35
    #: age (years) over which signals stop being addressed to anyone who is there (Bowlby's phases 1-2)
    undirected_timescale_years: float = 0.25
    #: how far a child with no trust in its prior approaches unfamiliar adults as if familiar (Zeanah et al. 2005)
    indiscriminate_approach: float = 0.5

    # responses
    soothing: float = 0.7
    #: share of ``soothing`` that a warm response gives when it does not fit the need at all
    fit_floor: float = 0.5
    #: time over which one response delivers its soothing or its distress: seconds to a minute (the moment scale
    #: of contingent responding: Tronick & Gianino 1986; one developmental episode holds many)
    response_minutes: float = 0.25
    unanswered_distress: float = 0.28
    lapse_attention: float = 0.23

    # working model learning
    learning_rate: float = 0.04
    #: the most one outcome can move a working model (a learning weight of at most this)
    max_learning_weight: float = 0.5
    anxiety_weighting: float = 2.0
    gain_learning_rate: float = 0.03
    gain_limit: float = 2.0
    #: the signalling gain a child learns: suppressed by expected rejection, amplified by expected unavailability
    rejection_drive: float = 5.0
    unavailability_drive: float = 3.0
    #: the rejection that good-enough care has anyway, and calls for no strategy
    strategy_tolerance: float = 0.3
    #: the unavailability to ordinary bids (inconsistent availability) that good-enough care has anyway, and calls
    #: for no amplifying
    inconsistency_tolerance: float = 0.3
    #: how much of a warm response an avoidant prior discounts in a new relationship (defensive exclusion)
    defensive_exclusion: float = 0.6
    #: how much more an ambivalent prior learns from a lapse in a new relationship
    lapse_overweighting: float = 1.0
    #: days together over which a new figure becomes familiar (1 - 1/e of the way)
    familiarity_timescale_days: float = 30.0
    plasticity_floor: float = 0.2
    plasticity_timescale_years: float = 5.0
    prior_rate_per_day: float = 0.02
    prototype_pull_per_day: float = 0.002

    # ruptures and repair
    rupture_anxiety: float = 0.4
    tantrum_anxiety: float = 0.3
    tantrum_peak_per_day: float = 0.4
    tantrum_peak_age_years: float = 2.5
    tantrum_age_width_years: float = 1.2
    tantrum_floor_per_day: float = 0.05
    #: the anxiety at which the tantrum rates above hold; the chance scales with anxiety / this
    tantrum_reference_anxiety: float = 0.5
    repair_soothing: float = 0.7
    #: latency over which a repair loses 1 - 1/e of its effect, in minutes (a repair minutes late mends most)
    repair_timescale_minutes: float = 240.0
    unrepaired_after_days: float = 1.0
    repair_trust_gain: float = 0.5
    unrepaired_trust_cost: float = 1.0
    fear_learning_rate: float = 1.0
    fear_extinction: float = 4.0
    #: how frightening a loss of temper is, on the scale of anomalous behaviour's severity (0..1)
    temper_severity: float = 0.15
    #: share of a fright's effect on fear that a fully sensitive figure takes away (it notices and soothes)
    sensitivity_moderation: float = 0.5

    # exploration and competence
    exploration_floor: float = 0.2
    #: how much a trusted figure's encouragement raises exploration (at full support and full security)
    encouragement: float = 0.3
    #: share of the arousal an avoidant child withholds that goes to the toys (attention diverted: Main 1981)
    exploration_diversion: float = 1.0
    intrusion_rate: float = 0.4
    intrusion_cost: float = 0.6
    support_boost: float = 1.0
    competence_rate_per_day: float = 0.0008
    learning_band_centre: float = 0.3
    learning_band_width: float = 0.3

    # strategy read-out
    gain_threshold: float = 0.35
    fear_threshold: float = 0.5

    # model v3 part 2: fear and drift (issue 25, items 3 and 4; docs/model.md, "Model v3, part 2: fear and drift")
    #: frights of alarm history (each alarming moment adds its fright) at which fear extinguishes at half speed
    alarm_history_scale: float = 30.0
    #: days over which a relationship's alarm history is forgotten (1 - 1/e of it) once the figure stops alarming
    alarm_memory_days: float = 365.0
    #: stationary sd of each figure's drift of care, in logit units (derived from Kemppinen et al. 2006)
    care_drift_sd_logit: float = 0.48
    #: days over which a drift of care fades (its autocorrelation falls to 1/e): care moves over months
    care_drift_timescale_days: float = 180.0

    # model v3 part 2: memory (docs/model.md, "Model v3, part 2: memory"); not yet fitted
    #: the prototype's sensitive period: the years over which the weight of a day's experience in the general
    #: prior falls 1 - 1/e of the way to its floor (highest in the first years: Bowlby 1969; Knudsen 2004)
    prototype_sensitive_years: float = 2.0
    #: the weight of a day's experience in the prototype after the sensitive period, relative to a newborn's day
    prototype_plasticity_floor: float = 0.1
    #: how many outcomes the prototype's seed counts for when a relationship's estimate is read with its
    #: uncertainty (a new figure starts from the prototype with this little weight: working_model.credible)
    prototype_weight: float = 4.0
    #: days over which a relationship's evidence (its pseudo-count of outcomes) fades 1 - 1/e of the way, so that
    #: it reflects how often the figure is met now
    evidence_memory_days: float = 180.0
    #: standard errors below its estimate at which a child reads a figure when choosing whom to turn to (a lower
    #: confidence bound: an uncertain estimate is not trusted)
    uncertainty_caution: float = 1.0
    #: share of a new figure's warmth that an insecure prototype's miscues forfeit (Dozier et al. 2002)
    miscue: float = 0.5

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ValueError(f"model parameter '{field.name}' must be a non-negative number, got {value!r}")
        for name in ("alarm_history_scale", "alarm_memory_days", "care_drift_timescale_days"):  # they divide
            if getattr(self, name) <= 0:
                raise ValueError(f"model parameter '{name}' must be a positive number, got {getattr(self, name)!r}")

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def with_changes(self, **changes: Any) -> ModelParameters:
        """A copy with some constants changed (for sensitivity analyses, not studies)."""
        return replace(self, **changes)
