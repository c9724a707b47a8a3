"""Exploration support (S6): comfort alone, comfort with support for exploration, and support that intrudes.

Design. Three arms on the same seed (common random numbers, `running.run_arms`):
child i meets the same needs in every arm. Children are followed from birth
through early childhood with one caregiver (present 90% of home episodes)
whose comfort is that of the ``responsive`` preset (consistency, sensitivity,
warmth, reliability; rare ruptures, promptly repaired):

- comfort only: ``exploration_support`` 0.1, ``intrusiveness`` 0.15 (the
  responsive preset's);
- comfort and support: the same comfort, ``exploration_support`` 0.9;
- intrusive support: ``exploration_support`` 0.9 but ``intrusiveness`` 0.8.

Intrusion is its own trait (model v2, docs/model.md §9): a figure with the
child intrudes on its exploration with probability ``intrusiveness`` x
``intrusion_rate`` per episode, and an intrusion cuts that episode's
exploration by ``intrusion_cost`` (Ainsworth's cooperation-interference scale;
Feeney & Thrush 2010, non-interference), so the intrusive arm differs from
comfort and support in intrusion alone. ``exploration_support`` raises
exploration itself from a trusted figure (encouragement) and multiplies what
exploring teaches while the figure is with the child (§9); it does not change
comfort, so the first two arms have the same anxiety and felt security up to
what more exploring brings.

Outcomes per child over the period: competence gained, mean exploration,
mean felt security and mean anxiety over every episode, intrusions.

Findings (claim S6): competence gain, comfort and support minus comfort only
(+); exploration, intrusive minus non-intrusive support (-); competence gain,
intrusive minus non-intrusive support (-). Paired per child. The difference in
felt security between comfort and support and comfort only is reported in
``extra`` (comfort alone gives the same security, less development).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.plotting import Figure, figure_png, subplots
from securebase.scenario.caregiving import fixed_caregiving
from securebase.scenario.schema import Caregiving, Scenario
from securebase.studies import statistics
from securebase.studies.base import Finding, MinimumEffect, Progress, Size, Study, StudyResult
from securebase.studies.running import run_arms

CAREGIVER = "parent"
BASE_PRESET = "responsive"
#: (exploration_support, intrusiveness) of each arm
ARMS: dict[str, tuple[float, float]] = {
    "comfort only": (0.1, 0.15),
    "comfort and support": (0.9, 0.15),
    "intrusive support": (0.9, 0.8),
}
#: children per arm and days from birth
SIZES = {"quick": (150, 240), "full": (1000, 730)}
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("competence_gain", "competence gained over the period"),
    ("mean_exploration", "exploration (mean over episodes)"),
    ("mean_felt_security", "felt security (mean over episodes)"),
    ("mean_anxiety", "anxiety (mean over episodes)"),
)


def caregiver(exploration_support: float, intrusiveness: float) -> Caregiving:
    """The responsive preset as fixed numbers, with the arm's support and intrusiveness."""
    return fixed_caregiving(BASE_PRESET, exploration_support=exploration_support, intrusiveness=intrusiveness)


def scenarios(n: int, days: int) -> dict[str, Scenario]:
    return {
        arm: Scenario(
            name="exploration-support",
            population={"n_children": n, "start_age_years": 0.0},
            figures=[{"name": CAREGIVER, "caregiving": caregiver(*traits), "availability": {"home": 0.9}}],
            schedule={"days": days},
        )
        for arm, traits in ARMS.items()
    }


def arm_means(children: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for arm, group in children.groupby("arm", sort=False):
        support, intrusiveness = ARMS[arm]
        row = {
            "arm": arm,
            "exploration_support": support,
            "intrusiveness": intrusiveness,
            "n_children": len(group),
        }
        for column, _ in OUTCOMES:
            e = statistics.mean(group[column].to_numpy())
            row.update({column: e.value, f"{column}_low": e.low, f"{column}_high": e.high})
        row["intrusions_per_child"] = float(group["intrusions"].mean())
        rows.append(row)
    return pd.DataFrame(rows)


#: S6: the smallest difference in competence gained that would matter
S6_COMPETENCE_MINIMUM = MinimumEffect(
    0.01, "a point of competence (0-1): a tenth of a typical year's growth (0.0008 a day while exploring, about 0.1 a year)"
)
#: S6: the smallest difference in exploration that would matter
S6_EXPLORATION_MINIMUM = MinimumEffect(0.05, "5 points of exploration (share of an episode): less would go unseen")


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    n, days = SIZES[size]
    results = run_arms(scenarios(n, days), seed, params, progress)
    columns = ["child", *(c for c, _ in OUTCOMES), "intrusions", "strategy"]
    tables = []
    for arm, result in results.items():
        table = result.children[columns].copy()
        table.insert(0, "arm", arm)
        tables.append(table)
    children = pd.concat(tables, ignore_index=True)
    by_arm = arm_means(children)
    arm = {name: children[children["arm"] == name].sort_values("child") for name in ARMS}

    def paired(a: str, b: str, column: str) -> statistics.Estimate:
        return statistics.paired_difference(arm[a][column].to_numpy(), arm[b][column].to_numpy())

    findings = [
        Finding(
            claim="S6",
            statistic="competence gained, comfort and support minus comfort only (paired per child)",
            estimate=paired("comfort and support", "comfort only", "competence_gain"),
            expected=1,
            units="competence (0-1 scale)",
            minimum_effect=S6_COMPETENCE_MINIMUM,
        ),
        Finding(
            claim="S6",
            statistic="exploration (mean over episodes), intrusive support minus support without intruding (paired)",
            estimate=paired("intrusive support", "comfort and support", "mean_exploration"),
            expected=-1,
            units="share of an episode spent exploring (0-1)",
            minimum_effect=S6_EXPLORATION_MINIMUM,
        ),
        Finding(
            claim="S6",
            statistic="competence gained, intrusive support minus support without intruding (paired per child)",
            estimate=paired("intrusive support", "comfort and support", "competence_gain"),
            expected=-1,
            units="competence (0-1 scale)",
            minimum_effect=S6_COMPETENCE_MINIMUM,
        ),
    ]
    security = paired("comfort and support", "comfort only", "mean_felt_security")
    extra = {
        "felt_security_support_minus_comfort_only": security.value,
        "felt_security_support_minus_comfort_only_low": security.low,
        "felt_security_support_minus_comfort_only_high": security.high,
        "felt_security_comfort_only": float(arm["comfort only"]["mean_felt_security"].mean()),
        "competence_gain_ratio_support_to_comfort_only": float(
            arm["comfort and support"]["competence_gain"].mean() / arm["comfort only"]["competence_gain"].mean()
        ),
    }

    caption = (
        f"children from birth, {days} days with one caregiver of responsive comfort; "
        f"N = {n} per arm, the same children in every arm (common random numbers), seed {seed}"
    )
    fig = _figure(by_arm, caption)
    design = (
        f"Three arms of N = {n} children each from birth, {days} days ({days / 365.25:.0f} year(s)), all on seed "
        f"{seed} (common random numbers). One caregiver, present 90% of home episodes, with the responsive preset's "
        "comfort (consistency 0.92, sensitivity 0.88, warmth 0.90, reliability 0.90; ruptures 0.2 a day, 90% "
        "promptly repaired). Comfort only: exploration_support 0.1, intrusiveness 0.15. Comfort and support: "
        "exploration_support 0.9, intrusiveness 0.15. Intrusive support: exploration_support 0.9, "
        "intrusiveness 0.8 (intrusions in 32% of the episodes with the caregiver instead of 6%; comfort is the "
        "same). Compiled kernel."
    )
    reading = (
        "Each panel shows one outcome per arm with its 95% interval. Comfort alone is a good starting point: its "
        "felt security and anxiety are close to those of comfort with support (support changes no comfort; it "
        "raises exploration and what exploring teaches), yet the competence gained is larger when the caregiver "
        "also supports exploration; "
        "that gap, if its interval excludes zero, supports the claim that the key benefit is development, not "
        "comfort alone. The intrusive arm shows whether support that intrudes cuts exploration (and with it what "
        "exploring teaches); intrusion is its own trait, so the comfort is the same."
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
        extra=extra,
    )


def _figure(by_arm: pd.DataFrame, caption: str) -> Figure:
    fig, axes = subplots(1, len(OUTCOMES), figsize=(15, 4.6), layout="constrained")
    colours = ("tab:blue", "tab:green", "tab:purple")
    labels = [a.replace(" and ", " and\n").replace(" support", "\nsupport") for a in by_arm["arm"]]
    x = np.arange(len(by_arm))
    for ax, (column, label) in zip(axes, OUTCOMES, strict=True):
        y = by_arm[column].to_numpy()
        error = np.vstack([y - by_arm[f"{column}_low"].to_numpy(), by_arm[f"{column}_high"].to_numpy() - y])
        ax.bar(x, y, 0.6, yerr=error, capsize=4, color=colours)
        ax.set_xticks(x, labels, fontsize=8)
        ax.set_title(label, fontsize=9)
        ax.set_ylabel(f"{column} (0-1 scale)")
    fig.suptitle(
        "Comfort alone, comfort with support for exploration, and support that intrudes "
        "(error bars: 95% intervals, often narrower than the line)\n" + caption,
        fontsize=10,
    )
    return fig


STUDY = Study(
    name="exploration-support",
    claims=("S6",),
    sentence=(
        "It is important to emphasise that the key benefit of secure base relationships across the lifespan is "
        "that they provide a secure base for EXPLORATION AND DEVELOPMENT. It is not simply about receiving "
        "reliable comfort, although this is a good starting point."
    ),
    question=(
        "Children with equally comforting caregivers differ in whether the caregiver also supports their "
        "exploration, and whether that support intrudes. Do children whose caregiver comforts and supports "
        "exploration gain more competence than those who only receive comfort, with the same felt security? And "
        "does support that intrudes cut exploration? More competence with support, and less exploration with "
        "intrusion, support the claim; no difference contradicts the idea that the benefit goes beyond comfort."
    ),
    run=run,
)
