"""Styles (S12): attachment strategies emerge from the pattern of care; none is assigned.

Design. One population of children from birth, split into four equal blocks;
each block's one caregiver has the traits of one pure pattern of care, the
caregiving presets ``responsive``, ``rejecting``, ``intermittent`` and
``frightening`` (every trait of these presets is a fixed number, so a block's
caregivers are all alike). The blocks are set on the figures after they are
drawn (a change of the caregivers, never of the child's mechanisms); one
population pays the engine's fixed cost per day once rather than four times.
Every child starts with the same newborn priors: nothing about a strategy is
given. At 12 months each child is observed in the Strange Situation
(``instruments.strange_situation``, on the moment scale, with the caregiver)
and coded A, B, C or D by one coder with the calibration's coding scheme
(``instruments.ssp_coding``), as in ``calibration/measure.py``.

Findings, one per pattern: the share of its children coded as the class the
pattern is expected to produce (responsive: B, rejecting: A, intermittent: C,
frightening: D) minus that class's share among the children of the other
three patterns pooled (Newcombe's interval for a difference of shares). The
pooled comparison asks for specificity: a pattern must produce its class more
than care in general does, not only more than responsive care. The claim
predicts positive differences.

The figure also shows, per classification (children of all four patterns
pooled), the mean behaviour in each of the eight episodes: the Strange
Situation's signature of each class, emerging from the same mechanisms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.simulation import Simulation
from securebase.instruments.ssp_coding import CLASS_STRATEGY, CLASSES, code
from securebase.instruments.strange_situation import EPISODE_NAMES, observe_strange_situation
from securebase.model.state import FIGURE_TRAITS
from securebase.plotting import PANELS, Figure, figure_png, subplot_mosaic
from securebase.scenario.caregiving import caregiving_presets
from securebase.scenario.schema import Scenario
from securebase.studies import statistics
from securebase.studies.base import Finding, MinimumEffect, Progress, Size, Study, StudyResult
from securebase.studies.running import KERNEL, run_until

CAREGIVER = "parent"
#: pattern of care (caregiving preset) -> the classification it is expected to produce
PATTERNS = {"responsive": "B", "rejecting": "A", "intermittent": "C", "frightening": "D"}
TWELVE_MONTHS = 365
#: children per pattern, by size
SIZES = {"quick": 150, "full": 1500}
CLASS_COLOURS = {"A": "tab:orange", "B": "tab:blue", "C": "tab:green", "D": "tab:red"}


def pattern_traits(preset: str) -> dict[str, float]:
    """The fixed traits of a pure pattern of care (the preset must give every trait as a number)."""
    care = caregiving_presets()[preset]
    traits = {name: getattr(care, name) for name in FIGURE_TRAITS}
    for name, value in traits.items():
        if not isinstance(value, float):
            raise TypeError(f"preset {preset!r} gives {name} as {value!r}, not a fixed number")
    return traits


def scenario(n_per_pattern: int) -> Scenario:
    return Scenario(
        name="styles",
        population={"n_children": n_per_pattern * len(PATTERNS), "start_age_years": 0.0},
        figures=[{"name": CAREGIVER, "caregiving": "responsive", "availability": {"home": 0.9}}],
        schedule={"days": TWELVE_MONTHS},
    )


def assign_patterns(simulation: Simulation, n_per_pattern: int) -> pd.DataFrame:
    """Give each block's caregiver the traits of its pattern; one row per child naming its pattern."""
    patterns = []
    for index, preset in enumerate(PATTERNS):
        block = slice(index * n_per_pattern, (index + 1) * n_per_pattern)
        simulation.change_care(CAREGIVER, pattern_traits(preset), who=block)
        patterns += [preset] * n_per_pattern
    return pd.DataFrame({"child": np.arange(len(patterns)), "care_pattern": patterns})


def distribution_table(children: pd.DataFrame) -> pd.DataFrame:
    """One row per pattern and class: the share coded as the class, with its Wilson interval."""
    rows = []
    for preset in PATTERNS:
        classes = children.loc[children["care_pattern"] == preset, "classification"].to_numpy()
        for c in CLASSES:
            e = statistics.share(classes == c)
            rows.append(
                {
                    "care_pattern": preset,
                    "classification": c,
                    "strategy": CLASS_STRATEGY[c],
                    "children": int((classes == c).sum()),
                    "share": e.value,
                    "share_low": e.low,
                    "share_high": e.high,
                }
            )
    return pd.DataFrame(rows)


def episode_profile(behaviour: pd.DataFrame) -> pd.DataFrame:
    """One row per classification, episode and behaviour: the mean over children with its 95% interval."""
    rows = []
    for (c, episode), group in behaviour.groupby(["classification", "episode"]):
        for column, _ in PANELS:
            values = group[column].to_numpy()
            e = statistics.mean(values) if len(values) > 1 else None
            rows.append(
                {
                    "classification": c,
                    "episode": episode,
                    "episode_number": EPISODE_NAMES.index(episode) + 1,
                    "behaviour": column,
                    "children": len(values),
                    "mean": float(values.mean()),
                    "low": e.low if e else np.nan,
                    "high": e.high if e else np.nan,
                }
            )
    return pd.DataFrame(rows).sort_values(["classification", "behaviour", "episode_number"], ignore_index=True)


#: S12: the smallest difference in the share coded as a pattern's class that would matter
S12_MINIMUM = MinimumEffect(0.05, "a risk difference of 5 percentage points, the usual smallest that matters")
#: the calibration targets that already require S12's direction (each pure pattern of care yields its class)
CALIBRATION_TARGETS = {
    "S12": ("emergence_responsive_B", "emergence_rejecting_A", "emergence_intermittent_C", "emergence_frightening_D")
}


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    n = SIZES[size]
    simulation = Simulation(scenario(n), seed=seed, params=params, kernel=KERNEL)
    assignment = assign_patterns(simulation, n)
    progress.reset(total=TWELVE_MONTHS)
    run_until(simulation, TWELVE_MONTHS, progress)
    strategy = simulation.results().children[["child", "strategy"]]
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    behaviour = observe_strange_situation(simulation.children, simulation.figures, CAREGIVER, rng, params)
    coded = code(behaviour, rng, calibration.coding)[["child", "classification"]]
    children = assignment.merge(strategy, on="child").merge(coded, on="child")
    behaviour = behaviour.merge(children[["child", "care_pattern", "classification"]], on="child")

    findings = []
    for preset, expected_class in PATTERNS.items():
        mine = children["care_pattern"] == preset
        hit = (children["classification"] == expected_class).to_numpy()
        findings.append(
            Finding(
                claim="S12",
                statistic=(
                    f"share coded {expected_class} ({CLASS_STRATEGY[expected_class]}) at 12 months: {preset} care "
                    "minus the other three patterns pooled"
                ),
                estimate=statistics.share_difference(hit[mine.to_numpy()], hit[~mine.to_numpy()]),
                expected=1,
                units="share of children",
                minimum_effect=S12_MINIMUM,
            )
        )

    distribution = distribution_table(children)
    profile = episode_profile(behaviour)
    caption = (
        f"children from birth to 12 months under one pure pattern of care, then the Strange Situation; "
        f"N = {n} per pattern, seed {seed}"
    )
    fig = _figure(distribution, profile, children, caption)
    design = (
        f"One population of {n * len(PATTERNS)} children from birth, in four blocks of N = {n}: one caregiver "
        f"(present 90% of home episodes) with the traits of the {', '.join(PATTERNS)} caregiving presets. "
        f"{TWELVE_MONTHS} days of developmental time, then the Strange Situation with the caregiver (moment scale, "
        f"8 episodes), coded by one coder with the calibration's coding scheme. Fused kernel, seed {seed}."
    )
    reading = (
        "The top panel shows, for each pattern of care, the share of its children coded A, B, C and D (bars: 95% "
        "intervals). The claim (strategies emerge from experience) is supported for a pattern where its expected "
        "class (responsive: B, rejecting: A, intermittent: C, frightening: D) is more common under it than under "
        "the other patterns. The lower panels show each class's behaviour through the eight episodes (grey: "
        "caregiver away), pooled over patterns: the signature by which the coder told the classes apart."
    )
    return StudyResult(
        name=STUDY.name,
        claims=STUDY.claims,
        size=size,
        seed=seed,
        design=design,
        findings=findings,
        tables={"children": children, "distribution": distribution, "episode_profile": profile},
        figure_png=figure_png(fig),
        reading=reading,
    )


def _figure(distribution: pd.DataFrame, profile: pd.DataFrame, children: pd.DataFrame, caption: str) -> Figure:
    mosaic = [["distribution"] * 3, [p for p, _ in PANELS[:3]], [p for p, _ in PANELS[3:]]]
    fig, axes = subplot_mosaic(mosaic, figsize=(14, 11), layout="constrained", height_ratios=(1.1, 1, 1))
    ax = axes["distribution"]
    x = np.arange(len(PATTERNS))
    width = 0.2
    for offset, c in enumerate(CLASSES):
        rows = distribution[distribution["classification"] == c].set_index("care_pattern").loc[list(PATTERNS)]
        share = rows["share"].to_numpy()
        error = np.vstack([share - rows["share_low"].to_numpy(), rows["share_high"].to_numpy() - share])
        ax.bar(
            x + (offset - 1.5) * width,
            share,
            width,
            yerr=error,
            capsize=3,
            color=CLASS_COLOURS[c],
            label=f"{c} ({CLASS_STRATEGY[c]})",
        )
    ax.set_xticks(x, [f"{p} care\n(expected {c})" for p, c in PATTERNS.items()])
    ax.set_ylabel("share of children (95% interval)")
    ax.set_ylim(0, 1)
    ax.set_title("Strange Situation classification at 12 months, by pattern of care")
    ax.legend(title="classification", fontsize=8)
    counts = children["classification"].value_counts()
    episodes = np.arange(1, len(EPISODE_NAMES) + 1)
    for column, title in PANELS:
        ax = axes[column]
        for c in CLASSES:
            rows = profile[(profile["classification"] == c) & (profile["behaviour"] == column)]
            if rows.empty:
                continue
            ax.plot(
                rows["episode_number"],
                rows["mean"],
                marker="o",
                color=CLASS_COLOURS[c],
                label=f"{c} (n = {counts.get(c, 0)})",
            )
            ax.fill_between(rows["episode_number"], rows["low"], rows["high"], color=CLASS_COLOURS[c], alpha=0.2)
        for away in (4, 6, 7):  # the caregiver is away in episodes 4, 6 and 7
            ax.axvspan(away - 0.5, away + 0.5, color="grey", alpha=0.12)
        ax.set_title(f"{title} by episode")
        ax.set_xticks(episodes)
        ax.set_xlabel("episode (grey: caregiver away)")
        ax.set_ylabel("mean over the episode (0-1 index)")
    axes[PANELS[0][0]].legend(title="classification", fontsize=8)
    fig.suptitle(f"Attachment strategies emerging from care (bands and bars: 95% intervals)\n{caption}", fontsize=10)
    return fig


STUDY = Study(
    name="styles",
    claims=("S12",),
    sentence=(
        "Now that we have explored the different attachment styles, we need to get a thorough understanding of WHY "
        "a secure base relationship is so important and HOW it affects relationships later on in life."
    ),
    question=(
        "If newborns with identical starting points each live their first year under one pure pattern of care "
        "(responsive, rejecting, intermittent or frightening), do the attachment styles the course describes "
        "(secure B, avoidant A, ambivalent C, disorganised D) emerge in the Strange Situation, each most often "
        "under the care expected to produce it? A style more common under its pattern than under the others "
        "supports the claim that styles emerge from experience; no difference, or the reverse, would not."
    ),
    run=run,
    calibration_targets=CALIBRATION_TARGETS,
)
