"""Repair (S5): the same ruptures left unrepaired, repaired late, or repaired promptly.

Design. Two sets of three arms, each set run on the same seed (common random
numbers, `running.run_arms`): child i meets the same needs, the same attention
and, since the rupture rate is the same in every arm, the same adult ruptures
(a rupture opens when the episode's uniform falls below the rate, whatever the
arm). Only the caregiver's repair habits differ between arms:

- no repair: ``repair_propensity`` 0;
- slow repair: ``repair_propensity`` 0.9, mean ``repair_latency_days`` 1.5
  (a repair a day or two later, which mends almost nothing since model v3's
  repair timescale of minutes: docs/model.md §8);
- prompt repair: ``repair_propensity`` 0.9, mean latency 0.05 days (about an
  hour, within the episode or the next: a repair at the mean latency mends
  about three quarters).

Every other trait of the caregiver is fixed at the normative preset's mean.

- Adult ruptures (apology): the caregiver loses its temper or is unfair once
  a day on average (``rupture_rate`` 1.0, twice the normative mean), children
  followed from birth.
- Child ruptures (tantrums, soothing): the same caregiver with
  ``rupture_rate`` 0, so every rupture is a tantrum; children live their
  history from birth with that caregiver and are followed over the ages when
  tantrums are most frequent (from 2 years at full size; docs/model.md §8).
  In the model an unrepaired tantrum costs trust but, unlike an adult
  rupture, frightens no one (model/ruptures.py): so tantrum repair can move
  trust, anxiety and exploration, and the strategy only through them. Since
  model v3 a tantrum is also a bid of full intensity, answered or not by the
  caregiver in the moment (docs/model.md §6) the same way in every arm; the
  arms differ only in the repair that follows.

Outcomes per child: trust in the caregiver and the strategy (secure or not)
at the end of the period, fear of the caregiver at the end, mean anxiety and
mean exploration over every episode of the period.

Findings (claim S5), for each kind of rupture: prompt repair minus no repair,
and prompt repair minus slow repair, on trust (+), the share secure (+),
exploration (+) and anxiety (-). Arms share their random numbers, so the
differences are paired per child (t interval of the per-child differences).
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
BASE_PRESET = "normative"
#: the caregiver's repair habits in each arm: (repair_propensity, repair_latency_days)
REPAIR_ARMS: dict[str, tuple[float, float]] = {
    "no repair": (0.0, 0.2),
    "slow repair": (0.9, 1.5),
    "prompt repair": (0.9, 0.05),
}
#: adult ruptures per day in the apology arms
ADULT_RUPTURE_RATE = 1.0
#: children per arm; adult arms: days from birth; tantrum arms: start age (years, history lived) and days
SIZES = {
    "quick": {"n": 150, "adult_days": 270, "tantrum_start": 1.5, "tantrum_days": 270},
    "full": {"n": 800, "adult_days": 730, "tantrum_start": 2.0, "tantrum_days": 730},
}
KINDS: dict[str, str] = {
    "adult": "adult ruptures (apology)",
    "tantrum": "tantrums (soothing)",
}
#: (column, label, expected sign of prompt minus none)
OUTCOMES: tuple[tuple[str, str, int], ...] = (
    ("trust", "trust in the caregiver at the end", 1),
    ("secure", "share secure (strategy read-out) at the end", 1),
    ("mean_exploration", "exploration (mean over episodes)", 1),
    ("mean_anxiety", "anxiety (mean over episodes)", -1),
)


def caregiver(repair_propensity: float, repair_latency_days: float, rupture_rate: float) -> Caregiving:
    """The normative preset's means as fixed numbers, with the given rupture and repair habits."""
    return fixed_caregiving(
        BASE_PRESET,
        rupture_rate=rupture_rate,
        repair_propensity=repair_propensity,
        repair_latency_days=repair_latency_days,
    )


def scenarios(kind: str, size: Size) -> dict[str, Scenario]:
    """The three repair arms of one kind of rupture."""
    s = SIZES[size]
    if kind == "adult":
        population = {"n_children": s["n"], "start_age_years": 0.0}
        days, rate = s["adult_days"], ADULT_RUPTURE_RATE
    else:
        population = {"n_children": s["n"], "start_age_years": s["tantrum_start"], "history": "simulate"}
        days, rate = s["tantrum_days"], 0.0
    return {
        arm: Scenario(
            name=f"repair-{kind}",
            population=population,
            figures=[
                {
                    "name": CAREGIVER,
                    "caregiving": caregiver(propensity, latency, rate),
                    "availability": {"home": 0.9},
                }
            ],
            schedule={"days": days},
        )
        for arm, (propensity, latency) in REPAIR_ARMS.items()
    }


def child_rows(kind: str, arm: str, results) -> pd.DataFrame:
    """One row per child of one arm: the outcomes and the ruptures it met."""
    children = results.children
    figures = results.child_figures
    mine = figures[figures["figure"] == CAREGIVER].set_index("child").loc[children["child"]]
    return pd.DataFrame(
        {
            "rupture_kind": kind,
            "arm": arm,
            "child": children["child"].to_numpy(),
            "trust": mine["trust"].to_numpy(),
            "fear": mine["fear"].to_numpy(),
            "strategy": children["strategy"].to_numpy(),
            "secure": (children["strategy"] == "secure").to_numpy(),
            "mean_exploration": children["mean_exploration"].to_numpy(),
            "mean_anxiety": children["mean_anxiety"].to_numpy(),
            "competence_gain": children["competence_gain"].to_numpy(),
            "adult_ruptures": children["adult_ruptures"].to_numpy(),
            "tantrums": children["tantrums"].to_numpy(),
            "repairs": children["repairs"].to_numpy(),
            "unrepaired_ruptures": children["unrepaired_ruptures"].to_numpy(),
        }
    )


def arm_means(children: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (kind, arm), group in children.groupby(["rupture_kind", "arm"], sort=False):
        row = {"rupture_kind": kind, "arm": arm, "n_children": len(group)}
        for column in ("trust", "fear", "mean_exploration", "mean_anxiety"):
            e = statistics.mean(group[column].to_numpy())
            row.update({column: e.value, f"{column}_low": e.low, f"{column}_high": e.high})
        e = statistics.share(group["secure"].to_numpy())
        row.update({"secure": e.value, "secure_low": e.low, "secure_high": e.high})
        for column in ("adult_ruptures", "tantrums", "repairs", "unrepaired_ruptures"):
            row[f"{column}_per_child"] = float(group[column].mean())
        rows.append(row)
    return pd.DataFrame(rows)


#: S5: the smallest difference that would matter, for each outcome (a share, or points on a 0-1 scale)
S5_MINIMUM = {
    "trust": MinimumEffect(0.05, "5 points of trust (0-1): a smaller difference would not change how a child relies"),
    "secure": MinimumEffect(0.05, "a risk difference of 5 percentage points secure, the usual smallest that matters"),
    "mean_exploration": MinimumEffect(0.05, "5 points of exploration (0-1): a smaller difference would go unseen"),
    "mean_anxiety": MinimumEffect(0.05, "5 points of anxiety (0-1): a smaller difference would not calm a child"),
}


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    s = SIZES[size]
    tables = []
    all_arms = {f"{kind}/{arm}": sc for kind in KINDS for arm, sc in scenarios(kind, size).items()}
    results = run_arms(all_arms, seed, params, progress)
    for key, result in results.items():
        kind, arm = key.split("/")
        tables.append(child_rows(kind, arm, result))
    children = pd.concat(tables, ignore_index=True)
    by_arm = arm_means(children)

    findings = []
    for kind, kind_label in KINDS.items():
        rows = children[children["rupture_kind"] == kind]
        outcome = {arm: rows[rows["arm"] == arm].sort_values("child") for arm in REPAIR_ARMS}
        for other in ("no repair", "slow repair"):
            for column, label, sign in OUTCOMES:
                estimate = statistics.paired_difference(
                    outcome["prompt repair"][column].to_numpy(), outcome[other][column].to_numpy()
                )
                findings.append(
                    Finding(
                        claim="S5",
                        statistic=f"{kind_label}: {label}, prompt repair minus {other} (paired per child)",
                        estimate=estimate,
                        expected=sign,
                        units="share of children" if column == "secure" else "points on a 0-1 scale",
                        minimum_effect=S5_MINIMUM[column],
                    )
                )

    n = s["n"]
    tantrum_ages = f"{s['tantrum_start']:.1f}-{s['tantrum_start'] + s['tantrum_days'] / 365.25:.1f} years"
    caption = (
        f"adult ruptures: children from birth, {s['adult_days']} days, {ADULT_RUPTURE_RATE:g} rupture/day; "
        f"tantrums: ages {tantrum_ages} (history from birth), no adult ruptures\n"
        f"N = {n} children per arm, the same children in every arm (common random numbers), seed {seed}"
    )
    fig = _figure(by_arm, caption)
    design = (
        f"Six arms of N = {n} children each, all on seed {seed} (common random numbers: the same children meet the "
        f"same needs and, within a kind, the same ruptures). One caregiver at the normative preset's means "
        f"(present 90% of home episodes). Repair habits: no repair (propensity 0), slow repair (propensity 0.9, "
        f"mean latency 1.5 days), prompt repair (propensity 0.9, mean latency 0.05 days). Adult ruptures: "
        f"{ADULT_RUPTURE_RATE:g} a day, children followed from birth for {s['adult_days']} days. Tantrums: no adult "
        f"ruptures, children live from birth with the caregiver and are followed over ages {tantrum_ages}. "
        "Fused kernel."
    )
    reading = (
        "Each panel shows one outcome for the three repair arms, for adult ruptures (left group) and tantrums "
        "(right group), with 95% intervals of the arm mean or share. The claim is supported for a kind of rupture "
        "where prompt repair gives higher trust, a larger secure share and more exploration, and lower anxiety, "
        "than no repair and than slow repair, with paired intervals that exclude zero (the findings). Where the "
        "three bars of an outcome overlap, repair of that kind of rupture does not change that outcome in the "
        "model; for tantrums the strategy can move only through trust and anxiety, since an unrepaired tantrum "
        "costs trust but frightens no one."
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
    panels = (*((c, label) for c, label, _ in OUTCOMES), ("fear", "fear of the caregiver at the end"))
    fig, axes = subplots(1, len(panels), figsize=(16, 4.6), layout="constrained")
    colours = {"no repair": "tab:red", "slow repair": "tab:orange", "prompt repair": "tab:green"}
    width = 0.26
    for ax, (column, label) in zip(axes, panels, strict=True):
        for j, arm in enumerate(REPAIR_ARMS):
            rows = by_arm[by_arm["arm"] == arm].set_index("rupture_kind").loc[list(KINDS)]
            y = rows[column].to_numpy()
            error = np.vstack([y - rows[f"{column}_low"].to_numpy(), rows[f"{column}_high"].to_numpy() - y])
            x = np.arange(len(KINDS)) + (j - 1) * width
            ax.bar(x, y, width, yerr=error, capsize=3, color=colours[arm], label=arm)
        ax.set_xticks(np.arange(len(KINDS)), ["adult\nruptures", "tantrums"])
        ax.set_title(label, fontsize=9)
        ax.set_ylabel("share of children" if column == "secure" else f"{column} (0-1 scale)")
    axes[0].legend(title="caregiver", fontsize=8)
    fig.suptitle(
        f"The same ruptures, unrepaired, repaired late or repaired promptly (bars: 95% intervals)\n{caption}",
        fontsize=10,
    )
    return fig


STUDY = Study(
    name="repair",
    claims=("S5",),
    sentence=(
        "One of the keys to a secure attachment is an insistence on repairing ruptures. This means that if either "
        "party behaves in a way that is unacceptable, the caregiver prioritizes making ti better and repairing that "
        "rupture. For example, if you accidentally lose your temper, shout, or react in a way that is unfair to the "
        "child, you make sure to apologize. Similarly, if the child has a tantrum for example, you make sure to "
        "soothe them."
    ),
    question=(
        "The same children meet the same ruptures, the caregiver's own (losing its temper) or their tantrums, and "
        "the caregiver never repairs them, repairs them a day or two later, or repairs them promptly. Do children "
        "whose ruptures are promptly repaired end with more trust, more often a secure strategy, more exploration "
        "and less anxiety? Prompt repair beating no repair and slow repair on these outcomes supports the claim; "
        "no difference, or the reverse, fails to support or contradicts it."
    ),
    run=run,
)
