"""Change (S8, S9): security is not fixed; a secure base can form at any age, and secure adults explore.

Design. One population lives from birth (start age 0: every year of the
history is simulated) in two blocks of equal size, their caregiver's traits set
per block after the figures are drawn (a change of the caregivers, never of the
child's mechanisms):

- secure history: a caregiver at the ``responsive`` preset (fixed numbers);
- insecure history: a caregiver at the ``rejecting`` preset (warmth 0.1).

At each age of change (2, 6, 10 and 15 years at full size) the population is
copied, state and random streams included, into two branches, and the
children's caregiving changes for good:

- ``change``: the same person's care changes (the working model carries on):
  responsive care becomes rejecting (worsening), rejecting care becomes
  responsive (improving);
- ``replace``: a new person with that care takes the caregiver's place (the
  relationship starts from the child's general prior, as a foster carer or a
  step-parent would).

The population itself goes on unchanged and is the control. Each branch and
the control then live ``follow_up`` more days, and the strategy read-out with
the (changed or new) caregiver is taken at the change and at the end. Since a
branch and the control are copies of the same children with the same history
(and the same random numbers, until an event draws), outcomes are paired per
child.

S9: the control population goes on to adulthood. At the adult age (25 years at
full size) every one of them leaves the parental home (the parent leaves their
life) and starts a relationship with a partner drawn from the ``normative``
population; child i of the secure block and child i of the insecure block get
the same partner, so the two groups live under the same present conditions.
Over the following year: exploration (mean over episodes) and the competence
gained as a share of what was left to learn (competence gain / (1 -
competence at the start): competence saturates, so the raw gain of a group
that had learnt less would be inflated by what it had left to learn).

Findings.
- S8, per age of change and per kind (change, replace): share secure with
  the caregiver after the follow-up, worsened minus control among the
  secure-history children (expected negative) and improved minus control
  among the insecure-history children (expected positive); paired per child.
- S9: exploration and relative competence gain in the adult year, secure
  history minus insecure history (expected positive; Welch intervals).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.records import MEANS
from securebase.engine.simulation import Simulation
from securebase.model.state import FIGURE_TRAITS
from securebase.model.strategy import SECURE, classify
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.plotting import Figure, figure_png, subplots
from securebase.scenario.caregiving import preset_means
from securebase.scenario.schema import Scenario
from securebase.studies import statistics
from securebase.studies.base import Finding, MinimumEffect, Progress, Size, Study, StudyResult
from securebase.studies.running import KERNEL, run_until

CAREGIVER = "parent"
PARTNER = "partner"
HISTORIES: dict[str, str] = {"secure history": "responsive", "insecure history": "rejecting"}
#: care after the change, by history: the secure block's care worsens, the insecure block's improves
CHANGED_TO: dict[str, str] = {"secure history": "rejecting", "insecure history": "responsive"}
DIRECTION: dict[str, str] = {"secure history": "worsened", "insecure history": "improved"}
KINDS: tuple[str, ...] = ("change", "replace")
PARTNER_CARE = "normative"
#: children per history block, ages of change (years), follow-up (days), adult age (years)
SIZES = {
    "quick": {"n": 100, "ages": (2.0, 10.0), "follow_up": 365, "adult_age": 18.0},
    "full": {"n": 400, "ages": (2.0, 6.0, 10.0, 15.0), "follow_up": 730, "adult_age": 25.0},
}
ADULT_DAYS = 365


def day_of_age(age_years: float) -> int:
    return round(age_years * DAYS_PER_YEAR)


def scenario(n: int, size: Size) -> Scenario:
    """Children from birth with a parent; at the adult age the parent leaves and a partner arrives."""
    s = SIZES[size]
    adult_day = day_of_age(s["adult_age"])
    return Scenario(
        name="change",
        population={"n_children": 2 * n, "start_age_years": 0.0},
        figures=[
            {"name": CAREGIVER, "caregiving": HISTORIES["secure history"], "availability": {"home": 0.9}},
            {
                "name": PARTNER,
                "role": "partner",
                "caregiving": PARTNER_CARE,
                "availability": {"home": 0.9},
                "from_day": adult_day,
            },
        ],
        schedule={"days": adult_day + ADULT_DAYS},
        events=[{"kind": "leave", "figure": CAREGIVER, "day": adult_day}],
    )


def blocks(n: int) -> dict[str, np.ndarray]:
    return {"secure history": np.arange(n), "insecure history": np.arange(n, 2 * n)}


def set_care(simulation: Simulation, who: np.ndarray, preset: str) -> None:
    """From today the caregiver of the children ``who`` cares with the preset's mean traits (the same person)."""
    simulation.change_care(CAREGIVER, preset_means(preset), who=who)


def new_caregiver(simulation: Simulation, who: np.ndarray, preset: str) -> None:
    """From today a new person with the preset's mean traits is the caregiver: the relationship starts anew."""
    simulation.replace_figure(CAREGIVER, who=who, traits=preset_means(preset))


def secure_with_caregiver(simulation: Simulation) -> np.ndarray:
    k = simulation.figures.index(CAREGIVER)
    children = simulation.children
    return classify(children.gain[:, k], children.fear[:, k], simulation.params) == SECURE


def forget_records(simulation: Simulation) -> None:
    """Drop the daily tables the study does not read, so copies stay small."""
    simulation.summary.clear()
    simulation.relationships.clear()


#: S8: the smallest change in the share secure that would matter
S8_MINIMUM = MinimumEffect(0.05, "a risk difference of 5 percentage points secure, the usual smallest that matters")
#: S9: the smallest difference between histories that would matter, for each adult outcome
S9_MINIMUM = {
    "mean_exploration": MinimumEffect(0.05, "5 points of exploration (share of an episode): less would go unseen"),
    "relative_competence_gain": MinimumEffect(0.05, "5 points of what was left to learn, gained in the year"),
}
#: the calibration targets that already require S8's direction (insecure children become secure when care improves)
CALIBRATION_TARGETS = {"S8": ("change_at_2_years", "change_at_14_years")}


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    s = SIZES[size]
    n, follow_up = s["n"], s["follow_up"]
    sc = scenario(n, size)
    main = Simulation(sc, seed=seed, params=params, kernel=KERNEL)
    groups = blocks(n)
    set_care(main, groups["insecure history"], HISTORIES["insecure history"])
    partner = main.figures.index(PARTNER)
    # the same partner for child i of each block: the same present conditions
    same_partner = {name: getattr(main.figures, name)[groups["secure history"], partner] for name in FIGURE_TRAITS}
    main.change_care(PARTNER, same_partner, who=groups["insecure history"])
    adult_day = day_of_age(s["adult_age"])
    actions = sorted(
        [(day_of_age(a), "change", a) for a in s["ages"]]
        + [(day_of_age(a) + follow_up, "control", a) for a in s["ages"]]
        + [(adult_day, "adult", s["adult_age"])]
    )
    progress.reset(total=sc.schedule.days + len(s["ages"]) * len(KINDS) * follow_up)

    secure: dict[tuple[float, str, str], np.ndarray] = {}  # (age, kind or "before"/"none (control)") -> per child
    adult_start: dict[str, np.ndarray] = {}
    for day, action, age in actions:
        run_until(main, day, progress)
        forget_records(main)
        if action == "change":
            secure[(age, "before")] = secure_with_caregiver(main)
            for kind in KINDS:
                branch = main.fork()
                for history, who in groups.items():
                    if kind == "replace":
                        new_caregiver(branch, who, CHANGED_TO[history])
                    else:
                        set_care(branch, who, CHANGED_TO[history])
                run_until(branch, day + follow_up, progress)
                secure[(age, kind)] = secure_with_caregiver(branch)
                del branch
        elif action == "control":
            secure[(age, "none (control)")] = secure_with_caregiver(main)
        else:
            totals = main.totals
            adult_start = {
                "secure": secure_with_caregiver(main),
                "competence": main.children.competence.copy(),
                "exploration_sum": totals.sum_matrix[MEANS.index("exploration")].copy(),
                "episodes": np.array(totals.episodes),
            }
    run_until(main, main.end_day, progress)
    totals = main.totals
    episodes = totals.episodes - int(adult_start["episodes"])
    adult = pd.DataFrame(
        {
            "child": np.arange(2 * n),
            "history": np.repeat(list(HISTORIES), n),
            "secure_with_parent_at_adult_age": adult_start["secure"],
            "competence_at_start": adult_start["competence"],
            "competence_gain": main.children.competence - adult_start["competence"],
            "mean_exploration": (totals.sum_matrix[MEANS.index("exploration")] - adult_start["exploration_sum"])
            / episodes,
            "trust_in_partner": main.children.trust[:, partner],
            "prior_trust": main.children.prior_trust,
        }
    )
    adult["relative_competence_gain"] = adult["competence_gain"] / (1.0 - adult["competence_at_start"])

    history_of = np.repeat(list(HISTORIES), n)
    arms = (*KINDS, "none (control)")
    children = pd.concat(
        [
            pd.DataFrame(
                {
                    "child": np.arange(2 * n),
                    "history": history_of,
                    "age_of_change_years": age,
                    "arm": arm,
                    "care_after": [HISTORIES[h] if arm == "none (control)" else CHANGED_TO[h] for h in history_of],
                    "secure_before": secure[(age, "before")],
                    "secure_after": secure[(age, arm)],
                }
            )
            for age in s["ages"]
            for arm in arms
        ],
        ignore_index=True,
    )

    findings, summary = [], []
    for age in s["ages"]:
        for history, who in groups.items():
            control = secure[(age, "none (control)")][who]
            for arm in arms:
                after = secure[(age, arm)][who]
                before_share = statistics.share(secure[(age, "before")][who])
                after_share = statistics.share(after)
                row = {
                    "age_of_change_years": age,
                    "history": history,
                    "arm": arm,
                    "care_after": HISTORIES[history] if arm == "none (control)" else CHANGED_TO[history],
                    "n_children": len(who),
                    "share_secure_before": before_share.value,
                    "share_secure_before_low": before_share.low,
                    "share_secure_before_high": before_share.high,
                    "share_secure_after": after_share.value,
                    "share_secure_after_low": after_share.low,
                    "share_secure_after_high": after_share.high,
                }
                if arm != "none (control)":
                    effect = statistics.paired_difference(after, control)
                    row.update(effect=effect.value, effect_low=effect.low, effect_high=effect.high)
                    what = "a new caregiver" if arm == "replace" else "the same caregiver"
                    findings.append(
                        Finding(
                            claim="S8",
                            statistic=(
                                f"share secure {follow_up / DAYS_PER_YEAR:.0f} year(s) after care {DIRECTION[history]} "
                                f"at {age:g} years ({what}), {history} children: changed minus no change "
                                "(paired per child)"
                            ),
                            estimate=effect,
                            expected=-1 if history == "secure history" else 1,
                            units="share of children",
                            minimum_effect=S8_MINIMUM,
                        )
                    )
                summary.append(row)
    by_age = pd.DataFrame(summary)

    secure_adults = adult[adult["history"] == "secure history"]
    insecure_adults = adult[adult["history"] == "insecure history"]
    for column, label, units in (
        ("mean_exploration", "exploration (mean over episodes)", "share of an episode spent exploring (0-1)"),
        (
            "relative_competence_gain",
            "competence gained as a share of what was left to learn",
            "share of (1 - competence at the start)",
        ),
    ):
        findings.append(
            Finding(
                claim="S9",
                statistic=(
                    f"{label} in the year from {s['adult_age']:g} years with a new partner, secure history minus "
                    "insecure history (Welch)"
                ),
                estimate=statistics.mean_difference(
                    secure_adults[column].to_numpy(), insecure_adults[column].to_numpy()
                ),
                expected=1,
                units=units,
                minimum_effect=S9_MINIMUM[column],
            )
        )
    adults_by_history = []
    for history, group in adult.groupby("history", sort=False):
        row = {"history": history, "n_adults": len(group)}
        e = statistics.share(group["secure_with_parent_at_adult_age"].to_numpy())
        row.update(
            share_secure_with_parent=e.value, share_secure_with_parent_low=e.low, share_secure_with_parent_high=e.high
        )
        for column in ("mean_exploration", "relative_competence_gain", "competence_gain", "competence_at_start"):
            e = statistics.mean(group[column].to_numpy())
            row.update({column: e.value, f"{column}_low": e.low, f"{column}_high": e.high})
        adults_by_history.append(row)
    adults = pd.DataFrame(adults_by_history)

    ages = ", ".join(f"{a:g}" for a in s["ages"])
    caption = (
        f"children from birth with a responsive (secure history) or rejecting (insecure history) caregiver; "
        f"care changes at {ages} years, read {follow_up} days later; adults from {s['adult_age']:g} years\n"
        f"N = {n} children per history (the same children in every arm), seed {seed}"
    )
    fig = _figure(by_age, adults, s["ages"], caption)
    design = (
        f"One population from birth, two blocks of N = {n} children: secure history (a caregiver at the "
        "responsive preset, fixed traits) and insecure history (rejecting preset), caregiver present 90% of home "
        f"episodes. At {ages} years the population is copied into two branches: the same caregiver's care "
        "changes for good (change) or a new person with that care takes its place (replace: the relationship "
        "starts from the child's general prior); responsive care becomes rejecting, rejecting care becomes "
        f"responsive. The unchanged population is the control. Strategy read-out with the caregiver at the change "
        f"and {follow_up} days later. Adults: at {s['adult_age']:g} years the parent leaves and a partner from the "
        f"normative population arrives (the same partner for child i of each block); {ADULT_DAYS} days. Fused "
        f"kernel, seed {seed}."
    )
    reading = (
        "Left and middle: the share secure with the caregiver by the age at which care changed, for children whose "
        "care worsened (secure history, left) and whose care improved (insecure history, middle), with the "
        "unchanged controls and the share at the time of the change (95% intervals). Security is not fixed where "
        "the worsened lines fall below the control and the improved lines rise above it, at every age including "
        "adolescence; where a line overlaps its control at an age, a change of care at that age does not move "
        "security within the follow-up in the model. Right: exploration and learning in the first year with a "
        "new partner, by history; higher bars for the secure history support the claim that secure adults "
        "explore and grow."
    )
    return StudyResult(
        name=STUDY.name,
        claims=STUDY.claims,
        size=size,
        seed=seed,
        design=design,
        findings=findings,
        tables={"children": children, "by_age": by_age, "adults": adult, "adults_by_history": adults},
        figure_png=figure_png(fig),
        reading=reading,
    )


def _figure(by_age: pd.DataFrame, adults: pd.DataFrame, ages: tuple[float, ...], caption: str) -> Figure:
    fig, axes = subplots(1, 4, figsize=(17, 4.8), layout="constrained")
    styles = {
        "change": ("tab:blue", "o", "same caregiver, care changed"),
        "replace": ("tab:orange", "s", "new caregiver"),
        "none (control)": ("grey", "^", "no change (control)"),
    }
    for ax, history in zip(axes[:2], HISTORIES, strict=True):
        rows = by_age[by_age["history"] == history]
        first = rows[rows["arm"] == "none (control)"]
        y = first["share_secure_before"].to_numpy()
        error = np.vstack([y - first["share_secure_before_low"], first["share_secure_before_high"] - y])
        ax.errorbar(
            first["age_of_change_years"],
            y,
            yerr=error,
            color="black",
            ls=":",
            marker="x",
            capsize=3,
            label="at the change",
        )
        for j, (arm, (colour, marker, label)) in enumerate(styles.items()):
            r = rows[rows["arm"] == arm]
            y = r["share_secure_after"].to_numpy()
            error = np.vstack([y - r["share_secure_after_low"], r["share_secure_after_high"] - y])
            ax.errorbar(
                r["age_of_change_years"] + 0.15 * (j - 1),
                y,
                yerr=error,
                color=colour,
                marker=marker,
                capsize=3,
                label=label,
            )
        ax.set_xticks(ages)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("age at the change (years)")
        ax.set_ylabel("share secure with the caregiver")
        ax.set_title(
            f"{history}: care {DIRECTION[history]} ({HISTORIES[history]} to {CHANGED_TO[history]})", fontsize=9
        )
    axes[0].legend(fontsize=8)
    x = np.arange(len(adults))
    for ax, column, label in (
        (axes[2], "mean_exploration", "adult exploration, first year with a partner"),
        (axes[3], "relative_competence_gain", "share of what was left to learn, learnt"),
    ):
        y = adults[column].to_numpy()
        error = np.vstack([y - adults[f"{column}_low"], adults[f"{column}_high"] - y])
        ax.bar(x, y, 0.6, yerr=error, capsize=4, color=["tab:green", "tab:red"])
        ax.set_xticks(x, adults["history"])
        ax.set_title(label, fontsize=9)
        ax.set_ylabel(f"{column} (0-1 scale)")
    fig.suptitle(
        f"Security changes when care changes, at any age; secure adults explore (bars: 95% intervals)\n{caption}",
        fontsize=10,
    )
    return fig


STUDY = Study(
    name="change",
    claims=("S8", "S9"),
    sentence=(
        "Also important to note is that attachment security and insecurity are not fixed in infancy – secure "
        "children can become insecure and insecure children can become secure if the quality of caregiving changes. … "
        "Attachment theory suggests that secure base relationships are first formed in infancy and support healthy "
        "development, including brain development, but secure base relationships can be formed at any age. … "
        "For example, this article discusses how a secure attachment in adulthood can lead adults to explore new "
        "opportunities and thus grow as an individual."
    ),
    question=(
        "Children who grew up with responsive care see it turn rejecting, and children who grew up with rejecting "
        "care see it turn responsive, at 2, 6, 10 or 15 years, by the same caregiver changing or by a new one. Does "
        "the share secure fall after worsening and rise after improving, compared with the same children left "
        "unchanged, at every age including adolescence? And do adults with a secure history explore and learn more "
        "than adults with an insecure one under the same present conditions? Falls, rises and higher adult "
        "exploration support the claims; no change, or the reverse, fails to support or contradicts them."
    ),
    run=run,
    calibration_targets=CALIBRATION_TARGETS,
)
