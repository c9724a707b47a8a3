"""Bids (S3): the mix of attachment behaviours by age, from birth to five years, under normative care.

Design. One population of children from birth under one caregiver drawn from
the normative preset (the ordinary spread of care), lived day by day to five
years. The run's per-child counters of bids by type (``simulation.totals``,
the ``bids_<type>`` counts of the children table) are read at the edges of
six age bands (0-3, 3-6 and 6-12 months, 1-2, 2-3 and 3-5 years); the
difference between two readings is each child's count of each type of bid in
that band. A child's share of a type in a band is that count over all the
child's bids in the band (children who sent no bid in a band have no share
there). All children are the same age, so a band of age is a band of
simulated days.

Children are the unit: every interval is over children, never over bids
(bids of one child are not independent). Findings are paired differences per
child between the first year and age 3-5 (children with bids in both bands):
the share of crying, and of the early repertoire taken together (crying,
reaching out and smiling), falls (predicted negative); the share of
approaching and of verbal support seeking rises (predicted positive).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.records import COUNTS
from securebase.engine.simulation import Simulation
from securebase.model.state import BID_TYPES
from securebase.plotting import Figure, figure_png, subplots
from securebase.scenario.schema import Scenario
from securebase.studies import statistics
from securebase.studies.base import Finding, MinimumEffect, Progress, Size, Study, StudyResult
from securebase.studies.running import KERNEL, run_until

CAREGIVER = "parent"
CAREGIVING = "normative"
#: (label, first day, end day) of each age band, days from birth
BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-3 months", 0, 91),
    ("3-6 months", 91, 183),
    ("6-12 months", 183, 365),
    ("1-2 years", 365, 730),
    ("2-3 years", 730, 1096),
    ("3-5 years", 1096, 1826),
)
DAYS = BANDS[-1][2]
#: the bands compared by the findings: the first year and age 3-5
EARLY, LATE = ("0-3 months", "3-6 months", "6-12 months"), ("3-5 years",)
EARLY_REPERTOIRE = ("crying", "smiling", "reaching")
#: children, by size
SIZES = {"quick": 50, "full": 500}
COLOURS = {
    "crying": "tab:red",
    "smiling": "tab:orange",
    "reaching": "tab:olive",
    "approaching": "tab:green",
    "verbal": "tab:blue",
}


def scenario(n: int) -> Scenario:
    return Scenario(
        name="bids",
        population={"n_children": n, "start_age_years": 0.0},
        figures=[{"name": CAREGIVER, "caregiving": CAREGIVING, "availability": {"home": 0.9}}],
        schedule={"days": DAYS},
    )


def bid_counts(simulation: Simulation) -> np.ndarray:
    """Each child's bids so far by type, shape (len(BID_TYPES), n)."""
    rows = [COUNTS.index(f"bids_{t}") for t in BID_TYPES]
    return simulation.totals.count_matrix[rows].astype(np.int64)


def counts_by_band(simulation: Simulation, progress: Progress) -> pd.DataFrame:
    """Step through the bands; one row per child and band with the bids of each type sent in it."""
    frames = []
    before = bid_counts(simulation)
    for label, first, end in BANDS:
        run_until(simulation, end, progress)
        after = bid_counts(simulation)
        frame = {"child": np.arange(simulation.children.n), "age_band": label, "first_day": first, "end_day": end}
        frame.update({f"bids_{t}": after[i] - before[i] for i, t in enumerate(BID_TYPES)})
        frames.append(pd.DataFrame(frame))
        before = after
    return pd.concat(frames, ignore_index=True)


def add_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Per-child shares of each type in each band (NaN where the child sent no bid)."""
    table = counts.copy()
    table["bids"] = table[[f"bids_{t}" for t in BID_TYPES]].sum(axis=1)
    total = table["bids"].where(table["bids"] > 0)
    for t in BID_TYPES:
        table[f"share_{t}"] = table[f"bids_{t}"] / total
    return table


def pooled_shares(table: pd.DataFrame, bands: tuple[str, ...]) -> pd.DataFrame:
    """Each child's shares over several bands (counts summed first), one row per child."""
    rows = table[table["age_band"].isin(bands)].groupby("child")[[f"bids_{t}" for t in BID_TYPES]].sum()
    total = rows.sum(axis=1).where(lambda s: s > 0)
    return pd.DataFrame({t: rows[f"bids_{t}"] / total for t in BID_TYPES})


def band_means(table: pd.DataFrame) -> pd.DataFrame:
    """One row per band and type: mean per-child share with its 95% interval."""
    rows = []
    for label, first, end in BANDS:
        band = table[table["age_band"] == label]
        with_bids = band[band["bids"] > 0]
        for t in BID_TYPES:
            e = statistics.mean(with_bids[f"share_{t}"].to_numpy())
            rows.append(
                {
                    "age_band": label,
                    "first_day": first,
                    "end_day": end,
                    "bid_type": t,
                    "share": e.value,
                    "share_low": e.low,
                    "share_high": e.high,
                    "children_with_bids": len(with_bids),
                    "mean_bids_per_child": float(band["bids"].mean()),
                }
            )
    return pd.DataFrame(rows)


#: S3: the smallest change in a bid type's share of a child's bids that would matter
S3_MINIMUM = MinimumEffect(0.05, "5 percentage points of a child's bids: a smaller shift would not change the repertoire")


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    n = SIZES[size]
    simulation = Simulation(scenario(n), seed=seed, params=params, kernel=KERNEL)
    progress.reset(total=DAYS)
    table = add_shares(counts_by_band(simulation, progress))
    by_band = band_means(table)

    early, late = pooled_shares(table, EARLY), pooled_shares(table, LATE)
    both = early.dropna().index.intersection(late.dropna().index)
    early, late = early.loc[both], late.loc[both]
    comparisons = (
        ("crying", ("crying",), -1),
        ("crying, reaching out and smiling together", EARLY_REPERTOIRE, -1),
        ("approaching", ("approaching",), 1),
        ("verbal support seeking", ("verbal",), 1),
    )
    findings = [
        Finding(
            claim="S3",
            statistic=f"share of bids that are {label}, age 3-5 years minus the first year (paired per child)",
            estimate=statistics.paired_difference(
                late[list(types)].sum(axis=1).to_numpy(), early[list(types)].sum(axis=1).to_numpy()
            ),
            expected=expected,
            units="share of a child's bids (0-1)",
            minimum_effect=S3_MINIMUM,
        )
        for label, types, expected in comparisons
    ]

    caption = f"normative care, children from birth to 5 years; N = {n}, seed {seed}"
    fig = _figure(by_band, caption)
    design = (
        f"One population of N = {n} children from birth to 5 years ({DAYS} days), one caregiver drawn from the "
        f"'{CAREGIVING}' preset (present 90% of home episodes). Each child's bids by type counted in six age bands "
        f"({', '.join(b[0] for b in BANDS)}); {len(both)} children bid both in the first year and at 3-5 years. "
        f"Fused kernel, seed {seed}."
    )
    reading = (
        "The left panel stacks the mean share of each bid type in each age band; the right panel shows the same "
        "shares as lines with 95% intervals over children. The claim holds where crying (and the early repertoire "
        "of crying, reaching out and smiling) gives way with age to approaching and verbal support seeking: "
        "red, orange and olive lower at 3-5 years than in the first year, green and blue higher (approaching may "
        "peak in the toddler years and then yield to words). Shares that stayed flat, or moved the other way, "
        "would contradict it."
    )
    return StudyResult(
        name=STUDY.name,
        claims=STUDY.claims,
        size=size,
        seed=seed,
        design=design,
        findings=findings,
        tables={"children": table, "age_bands": by_band},
        figure_png=figure_png(fig),
        reading=reading,
        extra={"children_compared": float(len(both))},
    )


def _figure(by_band: pd.DataFrame, caption: str) -> Figure:
    fig, (stacked, lines) = subplots(1, 2, figsize=(13, 5), layout="constrained")
    labels = [b[0] for b in BANDS]
    x = np.arange(len(labels))
    bottom = np.zeros(len(labels))
    for t in BID_TYPES:
        rows = by_band[by_band["bid_type"] == t].set_index("age_band").loc[labels]
        share = rows["share"].to_numpy()
        stacked.bar(x, share, bottom=bottom, color=COLOURS[t], label=t, width=0.7)
        bottom += share
        error = np.vstack([share - rows["share_low"].to_numpy(), rows["share_high"].to_numpy() - share])
        lines.errorbar(x, share, yerr=error, marker="o", capsize=3, color=COLOURS[t], label=t)
    for ax in (stacked, lines):
        ax.set_xticks(x, labels, rotation=20)
        ax.set_xlabel("age band")
    stacked.set_ylabel("mean share of a child's bids")
    stacked.set_title("Mix of bid types by age (stacked mean shares)")
    stacked.legend(title="bid type", fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    lines.set_ylabel("mean share of a child's bids (95% interval over children)")
    lines.set_title("Each bid type's share by age")
    fig.suptitle(
        f"Attachment behaviours by age: crying, smiling, reaching, approaching, verbal\n{caption}", fontsize=10
    )
    return fig


STUDY = Study(
    name="bids",
    claims=("S3",),
    sentence=(
        "Attachment behaviours include crying, reaching out and smiling, moving on to approaching and seeking "
        "support verbally."
    ),
    question=(
        "Under ordinary care, how does the mix of a child's bids for a caregiver change from birth to five years? "
        "The claim is supported if crying, reaching out and smiling make up less of a child's bids at 3-5 years "
        "than in the first year while approaching and verbal support seeking make up more; it is contradicted if "
        "the mix stays the same or moves the other way."
    ),
    run=run,
)
