"""What a run records: per-day summaries, per-child totals and, when asked, trajectories.

Column names use the glossary's words (docs/scenarios.md, "What a run writes").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from securebase.model.episode import EpisodeRecord
from securebase.model.parameters import ModelParameters
from securebase.model.state import BID_TYPES, FIGURE_TRAITS, STRATEGIES, Children, Figures
from securebase.model.strategy import classify
from securebase.model.timescale import DAYS_PER_YEAR

#: per-child counters over the scenario period
COUNTS: tuple[str, ...] = (
    *(f"bids_{t}" for t in BID_TYPES),
    "responses",
    "warm_responses",
    "adult_ruptures",
    "tantrums",
    "repairs",
    "unrepaired_ruptures",
    "intrusions",
)
#: per-child sums over the episodes of the scenario period, reported as means
MEANS: tuple[str, ...] = ("anxiety", "felt_security", "exploration")


def primary_figure(children: Children, figures: Figures) -> np.ndarray:
    """The first figure (in scenario order) that is in the child's life and known; -1 if none."""
    present = children.known & figures.active
    first = present.argmax(axis=1)
    return np.where(present.any(axis=1), first, -1)


def strategies(children: Children, params: ModelParameters) -> np.ndarray:
    return classify(children.gain, children.fear, params)


@dataclass
class Day:
    """Population counts of one day, summed over its episodes, and each child's sums for the day's means."""

    n_figures: int
    n_children: int
    counts: dict[str, float] = field(default_factory=dict)
    by_figure: dict[str, np.ndarray] = field(default_factory=dict)
    #: per-child sums over the day's episodes, one row per name in MEANS
    sums: np.ndarray = field(init=False)
    episodes: int = 0

    def __post_init__(self) -> None:
        self.sums = np.zeros((len(MEANS), self.n_children))
        for name in COUNTS:
            self.counts[name] = 0
        for name in ("bids", "adult_ruptures"):
            self.by_figure[name] = np.zeros(self.n_figures, np.int64)

    @property
    def means(self) -> dict[str, np.ndarray]:
        """Per-child mean of each of MEANS over the day's episodes so far."""
        return {name: self.sums[i] / max(self.episodes, 1) for i, name in enumerate(MEANS)}

    def add(self, record: EpisodeRecord, children: Children) -> None:
        c = self.counts
        counts = np.bincount(record.bid_type[record.bid_type >= 0], minlength=len(BID_TYPES))
        for i, name in enumerate(BID_TYPES):
            c[f"bids_{name}"] += int(counts[i])
        for key, values in (
            ("responses", record.answered),
            ("warm_responses", record.warm),
            ("adult_ruptures", record.adult_rupture),
            ("tantrums", record.tantrum),
            ("intrusions", record.intruded),
        ):
            c[key] += int(np.count_nonzero(values))
        c["repairs"] += int(record.repairs.sum())
        c["unrepaired_ruptures"] += int(record.unrepaired.sum())
        for i, name in enumerate(MEANS):
            self.sums[i] += getattr(children, name)
        self.by_figure["bids"] += np.bincount(record.target[record.bid_type >= 0], minlength=self.n_figures)
        self.by_figure["adult_ruptures"] += np.bincount(record.target[record.adult_rupture], minlength=self.n_figures)
        self.episodes += 1


def summary_row(
    day: int, school_day: bool, tally: Day, children: Children, figures: Figures, codes: np.ndarray
) -> dict:
    """One row of the daily population summary; ``codes`` are the strategies (n, k) of :func:`strategies`."""
    row: dict = {
        "day": day,
        "phase": "history" if day < 0 else "scenario",
        "school_day": school_day,
        "age_years": float(children.age_days.mean() / DAYS_PER_YEAR),
    }
    for name, per_child in tally.means.items():
        row[name] = float(per_child.mean())
        row[f"{name}_sd"] = float(per_child.std())
    row["competence"] = float(children.competence.mean())
    row["competence_sd"] = float(children.competence.std())
    row["children"] = children.n
    row["bids"] = sum(tally.counts[f"bids_{t}"] for t in BID_TYPES)
    row.update(tally.counts)
    primary = primary_figure(children, figures)
    has = primary >= 0
    strategy = codes[np.flatnonzero(has), primary[has]]
    counts = np.bincount(strategy, minlength=len(STRATEGIES))
    for i, name in enumerate(STRATEGIES):
        row[f"share_{name}"] = counts[i] / max(int(has.sum()), 1)
    return row


def relationship_rows(day: int, tally: Day, children: Children, figures: Figures, codes: np.ndarray) -> list[dict]:
    """Daily rows, one per figure, over the children who have a relationship with it."""
    rows = []
    in_life = children.known & figures.active
    for k, name in enumerate(figures.names):
        who = in_life[:, k]
        n = int(who.sum())
        if n == 0:
            continue
        if n == children.n:
            who = slice(None)  # everyone: a view, not a copy of every array (large populations)
        counts = np.bincount(codes[who, k], minlength=len(STRATEGIES))
        row = {
            "day": day,
            "figure": name,
            "children": n,
            "trust": float(children.trust[who, k].mean()),
            "unpredictability": float(children.unpredictability[who, k].mean()),
            "fear": float(children.fear[who, k].mean()),
            "gain": float(children.gain[who, k].mean()),
            "bids": int(tally.by_figure["bids"][k]),
            "adult_ruptures": int(tally.by_figure["adult_ruptures"][k]),
        }
        row.update({f"share_{s}": counts[i] / n for i, s in enumerate(STRATEGIES)})
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

    def add(self, record: EpisodeRecord, children: Children) -> None:
        c = self.counts
        for i, name in enumerate(BID_TYPES):
            c[f"bids_{name}"] += record.bid_type == i
        c["responses"] += record.answered
        c["warm_responses"] += record.warm
        c["adult_ruptures"] += record.adult_rupture
        c["tantrums"] += record.tantrum
        c["repairs"] += record.repairs.astype(np.int32)
        c["unrepaired_ruptures"] += record.unrepaired.astype(np.int32)
        c["intrusions"] += record.intruded
        for i, name in enumerate(MEANS):
            self.sum_matrix[i] += getattr(children, name)
        self.episodes += 1


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
