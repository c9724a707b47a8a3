"""Early weeks (S4): consistent against inconsistent care over the first six months, week by week.

Design. Two arms of the same children from birth (the same seed, so child i
meets the same needs in both: common random numbers, paired comparisons): one
caregiver from the ``responsive`` preset (consistent, responsive care) or
from the ``intermittent`` preset (warm when attending, but attention comes
and goes), for 26 weeks. Each arm is stepped a day at a time; at the end of
every week each child's trust in the caregiver (the working model,
``trust[:, 0]``) is read, and the run's per-child sums over episodes
(``simulation.totals``) give each child's mean anxiety, felt security and
exploration over that week's episodes. (The run's ``relationships`` table has
only per-day means over children, which would give no interval per child.)

Findings, over weeks 4-8 (the "early weeks"; days 21-56): per child, trust
(mean of the week-end readings), anxiety and exploration (means over the
episodes), consistent minus inconsistent care, paired per child with a t
interval. The claim predicts higher trust, lower anxiety and more exploration
under consistent care already in these weeks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.records import MEANS
from securebase.engine.simulation import Simulation
from securebase.plotting import Figure, figure_png, subplots
from securebase.scenario.schema import Scenario
from securebase.studies import statistics
from securebase.studies.base import Finding, MinimumEffect, Progress, Size, Study, StudyResult
from securebase.studies.running import KERNEL, run_until

CAREGIVER = "parent"
#: arm label -> caregiving preset
ARMS = {"consistent": "responsive", "inconsistent": "intermittent"}
WEEKS = 26
#: the early weeks the findings compare: weeks 4 to 8 of life (first and last week, inclusive)
EARLY_WEEKS = (4, 8)
#: children per arm, by size
SIZES = {"quick": 200, "full": 3000}
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("trust", "trust in the caregiver (week's end)"),
    ("mean_anxiety", "anxiety (mean over the week's episodes)"),
    ("mean_exploration", "exploration (mean over the week's episodes)"),
)


def scenario(caregiving: str, n: int) -> Scenario:
    return Scenario(
        name="early-weeks",
        population={"n_children": n, "start_age_years": 0.0},
        figures=[{"name": CAREGIVER, "caregiving": caregiving, "availability": {"home": 0.9}}],
        schedule={"days": WEEKS * 7},
    )


def weekly(simulation: Simulation, arm: str, progress: Progress) -> pd.DataFrame:
    """Step to the end week by week; one row per child and week."""
    k = simulation.figures.index(CAREGIVER)
    n = simulation.children.n
    frames = []
    sums, episodes = simulation.totals.sum_matrix.copy(), simulation.totals.episodes
    for week in range(1, WEEKS + 1):
        run_until(simulation, week * 7, progress)
        now, now_episodes = simulation.totals.sum_matrix.copy(), simulation.totals.episodes
        means = (now - sums) / max(now_episodes - episodes, 1)
        frame = {"arm": arm, "child": np.arange(n), "week": week, "trust": simulation.children.trust[:, k].copy()}
        frame.update({f"mean_{name}": means[i] for i, name in enumerate(MEANS)})
        frames.append(pd.DataFrame(frame))
        sums, episodes = now, now_episodes
    return pd.concat(frames, ignore_index=True)


def week_means(children: pd.DataFrame) -> pd.DataFrame:
    """One row per arm and week: each outcome's mean over children with its 95% interval."""
    rows = []
    for (arm, week), group in children.groupby(["arm", "week"], sort=False):
        row = {"arm": arm, "caregiving": ARMS[arm], "week": week, "n_children": len(group)}
        for column, _ in OUTCOMES:
            e = statistics.mean(group[column].to_numpy())
            row.update({column: e.value, f"{column}_low": e.low, f"{column}_high": e.high})
        rows.append(row)
    return pd.DataFrame(rows)


def early_means(children: pd.DataFrame, arm: str) -> pd.DataFrame:
    """Each child's mean of every outcome over the early weeks, in child order."""
    first, last = EARLY_WEEKS
    rows = children[(children["arm"] == arm) & children["week"].between(first, last)]
    return rows.groupby("child")[[c for c, _ in OUTCOMES]].mean().sort_index()


#: S4: the smallest difference in trust, anxiety or exploration (0-1 scales) that would matter
S4_MINIMUM = MinimumEffect(0.05, "5 points on a 0-1 scale: a smaller difference would not be seen in a child's week")


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    n = SIZES[size]
    progress.reset(total=WEEKS * 7 * len(ARMS))
    frames = []
    for arm, preset in ARMS.items():
        simulation = Simulation(scenario(preset, n), seed=seed, params=params, kernel=KERNEL)
        frames.append(weekly(simulation, arm, progress))
    children = pd.concat(frames, ignore_index=True)
    by_week = week_means(children)

    consistent, inconsistent = early_means(children, "consistent"), early_means(children, "inconsistent")
    first, last = EARLY_WEEKS
    findings = [
        Finding(
            claim="S4",
            statistic=f"{label.split(' (')[0]}, weeks {first}-{last}: consistent (responsive) minus inconsistent "
            "(intermittent) care (paired per child)",
            estimate=statistics.paired_difference(consistent[column].to_numpy(), inconsistent[column].to_numpy()),
            expected=expected,
            units="points on a 0-1 scale",
            minimum_effect=S4_MINIMUM,
        )
        for (column, label), expected in zip(OUTCOMES, (1, -1, 1), strict=True)
    ]

    caption = f"children from birth, {WEEKS} weeks; responsive vs intermittent caregiver; N = {n} per arm, seed {seed}"
    fig = _figure(by_week, caption)
    design = (
        f"Two arms of the same N = {n} children from birth (same seed: paired), {WEEKS} weeks ({WEEKS * 7} days) "
        "with one caregiver present 90% of home episodes: consistent care (the 'responsive' preset) or "
        f"inconsistent care (the 'intermittent' preset). Read weekly per child; findings over weeks {first}-{last}. "
        f"Fused kernel, seed {seed}."
    )
    reading = (
        "Each panel follows one outcome week by week under the two kinds of care, with 95% bands over children; "
        f"the grey span marks weeks {first}-{last}. The claim holds where, already in the grey span, the consistent "
        "line is above the inconsistent one for trust and exploration and below it for anxiety; lines that meet "
        "there, or cross the other way, would not show it (or contradict it)."
    )
    return StudyResult(
        name=STUDY.name,
        claims=STUDY.claims,
        size=size,
        seed=seed,
        design=design,
        findings=findings,
        tables={"children": children, "weeks": by_week},
        figure_png=figure_png(fig),
        reading=reading,
    )


def _figure(by_week: pd.DataFrame, caption: str) -> Figure:
    fig, axes = subplots(1, len(OUTCOMES), figsize=(15, 4.5), layout="constrained")
    first, last = EARLY_WEEKS
    for ax, (column, label) in zip(axes, OUTCOMES, strict=True):
        for arm, colour in zip(ARMS, ("tab:blue", "tab:red"), strict=True):
            rows = by_week[by_week["arm"] == arm]
            ax.plot(rows["week"], rows[column], color=colour, label=f"{arm} ({ARMS[arm]} preset)")
            ax.fill_between(rows["week"], rows[f"{column}_low"], rows[f"{column}_high"], color=colour, alpha=0.25)
        ax.axvspan(first - 0.5, last + 0.5, color="grey", alpha=0.15)
        ax.set_title(label)
        ax.set_xlabel("week of life")
        ax.set_ylabel(f"{column} (0-1 scale)")
    axes[0].legend(fontsize=8, title=f"care (grey: weeks {first}-{last})")
    fig.suptitle(
        f"The first six months under consistent and inconsistent care (bands: 95% intervals)\n{caption}", fontsize=10
    )
    return fig


STUDY = Study(
    name="early-weeks",
    claims=("S4",),
    sentence=(
        "If the caregiver responds consistently and meets the child’s needs, from the early weeks the child will "
        "start to relax, trust, explore their environment and enjoy play."
    ),
    question=(
        "Do the same infants, cared for from birth by a consistent, responsive caregiver rather than an "
        "intermittent one, already trust more, feel less anxious and explore more in weeks 4-8 of life? Higher "
        "trust, lower anxiety and more exploration in those weeks support the claim; no difference until much "
        "later, or the opposite, would not."
    ),
    run=run,
)
