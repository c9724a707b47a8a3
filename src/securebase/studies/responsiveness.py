"""Responsiveness (S1, S2): the dose-response of anxiety, and of what anxiety frees, to each of the five qualities.

Design. One population of children from birth, split into arms of equal size.
An arm sets ONE of the five caregiving qualities (consistency, appropriateness,
sensitivity, warmth, reliability) to a level (0.3, 0.5, 0.7 or 0.9); every
other trait of the caregiver is held at the normative preset's mean, as a fixed
number. Fixed numbers rather than the preset's distributions: the question is
what one quality does with everything else equal, and the spread of the other
traits would only add noise that is the same in every arm (the population
question, where the qualities vary together, is not this one). The arms are
blocks of children in one simulation whose caregiver's traits are set per
block after the figures are drawn (a change of the caregivers, never of the
child's mechanisms); one population pays the engine's fixed cost per day once
instead of twenty times. Children are not paired across arms (each child has
its own random numbers), so intervals are for independent groups.

Outcomes per child over the period from birth (a year at full size): mean anxiety, felt security and
exploration over every episode, and the competence gained.

Findings.
- S1, one per quality: the slope of each child's mean anxiety on the level of
  that quality (least squares over the children of that quality's arms);
  the claim predicts a negative slope.
- S2: across the twenty arms, the slope of the arm's mean felt security,
  exploration and competence gain on the arm's mean anxiety (t interval on
  18 degrees of freedom). The arms vary anxiety by varying care, so the slope
  says whether where care lowers anxiety the child feels more secure, explores
  and learns more (predicted negative). Arm means are used rather than
  children because within an arm exploration is computed from the same
  episode's anxiety, so a correlation across children would partly restate
  the formula rather than test the claim.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.simulation import Simulation
from securebase.model.state import QUALITIES
from securebase.plotting import Figure, figure_png, subplots
from securebase.scenario.caregiving import fixed_caregiving
from securebase.scenario.schema import Caregiving, Scenario
from securebase.studies import statistics
from securebase.studies.base import Finding, MinimumEffect, Progress, Size, Study, StudyResult
from securebase.studies.running import KERNEL, run_until

LEVELS: tuple[float, ...] = (0.3, 0.5, 0.7, 0.9)
CAREGIVER = "parent"
BASE_PRESET = "normative"
#: children per arm and days from birth, by size
SIZES = {"quick": (60, 150), "full": (200, 365)}
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("mean_anxiety", "anxiety (mean over episodes)"),
    ("mean_felt_security", "felt security (mean over episodes)"),
    ("mean_exploration", "exploration (mean over episodes)"),
    ("competence_gain", "competence gained over the period"),
)


def base_caregiving() -> Caregiving:
    """Every trait at the normative preset's mean, as a fixed number; the qualities uncorrelated."""
    return fixed_caregiving(BASE_PRESET)


def arms() -> list[tuple[str, float]]:
    """(quality, level) of each arm, in order."""
    return [(quality, level) for quality in QUALITIES for level in LEVELS]


def scenario(n_per_arm: int, days: int) -> Scenario:
    return Scenario(
        name="responsiveness",
        population={"n_children": n_per_arm * len(arms()), "start_age_years": 0.0},
        figures=[{"name": CAREGIVER, "caregiving": base_caregiving(), "availability": {"home": 0.9}}],
        schedule={"days": days},
    )


def assign_arms(simulation: Simulation, n_per_arm: int) -> pd.DataFrame:
    """Set each block's caregiver quality to its arm's level; one row per child naming its arm."""
    rows = []
    for index, (quality, level) in enumerate(arms()):
        block = slice(index * n_per_arm, (index + 1) * n_per_arm)
        simulation.change_care(CAREGIVER, {quality: level}, who=block)
        rows.append(pd.DataFrame({"quality": quality, "level": level}, index=range(n_per_arm)))
    table = pd.concat(rows, ignore_index=True)
    table.insert(0, "child", np.arange(len(table)))
    return table


def arm_means(children: pd.DataFrame) -> pd.DataFrame:
    """One row per arm: each outcome's mean with its 95% interval."""
    rows = []
    for (quality, level), group in children.groupby(["quality", "level"], sort=False):
        row = {"quality": quality, "level": level, "n_children": len(group)}
        for column, _ in OUTCOMES:
            e = statistics.mean(group[column].to_numpy())
            row.update({column: e.value, f"{column}_low": e.low, f"{column}_high": e.high})
        rows.append(row)
    return pd.DataFrame(rows)


#: S1: the smallest slope of anxiety on one quality that would matter (anxiety per unit of the quality). The reason
#: (5 points over the levels studied, 0.3 to 0.9) implies a slope of 0.05 / 0.6; until issue 28 the value was 0.05
#: (5 points per whole unit of the quality), which disagreed with its own reason: corrected to what the reason says,
#: an inconsistency, not a change because of a result (docs/studies.md, "Re-posed findings")
S1_MINIMUM = MinimumEffect(
    0.05 / (LEVELS[-1] - LEVELS[0]),
    "5 points of anxiety (0-1) from the lowest to the highest level of one quality (0.3 to 0.9, a slope of 0.05 / 0.6): "
    "less would not calm a child",
)
#: S2: the smallest slope of each outcome on anxiety across arms that would matter (outcome per unit of anxiety)
S2_MINIMUM = {
    "mean_felt_security": MinimumEffect(
        0.25, "20 points less anxiety (a large difference in care) should bring at least 5 points more felt security"
    ),
    "mean_exploration": MinimumEffect(
        0.25, "20 points less anxiety (a large difference in care) should bring at least 5 points more exploration"
    ),
    "competence_gain": MinimumEffect(
        0.05,
        "20 points less anxiety should bring 1 point more competence: a tenth of a typical year's growth "
        "(0.0008 a day while exploring, about 0.1 a year)",
    ),
}


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    n_per_arm, days = SIZES[size]
    simulation = Simulation(scenario(n_per_arm, days), seed=seed, params=params, kernel=KERNEL)
    assignment = assign_arms(simulation, n_per_arm)
    progress.reset(total=days)
    run_until(simulation, simulation.end_day, progress)
    outcomes = simulation.results().children[["child", *(c for c, _ in OUTCOMES)]]
    children = assignment.merge(outcomes, on="child")
    by_arm = arm_means(children)

    findings = []
    for quality in QUALITIES:
        rows = children[children["quality"] == quality]
        findings.append(
            Finding(
                claim="S1",
                statistic=f"slope of mean anxiety on {quality} (per child, other traits at normative means)",
                estimate=statistics.slope(rows["level"].to_numpy(), rows["mean_anxiety"].to_numpy()),
                expected=-1,
                units=f"anxiety (0-1) per unit of {quality} (0-1)",
                minimum_effect=S1_MINIMUM,
            )
        )
    for column, label in OUTCOMES[1:]:
        findings.append(
            Finding(
                claim="S2",
                statistic=f"slope of {label} on mean anxiety, across the {len(by_arm)} arms of care (arm means)",
                estimate=statistics.slope(by_arm["mean_anxiety"].to_numpy(), by_arm[column].to_numpy()),
                expected=-1,
                units=f"{column} per unit of anxiety (0-1)",
                minimum_effect=S2_MINIMUM[column],
            )
        )

    n_total = len(children)
    caption = (
        f"children from birth, {days} days; one quality varied per arm, the other traits at the normative means; "
        f"N = {n_per_arm} per arm ({n_total} in all), seed {seed}"
    )
    fig = _figure(by_arm, caption)
    design = (
        f"One population of {n_total} children from birth, {days} days ({days / 7:.0f} weeks) of care by one "
        f"caregiver (present 90% of home episodes). {len(arms())} arms, N = {n_per_arm} children each: one of the "
        f"five qualities set to {', '.join(str(v) for v in LEVELS)}, every other trait fixed at the normative "
        f"preset's mean. Fused kernel, seed {seed}."
    )
    reading = (
        "Each panel shows one outcome against the level of a quality, one line per quality, with 95% intervals of "
        "the arm mean. S1 holds for a quality where its anxiety line falls as the level rises (a negative slope "
        "whose interval excludes zero); a flat line means that quality, on its own, does not calm the child in the "
        "model. S2 holds where the arms with lower anxiety show higher felt security, exploration and competence "
        "gain: the mirror image of the anxiety panel."
    )
    return StudyResult(
        name=STUDY.name,
        claims=STUDY.claims,
        size=size,
        seed=seed,
        design=design,
        findings=findings,
        tables={"children": children, "arms": by_arm},
        figure_png=figure_png(fig),
        reading=reading,
    )


def _figure(by_arm: pd.DataFrame, caption: str) -> Figure:
    fig, axes = subplots(2, 2, figsize=(11, 8), sharex=True, layout="constrained")
    offsets = np.linspace(-0.02, 0.02, len(QUALITIES))
    for ax, (column, label) in zip(axes.ravel(), OUTCOMES, strict=True):
        for offset, quality in zip(offsets, QUALITIES, strict=True):
            rows = by_arm[by_arm["quality"] == quality]
            y = rows[column].to_numpy()
            error = np.vstack([y - rows[f"{column}_low"].to_numpy(), rows[f"{column}_high"].to_numpy() - y])
            ax.errorbar(rows["level"] + offset, y, yerr=error, marker="o", capsize=3, label=quality)
        ax.set_title(label)
        ax.set_ylabel(f"{column} (0-1 scale)")
    for ax in axes[1]:
        ax.set_xlabel("level of the varied quality (0-1)")
    axes[0, 0].legend(title="quality varied", fontsize=8)
    fig.suptitle(f"Dose-response to each caregiving quality (bars: 95% intervals)\n{caption}", fontsize=10)
    return fig


STUDY = Study(
    name="responsiveness",
    claims=("S1", "S2"),
    sentence=(
        "A secure base relationship develops when parents and other responsible adults reduce a child’s anxiety "
        "by responding to their needs consistently, appropriately, sensitively, warmly and reliably. When anxiety "
        "is reduced, the child feels secure and is able to explore, to think and to enjoy play and learning."
    ),
    question=(
        "Does raising each of the five qualities of care on its own, with the caregiver otherwise ordinary, lower "
        "the child's anxiety in the months after birth? And do the children whose care keeps anxiety lower feel more "
        "secure, explore more and learn more? A falling anxiety line for every quality, and rising security, "
        "exploration and competence where anxiety is low, support the claim; a flat or rising anxiety line for a "
        "quality contradicts it for that quality."
    ),
    run=run,
)
