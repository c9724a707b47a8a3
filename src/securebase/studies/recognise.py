"""Recognise (S10): do individuals pick the candidate figure best able and willing to be a secure base?

Design. One population lives its history from birth with one parent, whose
care is a mixture of three pure patterns (a third each): responsive,
rejecting, intermittent (the presets of docs/model.md §11). On day 0 the
parent leaves and ``N_CANDIDATES`` candidate figures enter (``from_day`` 0):
new friends, partners or colleagues, each drawn from a wide candidate
population in which willingness (warmth, reliability) and ability
(sensitivity, consistency, appropriateness) vary independently. Their
rupture and repair habits are the same for every candidate, so the only
hidden difference is how they meet bids. Each candidate is with the
individual in ``CANDIDATE_AVAILABILITY`` of home episodes, so the individual
bids to whoever is there (the best expected of those present) and learns
about each one from its own bids only.

At the end the individual's *choice* is the candidate it expects most from
(credible trust x (1 - fear): model/recognition.py, the rule it uses to
choose whom to bid to; trust is read by its lower confidence bound given the
evidence it rests on, model v3 part 2), and the *truly best* candidate is the one whose hidden traits
give a moderate bid the best chance of a warm response.

Findings (claim S10): the share choosing the truly best candidate minus
chance (1/k); the mean rank correlation between expected support and true
quality over each individual's candidates; and accuracy after a responsive
history minus accuracy after an insecure one (rejecting or intermittent), at
the end and after ``EARLY_DAY`` days. Accuracy is also read after a few days,
weeks and months (``CHECKPOINT_DAYS``) to show how it builds up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.records import strategies
from securebase.engine.simulation import Simulation
from securebase.model import recognition
from securebase.model.state import STRATEGIES
from securebase.plotting import Figure, figure_png, subplots
from securebase.scenario.caregiving import caregiving_presets
from securebase.scenario.schema import Caregiving, Scenario
from securebase.studies import statistics
from securebase.studies.base import Estimate, Finding, MinimumEffect, Progress, Size, Study, StudyResult
from securebase.studies.running import KERNEL, run_until, total_days

PARENT = "parent"
HISTORIES: tuple[str, ...] = ("responsive", "rejecting", "intermittent")
SECURE_HISTORY = "responsive"
N_CANDIDATES = 4
CANDIDATE_AVAILABILITY = 0.3
#: the candidate population: willingness and ability vary widely and independently; the same
#: rupture and repair habits for all, so that candidates differ only in how they meet bids
CANDIDATES = Caregiving(
    consistency={"mean": 0.65, "sd": 0.2},
    appropriateness={"mean": 0.65, "sd": 0.15},
    sensitivity={"mean": 0.6, "sd": 0.2},
    warmth={"mean": 0.6, "sd": 0.25},
    reliability={"mean": 0.65, "sd": 0.2},
    exploration_support=0.5,
    rupture_rate=0.3,
    repair_propensity=0.7,
    repair_latency_days=0.2,
    quality_correlation=0.0,
)
#: individuals in all (a third per history), age when the candidates enter (years, history lived), days with them
SIZES = {
    "quick": {"n": 240, "start_age": 3.0, "days": 90},
    "full": {"n": 1200, "start_age": 12.0, "days": 120},
}
#: days with the candidates at which the choice is also read, to show how accuracy builds up
CHECKPOINT_DAYS: tuple[int, ...] = (3, 7, 14, 30, 60)
#: the early checkpoint at which the history comparison is also a finding: two weeks of acquaintance
EARLY_DAY = 14


def candidate_names() -> tuple[str, ...]:
    return tuple(f"candidate-{i + 1}" for i in range(N_CANDIDATES))


def scenario(size: Size) -> Scenario:
    s = SIZES[size]
    return Scenario(
        name="recognise",
        population={"n_children": s["n"], "start_age_years": s["start_age"], "history": "simulate"},
        figures=[
            {
                "name": PARENT,
                "caregiving": Caregiving(mixture=[{"preset": h, "weight": 1.0} for h in HISTORIES]),
                "availability": {"home": 0.9},
            },
            *(
                {
                    "name": name,
                    "role": "other",
                    "caregiving": CANDIDATES,
                    "availability": {"home": CANDIDATE_AVAILABILITY},
                    "from_day": 0,
                }
                for name in candidate_names()
            ),
        ],
        schedule={"days": s["days"]},
        events=[{"kind": "leave", "figure": PARENT, "day": 0}],
    )


def history_of(warmth: np.ndarray, consistency: np.ndarray) -> np.ndarray:
    """Which pure pattern each parent was drawn from (the presets' fixed warmth and consistency)."""
    presets = caregiving_presets()
    labels = np.full(len(warmth), "", dtype=object)
    for name in HISTORIES:
        preset = presets[name]
        match = np.isclose(warmth, float(preset.warmth)) & np.isclose(consistency, float(preset.consistency))
        labels[match] = name
    if (labels == "").any():
        raise RuntimeError("a parent matches none of the history presets")
    return labels


#: S10: the smallest difference in the share choosing the truly best candidate that would matter
S10_SHARE_MINIMUM = MinimumEffect(0.05, "5 percentage points of individuals choosing the best: less would not matter")
#: S10: the smallest rank correlation of expected support with true quality that would matter
S10_CORRELATION_MINIMUM = MinimumEffect(0.1, "r = .1, Cohen's small correlation: a weaker one barely tells candidates apart")


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    s = SIZES[size]
    sc = scenario(size)
    progress.reset(total=total_days(sc))
    simulation = Simulation(sc, seed=seed, params=params, kernel=KERNEL)
    run_until(simulation, 0, progress)
    children, figures = simulation.children, simulation.figures
    history = history_of(figures.warmth[:, 0], figures.consistency[:, 0])
    strategy_at_start = np.asarray(STRATEGIES, dtype=object)[strategies(children, params)[:, 0]]
    prior_trust_at_start = children.prior_trust.copy()
    columns = slice(1, 1 + N_CANDIDATES)
    quality = recognition.warm_response_probability(
        figures.sensitivity[:, columns],
        figures.consistency[:, columns],
        figures.reliability[:, columns],
        figures.warmth[:, columns],
        params,
    )
    best = recognition.truly_best(quality)
    over_time = []
    correct_on = {}
    for day in (*(d for d in CHECKPOINT_DAYS if d < s["days"]), s["days"]):
        run_until(simulation, day, progress)
        right = recognition.choose(
            children.trust[:, columns], children.fear[:, columns], children.evidence[:, columns],
            children.known[:, columns], params,
        )  # fmt: skip
        correct_on[day] = right == best
        for name in HISTORIES:
            e = statistics.share((right == best)[history == name])
            over_time.append(
                {"day": day, "history": name, "accuracy": e.value, "accuracy_low": e.low, "accuracy_high": e.high}
            )
    over_time = pd.DataFrame(over_time)
    results = simulation.results()

    trust, fear = children.trust[:, columns], children.fear[:, columns]
    known, evidence = children.known[:, columns], children.evidence[:, columns]
    expected = recognition.expected_support(trust, fear, evidence, params)
    chosen = recognition.choose(trust, fear, evidence, known, params)
    correct = chosen == best
    rho = recognition.rank_correlation(expected, quality)
    rows = np.arange(children.n)
    totals = results.children

    individuals = pd.DataFrame(
        {
            "child": rows,
            "history": history,
            "strategy_at_start": strategy_at_start,
            "prior_trust_at_start": prior_trust_at_start,
            "chosen_candidate": chosen + 1,
            "truly_best_candidate": best + 1,
            "chose_truly_best": correct,
            "rank_correlation": rho,
            "quality_of_choice": quality[rows, np.maximum(chosen, 0)],
            "best_quality": quality[rows, best],
            "bids": totals["bids"].to_numpy(),
            "mean_exploration": totals["mean_exploration"].to_numpy(),
            "mean_anxiety": totals["mean_anxiety"].to_numpy(),
        }
    )
    candidates = pd.DataFrame(
        {
            "child": np.repeat(rows, N_CANDIDATES),
            "history": np.repeat(history, N_CANDIDATES),
            "candidate": np.tile(np.arange(1, N_CANDIDATES + 1), children.n),
            "true_quality": quality.ravel(),
            "trust": trust.ravel(),
            "fear": fear.ravel(),
            "expected_support": expected.ravel(),
            "warmth": figures.warmth[:, columns].ravel(),
            "reliability": figures.reliability[:, columns].ravel(),
            "sensitivity": figures.sensitivity[:, columns].ravel(),
            "consistency": figures.consistency[:, columns].ravel(),
            "appropriateness": figures.appropriateness[:, columns].ravel(),
        }
    )
    chance = 1.0 / N_CANDIDATES
    by_history = []
    for name in (*HISTORIES, "all"):
        group = individuals if name == "all" else individuals[individuals["history"] == name]
        acc = statistics.share(group["chose_truly_best"].to_numpy())
        rc = statistics.mean(group["rank_correlation"].to_numpy())
        by_history.append(
            {
                "history": name,
                "n_individuals": len(group),
                "accuracy": acc.value,
                "accuracy_low": acc.low,
                "accuracy_high": acc.high,
                "rank_correlation": rc.value,
                "rank_correlation_low": rc.low,
                "rank_correlation_high": rc.high,
                "share_secure_at_start": float((group["strategy_at_start"] == "secure").mean()),
                "bids_per_individual": float(group["bids"].mean()),
                "chance": chance,
            }
        )
    by_history = pd.DataFrame(by_history)

    acc = statistics.share(correct)
    secure = (individuals["history"] == SECURE_HISTORY).to_numpy()
    early = correct_on[EARLY_DAY]
    findings = [
        Finding(
            claim="S10",
            statistic=f"share choosing the truly best of {N_CANDIDATES} candidates minus chance (1/{N_CANDIDATES})",
            estimate=Estimate(acc.value - chance, acc.low - chance, acc.high - chance),
            expected=1,
            units="share of individuals",
            minimum_effect=S10_SHARE_MINIMUM,
        ),
        Finding(
            claim="S10",
            statistic="rank correlation of expected support with true quality over each individual's candidates (mean)",
            estimate=statistics.mean(rho),
            expected=1,
            units="Spearman's correlation",
            minimum_effect=S10_CORRELATION_MINIMUM,
        ),
        Finding(
            claim="S10",
            statistic="share choosing the truly best candidate, responsive history minus rejecting or intermittent history",
            estimate=statistics.share_difference(correct[secure], correct[~secure]),
            expected=1,
            units="share of individuals",
            minimum_effect=S10_SHARE_MINIMUM,
        ),
        Finding(
            claim="S10",
            statistic=(
                f"share choosing the truly best candidate after {EARLY_DAY} days, responsive history minus "
                "rejecting or intermittent history"
            ),
            estimate=statistics.share_difference(early[secure], early[~secure]),
            expected=1,
            units="share of individuals",
            minimum_effect=S10_SHARE_MINIMUM,
        ),
    ]
    n = s["n"]
    caption = (
        f"Histories from birth to {s['start_age']:g} years (a third each: responsive, rejecting, intermittent care), "
        f"then {N_CANDIDATES} candidate figures for {s['days']} days; N = {n} individuals, seed {seed}"
    )
    design = (
        f"N = {n} individuals (a third per history) on seed {seed}, compiled CPU kernel. History simulated from birth to "
        f"{s['start_age']:g} years with one parent (present 90% of home episodes) drawn from a mixture of the "
        f"responsive, rejecting and intermittent presets. On day 0 the parent leaves and {N_CANDIDATES} candidate "
        f"figures enter, each present in {CANDIDATE_AVAILABILITY:.0%} of home episodes, for {s['days']} days. "
        "Candidates are drawn independently from a wide population (consistency 0.65 +- 0.2, appropriateness "
        "0.65 +- 0.15, sensitivity 0.6 +- 0.2, warmth 0.6 +- 0.25, reliability 0.65 +- 0.2; rupture rate 0.3 a day, "
        "repair propensity 0.7 and latency 0.2 days for all). Choice: highest trust x (1 - fear); truly best: "
        "highest chance that a bid of intensity "
        f"{recognition.RECOGNITION.reference_intensity:g} is met warmly (model/recognition.py)."
    )
    reading = (
        f"Left: the share of individuals whose choice is the truly best candidate, by history, with 95% intervals; "
        f"the dashed line is chance (1/{N_CANDIDATES}). Middle: the same share read after a few days, weeks and "
        "months with the candidates. Right: what individuals expect of a candidate (trust x "
        "(1 - fear)) against its true quality, in bins of true quality, by history. Recognition is supported where "
        "accuracy lies above chance and expectations rise with true quality; the history effect is supported "
        "where the responsive history's bar lies above the insecure histories' bars (third finding, at the end; the "
        f"fourth, after {EARLY_DAY} days, is read off the middle panel). A flat line "
        "on the right means that history's expectations do not track the candidates' hidden quality."
    )
    return StudyResult(
        name=STUDY.name,
        claims=STUDY.claims,
        size=size,
        seed=seed,
        design=design,
        findings=findings,
        tables={
            "individuals": individuals,
            "candidates": candidates,
            "histories": by_history,
            "accuracy_by_day": over_time,
        },
        figure_png=figure_png(_figure(by_history, candidates, over_time, chance, caption)),
        reading=reading,
        extra={"accuracy": acc.value, "chance": chance},
    )


def _figure(
    by_history: pd.DataFrame, candidates: pd.DataFrame, over_time: pd.DataFrame, chance: float, caption: str
) -> Figure:
    fig, (left, middle, right) = subplots(1, 3, figsize=(17, 4.8), layout="constrained")
    rows = by_history.reset_index(drop=True)
    x = np.arange(len(rows))
    colours = ["tab:green", "tab:red", "tab:orange", "tab:grey"]
    left.bar(x, rows["accuracy"], color=colours[: len(rows)], alpha=0.8)
    left.errorbar(
        x,
        rows["accuracy"],
        yerr=[rows["accuracy"] - rows["accuracy_low"], rows["accuracy_high"] - rows["accuracy"]],
        fmt="none",
        color="black",
        capsize=4,
        label="95% interval",
    )
    left.axhline(chance, color="black", linestyle="--", label=f"chance (1/{N_CANDIDATES})")
    left.set_xticks(x, [f"{h}\n(n={n})" for h, n in zip(rows["history"], rows["n_individuals"], strict=True)])
    left.set_ylabel("share choosing the truly best candidate")
    left.set_ylim(0, 1)
    left.set_title("Accuracy of the choice, by attachment history")
    left.legend(loc="upper right")

    edges = np.quantile(candidates["true_quality"], np.linspace(0, 1, 7))
    bins = np.clip(np.searchsorted(edges, candidates["true_quality"], side="right") - 1, 0, len(edges) - 2)
    centres = np.array([candidates["true_quality"][bins == b].mean() for b in range(len(edges) - 1)])
    for colour, name in zip(colours, HISTORIES, strict=False):
        mine = candidates["history"].to_numpy() == name
        means, lows, highs = [], [], []
        for b in range(len(edges) - 1):
            values = candidates["expected_support"].to_numpy()[mine & (bins == b)]
            e = statistics.mean(values) if len(values) > 1 else Estimate(np.nan, np.nan, np.nan)
            means.append(e.value)
            lows.append(e.low)
            highs.append(e.high)
        right.plot(centres, means, marker="o", color=colour, label=f"{name} history")
        right.fill_between(centres, lows, highs, color=colour, alpha=0.2)
    for colour, name in zip(colours, HISTORIES, strict=False):
        mine = over_time[over_time["history"] == name]
        middle.plot(mine["day"], mine["accuracy"], marker="o", color=colour, label=f"{name} history")
        middle.fill_between(mine["day"], mine["accuracy_low"], mine["accuracy_high"], color=colour, alpha=0.2)
    middle.axhline(chance, color="black", linestyle="--", label="chance")
    middle.set_xscale("log")
    middle.set_xlabel("days with the candidates (log scale)")
    middle.set_ylabel("share choosing the truly best candidate")
    middle.set_ylim(0, 1)
    middle.set_title("How accuracy builds up (95% bands)")
    middle.legend(loc="upper left")
    right.set_xlabel("true quality: chance a moderate bid is met warmly")
    right.set_ylabel("expected support: trust x (1 - fear)")
    right.set_title("What individuals expect of candidates (mean, 95% band)")
    right.legend(loc="upper left")
    fig.suptitle(caption, fontsize=9)
    return fig


STUDY = Study(
    name="recognise",
    claims=("S10",),
    sentence=(
        "1. Ability to recognize suitable figures willing and able to provide you with a secure base"
        " … Furthermore, it is cruitial that they take this ability into their life later on, and maintain "
        "their skill of choosing the workplaces, romantic partners, and life-long friends who can provide them "
        "with that security so they can have a safe base from which to explore and live their lives to the fullest."
    ),
    question=(
        "Individuals raised under responsive, rejecting or intermittent care meet several new figures whose "
        "willingness and ability to be a secure base are hidden; after some months, do they expect most of the "
        "one who truly meets bids best? The claim is supported if the share choosing the truly best candidate is "
        "above chance and higher after a responsive history than after an insecure one; a share at chance, or "
        "lower after a secure history, would contradict it."
    ),
    run=run,
)
