"""What a run records: per-day summaries, per-child totals and, when asked, trajectories.

The kernels add each child's contribution (model/tally.py); this module names the
sums and turns them into tables. Column names use the glossary's words
(docs/scenarios.md, "What a run writes").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from securebase.model.parameters import ModelParameters
from securebase.model.state import BID_TYPES, FIGURE_TRAITS, STRATEGIES, Children, Figures
from securebase.model.strategy import classify
from securebase.model.tally import (
    ADULT_RUPTURES_BY_FIGURE,
    BIDS_BY_FIGURE,
    COUNT_ROW,
    COUNTS,
    MEANS,
    R_AGE,
    R_COMPETENCE,
    R_COMPETENCE_SQUARES,
    R_FIGURES,
    R_MEAN,
    R_MEAN_SQUARES,
    R_PER_FIGURE,
    R_PRIMARY_STRATEGY,
    R_WITH_PRIMARY,
)
from securebase.model.timescale import DAYS_PER_YEAR


def primary_figure(children: Children, figures: Figures) -> np.ndarray:
    """The first figure (in scenario order) that is in the child's life and known; -1 if none."""
    present = children.known & figures.active
    first = present.argmax(axis=1)
    return np.where(present.any(axis=1), first, -1)


def strategies(children: Children, params: ModelParameters) -> np.ndarray:
    return classify(children.gain, children.fear, params)


@dataclass
class Day:
    """One day's counts (a count row of model.tally, summed over the day's episodes) and each child's sums."""

    n_figures: int
    n_children: int
    #: the population's counts: model.tally's count row
    count_row: np.ndarray = field(init=False)
    #: per-child sums over the day's episodes, one row per name in MEANS
    sums: np.ndarray = field(init=False)
    episodes: int = 0

    def __post_init__(self) -> None:
        self.count_row = np.zeros(COUNT_ROW, np.int64)
        self.sums = np.zeros((len(MEANS), self.n_children))

    def add(self, count_row: np.ndarray) -> None:
        """Add one episode's count row."""
        self.count_row += count_row
        self.episodes += 1

    @property
    def counts(self) -> dict[str, int]:
        return {name: int(self.count_row[i]) for i, name in enumerate(COUNTS)}

    def by_figure(self, name: str) -> np.ndarray:
        """Counts by figure of ``bids`` or ``adult_ruptures``."""
        start = {"bids": BIDS_BY_FIGURE, "adult_ruptures": ADULT_RUPTURES_BY_FIGURE}[name]
        return self.count_row[start : start + self.n_figures]


def summary_row(day: int, school_day: bool, tally: Day, readout: np.ndarray, n: int) -> dict:
    """One row of the daily population summary, from the day's counts and the read-out (model.tally.read_out)."""
    row: dict = {
        "day": day,
        "phase": "history" if day < 0 else "scenario",
        "school_day": school_day,
        "age_years": float(readout[R_AGE] / n / DAYS_PER_YEAR),
    }
    for m, name in enumerate(MEANS):
        mean, spread = _mean_sd(readout[R_MEAN + m], readout[R_MEAN_SQUARES + m], n)
        row[name] = mean
        row[f"{name}_sd"] = spread
    row["competence"], row["competence_sd"] = _mean_sd(readout[R_COMPETENCE], readout[R_COMPETENCE_SQUARES], n)
    row["children"] = n
    counts = tally.counts
    row["bids"] = sum(counts[f"bids_{t}"] for t in BID_TYPES)
    row.update(counts)
    with_primary = readout[R_WITH_PRIMARY]
    for i, name in enumerate(STRATEGIES):
        row[f"share_{name}"] = float(readout[R_PRIMARY_STRATEGY + i] / max(with_primary, 1.0))
    return row


def _mean_sd(total: float, squares: float, n: int) -> tuple[float, float]:
    mean = total / n
    return float(mean), float(np.sqrt(max(squares / n - mean * mean, 0.0)))


def relationship_rows(day: int, tally: Day, readout: np.ndarray, names: tuple[str, ...]) -> list[dict]:
    """Daily rows, one per figure, over the children who have a relationship with it."""
    rows = []
    bids, adult_ruptures = tally.by_figure("bids"), tally.by_figure("adult_ruptures")
    for k, name in enumerate(names):
        base = R_FIGURES + R_PER_FIGURE * k
        n = int(readout[base])
        if n == 0:
            continue
        row = {
            "day": day,
            "figure": name,
            "children": n,
            "trust": float(readout[base + 1] / n),
            "unpredictability": float(readout[base + 2] / n),
            "fear": float(readout[base + 3] / n),
            "gain": float(readout[base + 4] / n),
            "bids": int(bids[k]),
            "adult_ruptures": int(adult_ruptures[k]),
        }
        row.update({f"share_{s}": float(readout[base + 5 + i] / n) for i, s in enumerate(STRATEGIES)})
        rows.append(row)
    return rows


@dataclass
class ChildTotals:
    """Per-child counters and sums over the scenario period (day >= 0).

    Stored as matrices (one row per name in COUNTS and MEANS) so that a compiled
    kernel can add to them in one pass; ``counts`` and ``sums`` name the rows.
    """

    count_matrix: np.ndarray
    sum_matrix: np.ndarray
    episodes: int = 0
    competence_at_start: np.ndarray | None = None

    @classmethod
    def empty(cls, n: int) -> ChildTotals:
        return cls(count_matrix=np.zeros((len(COUNTS), n), np.int32), sum_matrix=np.zeros((len(MEANS), n)))

    @property
    def counts(self) -> dict[str, np.ndarray]:
        return {name: self.count_matrix[i] for i, name in enumerate(COUNTS)}

    @property
    def sums(self) -> dict[str, np.ndarray]:
        return {name: self.sum_matrix[i] for i, name in enumerate(MEANS)}


def children_table(children: Children, figures: Figures, totals: ChildTotals, params: ModelParameters) -> pd.DataFrame:
    """One row per child at the end of the run."""
    primary = primary_figure(children, figures)
    has = primary >= 0
    strategy = np.full(children.n, "none", dtype=object)
    codes = strategies(children, params)[np.flatnonzero(has), primary[has]]
    strategy[has] = np.asarray(STRATEGIES, dtype=object)[codes]
    start = totals.competence_at_start if totals.competence_at_start is not None else np.zeros(children.n)
    table = {
        "child": np.arange(children.n),
        "age_years": children.age_days / DAYS_PER_YEAR,
        "anxiety": children.anxiety,
        "felt_security": children.felt_security,
        "exploration": children.exploration,
        "competence": children.competence,
        "competence_gain": children.competence - start,
        "primary_figure": np.where(has, np.asarray(figures.names, dtype=object)[np.maximum(primary, 0)], "none"),
        "strategy": strategy,
        "prior_trust": children.prior_trust,
    }
    for name in MEANS:
        table[f"mean_{name}"] = totals.sums[name] / max(totals.episodes, 1)
    table.update(totals.counts)
    table["bids"] = sum(totals.counts[f"bids_{t}"] for t in BID_TYPES)
    return pd.DataFrame(table)


def relationships_table(children: Children, figures: Figures, params: ModelParameters) -> pd.DataFrame:
    """One row per child and figure: the working model, the strategy with that figure, and the figure's traits."""
    n, k = children.trust.shape
    codes = strategies(children, params)
    frame = {
        "child": np.repeat(np.arange(n), k),
        "figure": np.tile(np.asarray(figures.names, dtype=object), n),
        "known": children.known.ravel(),
        "active": figures.active.ravel(),
        "trust": children.trust.ravel(),
        "unpredictability": children.unpredictability.ravel(),
        "fear": children.fear.ravel(),
        "gain": children.gain.ravel(),
        "strategy": np.asarray(STRATEGIES, dtype=object)[codes.ravel()],
    }
    for name in FIGURE_TRAITS:
        frame[name] = getattr(figures, name).ravel()
    return pd.DataFrame(frame)


def trajectory_frame(day: int, children: Children, figures: Figures, params: ModelParameters) -> pd.DataFrame:
    primary = primary_figure(children, figures)
    has = primary >= 0
    codes = np.full(children.n, -1, np.int8)
    codes[has] = strategies(children, params)[np.flatnonzero(has), primary[has]]
    labels = np.asarray((*STRATEGIES, "none"), dtype=object)
    return pd.DataFrame(
        {
            "day": np.full(children.n, day, np.int32),
            "child": np.arange(children.n, dtype=np.int32),
            "anxiety": children.anxiety.astype(np.float32),
            "felt_security": children.felt_security.astype(np.float32),
            "exploration": children.exploration.astype(np.float32),
            "competence": children.competence.astype(np.float32),
            "strategy": labels[codes],
        }
    )
