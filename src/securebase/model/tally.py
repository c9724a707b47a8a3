"""The daily counts and read-outs: what each child adds to the day's records.

One child's contribution, written once and run by every kernel (see
model/step.py): the counts of each episode (bids by type and by figure,
responses, ruptures, repairs, intrusions), each child's sums for the day's and
the scenario's means, and at the end of the day the population read-out (mean
and spread of the day's means, competence, strategies with the primary figure,
working models and strategies by figure). A kernel adds the contributions of
its children into a row of numbers (a partial row per chunk of children on the
CPU, per thread on a GPU) and sums the rows; ``engine.records`` names them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from securebase.model.state import MAX_FIGURES
from securebase.model.strategy import strategy_of

#: the counters of every episode, in the order of a count row (then bids and adult ruptures by figure)
COUNTS: tuple[str, ...] = (
    "bids_crying",
    "bids_smiling",
    "bids_reaching",
    "bids_approaching",
    "bids_verbal",
    "responses",
    "warm_responses",
    "adult_ruptures",
    "tantrums",
    "repairs",
    "unrepaired_ruptures",
    "intrusions",
)
N_COUNTS = len(COUNTS)
#: where the counts by figure start in a count row
BIDS_BY_FIGURE = N_COUNTS
ADULT_RUPTURES_BY_FIGURE = N_COUNTS + MAX_FIGURES
COUNT_ROW = N_COUNTS + 2 * MAX_FIGURES

#: per-child sums over episodes, reported as means
MEANS: tuple[str, ...] = ("anxiety", "felt_security", "exploration")
N_MEANS = len(MEANS)

#: the read-out row: population sums of the end of a day (see :func:`read_out`)
R_AGE = 0
R_MEAN = 1  # N_MEANS sums of each child's day mean
R_MEAN_SQUARES = R_MEAN + N_MEANS  # and of their squares
R_COMPETENCE = R_MEAN_SQUARES + N_MEANS
R_COMPETENCE_SQUARES = R_COMPETENCE + 1
R_WITH_PRIMARY = R_COMPETENCE_SQUARES + 1  # children with a primary figure
R_PRIMARY_STRATEGY = R_WITH_PRIMARY + 1  # 4: their strategies with it
R_FIGURES = R_PRIMARY_STRATEGY + 4
#: per figure: children with the figure in their life, sums of trust, unpredictability, fear, gain, 4 strategies
R_PER_FIGURE = 9
READOUT_ROW = R_FIGURES + R_PER_FIGURE * MAX_FIGURES


class Tally(NamedTuple):
    """Per-child sums that the episodes add to: the day's (always) and the scenario's (``with_totals``)."""

    day_sums: np.ndarray  # (N_MEANS, n) float64
    total_counts: np.ndarray  # (N_COUNTS, n) int32
    total_sums: np.ndarray  # (N_MEANS, n) float64
    with_totals: bool


def count_episode(i, out, child, tally, counts):
    """Add child ``i``'s episode (``out``, an EpisodeRecord) to the count row ``counts`` and to its sums."""
    kind = out.bid_type[i]
    target = out.target[i]
    if kind >= 0:
        counts[kind] += 1
        counts[BIDS_BY_FIGURE + target] += 1
    if out.adult_rupture[i]:
        counts[ADULT_RUPTURES_BY_FIGURE + target] += 1
    answered = 1 if out.answered[i] else 0
    warm = 1 if out.warm[i] else 0
    adult = 1 if out.adult_rupture[i] else 0
    tantrum = 1 if out.tantrum[i] else 0
    repairs = out.repairs[i]
    unrepaired = out.unrepaired[i]
    intruded = 1 if out.intruded[i] else 0
    counts[5] += answered
    counts[6] += warm
    counts[7] += adult
    counts[8] += tantrum
    counts[9] += repairs
    counts[10] += unrepaired
    counts[11] += intruded
    anxiety = child.anxiety[i]
    felt_security = child.felt_security[i]
    exploration = child.exploration[i]
    tally.day_sums[0, i] += anxiety
    tally.day_sums[1, i] += felt_security
    tally.day_sums[2, i] += exploration
    if tally.with_totals:
        if kind >= 0:
            tally.total_counts[kind, i] += 1
        tally.total_counts[5, i] += answered
        tally.total_counts[6, i] += warm
        tally.total_counts[7, i] += adult
        tally.total_counts[8, i] += tantrum
        tally.total_counts[9, i] += repairs
        tally.total_counts[10, i] += unrepaired
        tally.total_counts[11, i] += intruded
        tally.total_sums[0, i] += anxiety
        tally.total_sums[1, i] += felt_security
        tally.total_sums[2, i] += exploration


def read_out(i, child, rel, fig, day_sums, episodes, c, row):
    """Add child ``i``'s end of day to the read-out ``row``: its day means, competence and strategies.

    The primary figure is the first in scenario order that is in the child's
    life and known (engine.records.primary_figure).
    """
    row[R_AGE] += child.age_days[i]
    for m in range(N_MEANS):
        mean = day_sums[m, i] / episodes
        row[R_MEAN + m] += mean
        row[R_MEAN_SQUARES + m] += mean * mean
    competence = child.competence[i]
    row[R_COMPETENCE] += competence
    row[R_COMPETENCE_SQUARES] += competence * competence
    primary = -1
    for j in range(rel.trust.shape[1]):
        if not (rel.known[i, j] and fig.active[i, j]):
            continue
        strategy = strategy_of(rel.gain[i, j], rel.fear[i, j], c.gain_threshold, c.fear_threshold)
        if primary < 0:
            primary = j
            row[R_WITH_PRIMARY] += 1.0
            row[R_PRIMARY_STRATEGY + strategy] += 1.0
        base = R_FIGURES + R_PER_FIGURE * j
        row[base] += 1.0
        row[base + 1] += rel.trust[i, j]
        row[base + 2] += rel.unpredictability[i, j]
        row[base + 3] += rel.fear[i, j]
        row[base + 4] += rel.gain[i, j]
        row[base + 5 + strategy] += 1.0
