"""Collaborate (S11): adult dyads that exchange roles, fight and repair.

Design. A population of couples (model/dyad.py): two adults of 25 with the
general prior of a secure history, each the other's one figure, together in
``TOGETHER`` of the day's episodes. Each partner's base caregiving is drawn
from the normative caregiving population (docs/model.md §11); in an episode
each partner's caregiving is lowered by its own anxiety, so the more stressed
one bids and the calmer one gives care. Three arms, the same couples on the
same random numbers (common random numbers, so differences are paired per
couple):

- mutual, repairing: both partners can give care; ruptures are repaired with
  the partners' drawn repair habits;
- one-sided, repairing: partner b never gives care (reliability 0); partner a
  gives care and receives none;
- mutual, non-repairing: as the first, but no rupture is ever repaired
  (repair propensity 0 for both).

Findings (claim S11): role exchange (the share of warm care given by the
less-giving partner, mutual minus one-sided; and the share of care that goes
to the partner who is the more anxious at the time, minus one half); mutual
benefit (partner a's exploration, mutual minus one-sided: a receives care only
in the mutual arm); and "a fight is not a break" (trust in the partner at the
end, repairing minus non-repairing). Partner b's exploration is in the tables,
not judged: b receives a's care in both arms, so mutual minus one-sided asks
what giving care does to b, not what receiving it does (a finding until issue
28, dropped after its results were seen: docs/studies.md, "Re-posed findings").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.dyads import live_day
from securebase.model import dyad
from securebase.model.parameters import ModelParameters
from securebase.plotting import Axes, Figure, figure_png, subplots
from securebase.scenario.caregiving import draw_traits, resolve
from securebase.studies import statistics
from securebase.studies.base import Estimate, Finding, MinimumEffect, Progress, Size, Study, StudyResult

TOGETHER = 0.6
EPISODES_PER_DAY = 8
PARTNER_CAREGIVING = "normative"
ARMS: tuple[str, ...] = ("mutual, repairing", "one-sided, repairing", "mutual, non-repairing")
SIZES = {"quick": {"n": 300, "days": 100}, "full": {"n": 1000, "days": 365}}


def partner_traits(arm: str, a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> tuple[dict, dict]:
    """The two partners' base caregiving traits in ``arm`` (copies of the drawn traits, changed by the arm)."""
    a, b = {k: v.copy() for k, v in a.items()}, {k: v.copy() for k, v in b.items()}
    if arm.startswith("one-sided"):
        b["reliability"][:] = 0.0
    if arm.endswith("non-repairing"):
        a["repair_propensity"][:] = 0.0
        b["repair_propensity"][:] = 0.0
    return a, b


def run_arm(
    arm: str, traits: tuple[dict, dict], n: int, days: int, seed: int, params: ModelParameters, progress: Progress
) -> pd.DataFrame:
    a_traits, b_traits = partner_traits(arm, *traits)
    couples = dyad.new_dyads(a_traits, b_traits, TOGETHER)
    totals = dyad.DyadTotals.empty(n)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 11])))  # the same in every arm
    for _ in range(days):
        live_day(couples, rng, params, totals, EPISODES_PER_DAY)
        progress.update(1)
    c = totals.counts
    episodes = max(totals.episodes, 1)
    care_a, care_b = c["care_given_a"], c["care_given_b"]
    care = care_a + care_b
    frame = {
        "arm": arm,
        "couple": np.arange(n),
        "care_given_a": care_a,
        "care_given_b": care_b,
        "share_of_care_by_less_giving_partner": np.where(
            care > 0, np.minimum(care_a, care_b) / np.maximum(care, 1), 0.0
        ),
        "share_of_care_to_more_anxious_partner": np.where(
            care > 0, totals.care_to_more_anxious / np.maximum(care, 1), np.nan
        ),
        "role_swaps": totals.role_swaps,
    }
    for p, state in (("a", couples.a), ("b", couples.b)):
        frame[f"bids_{p}"] = c[f"bids_{p}"]
        frame[f"mean_exploration_{p}"] = c[f"exploration_{p}"] / episodes
        frame[f"mean_anxiety_{p}"] = c[f"anxiety_{p}"] / episodes
        frame[f"trust_{p}"] = state.trust[:, 0]
        frame[f"fear_{p}"] = state.fear[:, 0]
        frame[f"ruptures_{p}"] = c[f"ruptures_{p}"]
        frame[f"repairs_{p}"] = c[f"repairs_{p}"]
        frame[f"unrepaired_ruptures_{p}"] = c[f"unrepaired_ruptures_{p}"]
    table = pd.DataFrame(frame)
    table["trust_in_partner"] = (table["trust_a"] + table["trust_b"]) / 2.0
    table["conflicts"] = table["ruptures_a"] + table["ruptures_b"]
    return table


#: S11: the smallest difference in a share of the couple's warm care that would matter
S11_SHARE_MINIMUM = MinimumEffect(0.05, "5 percentage points of the couple's warm care: less would not be an exchange")
#: S11: the smallest difference in exploration or trust (0-1 scales) that would matter
S11_POINTS_MINIMUM = MinimumEffect(0.05, "5 points on a 0-1 scale: a smaller difference would go unseen in a couple")


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    s = SIZES[size]
    n, days = s["n"], s["days"]
    progress.reset(total=len(ARMS) * days)
    population = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 10])))
    caregiving = resolve(PARTNER_CAREGIVING)
    traits = (draw_traits(caregiving, n, population), draw_traits(caregiving, n, population))
    couples = pd.concat([run_arm(arm, traits, n, days, seed, params, progress) for arm in ARMS], ignore_index=True)
    arm = {name: couples[couples["arm"] == name].sort_values("couple") for name in ARMS}
    mutual, one_sided, no_repair = arm[ARMS[0]], arm[ARMS[1]], arm[ARMS[2]]

    def paired(column: str, x: pd.DataFrame, y: pd.DataFrame) -> Estimate:
        return statistics.paired_difference(x[column].to_numpy(), y[column].to_numpy())

    to_anxious = mutual["share_of_care_to_more_anxious_partner"].dropna().to_numpy()
    anxious = statistics.mean(to_anxious)
    findings = [
        Finding(
            claim="S11",
            statistic="share of warm care given by the less-giving partner, mutual minus one-sided dyads (paired per couple)",
            estimate=paired("share_of_care_by_less_giving_partner", mutual, one_sided),
            units="share of the couple's warm responses",
            minimum_effect=S11_SHARE_MINIMUM,
        ),
        Finding(
            claim="S11",
            statistic="share of warm care given to the partner who was the more anxious at the time, minus one half (mutual dyads)",
            estimate=Estimate(anxious.value - 0.5, anxious.low - 0.5, anxious.high - 0.5),
            units="share of the couple's warm responses",
            minimum_effect=S11_SHARE_MINIMUM,
        ),
        Finding(
            claim="S11",
            statistic="exploration of partner a (gives care in both arms), mutual minus one-sided (paired per couple)",
            estimate=paired("mean_exploration_a", mutual, one_sided),
            units="points on a 0-1 scale",
            minimum_effect=S11_POINTS_MINIMUM,
        ),
        Finding(
            claim="S11",
            statistic="trust in the partner at the end (mean of both), repairing minus non-repairing couples (paired per couple)",
            estimate=paired("trust_in_partner", mutual, no_repair),
            units="points on a 0-1 scale",
            minimum_effect=S11_POINTS_MINIMUM,
        ),
    ]
    arms = []
    for name, group in arm.items():
        row = {"arm": name, "n_couples": len(group)}
        for column in (
            "share_of_care_by_less_giving_partner",
            "mean_exploration_a",
            "mean_exploration_b",
            "mean_anxiety_a",
            "mean_anxiety_b",
            "trust_in_partner",
        ):
            e = statistics.mean(group[column].to_numpy())
            row.update({column: e.value, f"{column}_low": e.low, f"{column}_high": e.high})
        for column in ("care_given_a", "care_given_b", "role_swaps", "conflicts", "repairs_a", "repairs_b"):
            row[f"{column}_per_couple"] = float(group[column].mean())
        arms.append(row)
    arms = pd.DataFrame(arms)
    caption = (
        f"Couples of adults (25 years, secure adult prior), normative caregiving, together in {TOGETHER:.0%} of "
        f"episodes, {days} days; N = {n} couples per arm, the same couples in every arm, seed {seed}"
    )
    design = (
        f"Three arms of N = {n} couples, seed {seed}, {days} days of {EPISODES_PER_DAY} episodes, partners together in "
        f"{TOGETHER:.0%} of episodes (model/dyad.py: each partner the other's figure, caregiving lowered by its own "
        "anxiety). Partners' base caregiving drawn from the normative population; the same couples and random "
        "numbers in every arm. Arms: mutual, repairing (as drawn); one-sided, repairing (partner b's reliability "
        "0: it never gives care); mutual, non-repairing (repair propensity 0 for both)."
    )
    reading = (
        "Left: how the couple's warm care is shared (the less-giving partner's share; one half is perfect "
        "exchange, zero is one-way care) in each arm. Middle: each partner's mean exploration, by arm. Right: "
        "trust in the partner at the end, by arm. Role exchange is supported where the mutual arm's share lies "
        "well above the one-sided arm's (and care goes to whoever is the more anxious); mutual benefit where partner "
        "a (who receives care only in the mutual arm) explores more in mutual than in one-sided dyads (partner b "
        "receives a's care in both arms: shown, not judged); 'a fight is not a break' where repairing "
        "couples end with more trust than non-repairing ones. All bars show 95% intervals of the arm means."
    )
    return StudyResult(
        name=STUDY.name,
        claims=STUDY.claims,
        size=size,
        seed=seed,
        design=design,
        findings=findings,
        tables={"couples": couples, "arms": arms},
        figure_png=figure_png(_figure(arms, caption)),
        reading=reading,
    )


def _bars(ax: Axes, arms: pd.DataFrame, columns: list[tuple[str, str]], ylabel: str, title: str) -> None:
    x = np.arange(len(arms))
    width = 0.8 / len(columns)
    for i, (column, label) in enumerate(columns):
        values = arms[column]
        err = [values - arms[f"{column}_low"], arms[f"{column}_high"] - values]
        ax.bar(x + (i - (len(columns) - 1) / 2) * width, values, width, yerr=err, capsize=3, label=label, alpha=0.85)
    ax.set_xticks(x, [name.replace(", ", ",\n") for name in arms["arm"]])
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)


def _figure(arms: pd.DataFrame, caption: str) -> Figure:
    fig, axes = subplots(1, 3, figsize=(15, 4.8), layout="constrained")
    _bars(
        axes[0],
        arms,
        [("share_of_care_by_less_giving_partner", "less-giving partner's share (95% interval)")],
        "share of the couple's warm responses",
        "Role exchange: who gives care",
    )
    axes[0].axhline(0.5, color="black", linestyle="--", linewidth=1, label="even exchange (one half)")
    axes[0].legend(loc="lower right", fontsize=8)
    _bars(
        axes[1],
        arms,
        [
            ("mean_exploration_a", "partner a (gives care in every arm)"),
            ("mean_exploration_b", "partner b (receives care in every arm: not judged)"),
        ],
        "exploration (mean over episodes, 0-1)",
        "Mutual benefit: each partner's exploration",
    )
    _bars(
        axes[2],
        arms,
        [("trust_in_partner", "trust in the partner (mean of both)")],
        "trust at the end (0-1)",
        "A fight is not a break: trust after conflicts",
    )
    fig.suptitle(caption, fontsize=9)
    return fig


STUDY = Study(
    name="collaborate",
    claims=("S11",),
    sentence=(
        "2 Ability to collaborate with such a person in a mutually rewarding relationship (exchanging roles)"
        " … For example, they learn that a fight doesn\u2019t necessarily mean a break in the relationship, that they "
        "can repair ruptures, that they can be flawed (and so can the other person) and they can expect to value "
        "and be valued by the other."
    ),
    question=(
        "In couples where each partner is the other's figure, do the roles of seeking and giving care swap with "
        "who is stressed, does each partner explore more when both can give care than when only one can, and do "
        "couples who repair their fights keep more trust than couples who do not? The claim is supported if care "
        "flows both ways in mutual dyads, both partners explore more in mutual than in one-sided dyads, and trust "
        "is higher with repair; a partner who explores no more in mutual dyads, or equal trust with and without "
        "repair, would fail it."
    ),
    run=run,
)
