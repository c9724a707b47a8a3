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
the control then live ``follow_up`` more days. Security with the caregiver is
read at the change and at the end of the follow-up as a researcher would: by
the instrument valid at the child's age (instruments/catalogue.py
``security_readout``: a classification where one is valid, else a score), with
its measurement error (the calibration's instrument settings):

- 2 years (24 months): the Attachment Q-sort security score (-1 to 1), the
  only read-out valid there (the Strange Situation ends at 20 months, the
  reunion procedures start at 30);
- 3 to 7 years: the reunion classification (secure: B);
- 8 to 13 years: the Security Scale (self-report, 1 to 4);
- 14 years and older: the state of mind (secure: F, secure-autonomous), which
  reads the general working model, not the one of the caregiver; where the
  Security Scale is also valid (14 to 15 years) the classification is
  preferred.

The model's own read-out (the strategy of the working model of the
caregiver, model/strategy.py ``classify``: no observer, no error) is taken at
the same days and kept in the tables, not judged. Every read-out is scheduled
on the population before it is copied, so a branch and the control measure on
the same day with the same measurement draws (a measurement has its own
generator, engine/care.py): the instrument's error differs between arms only
where the children do. Since a branch and the control are also copies of the
same children with the same history (and the same random numbers, until an
event draws), outcomes are paired per child.

S9: the control population goes on to adulthood. At the adult age (25 years at
full size) every one of them leaves the parental home (the parent leaves their
life) and starts a relationship with a partner drawn from the ``normative``
population; child i of the secure block and child i of the insecure block get
the same partner, so the two groups live under the same present conditions.
Over the following year: exploration (mean over episodes), the finding; the
competence gained, raw and as a share of what was left to learn, is kept in the
``adults`` tables, not judged. Until issue 28 the relative gain was a finding:
it was re-posed (dropped) after its results were seen, because the secure-history
adults start the year at the ceiling of competence (about 0.98 at quick size,
0.997 at full size) and the insecure-history adults at about 0.3, so no measure
of competence gained separates the history from what was left to learn: the
relative gain divides by a remainder of 0.003, the raw gain favours whoever had
more left (docs/studies.md, "Re-posed findings").

Findings.
- S8, per age of change and per kind (change, replace): security after the
  follow-up as the instrument valid then reads it, worsened minus control
  among the secure-history children (expected negative) and improved minus
  control among the insecure-history children (expected positive); paired per
  child. For a classification the share secure (B; F for the state of mind),
  for the Security Scale the mean score (``S8_SCORE_MINIMUM``).
- S9: exploration in the adult year, secure history minus insecure history
  (expected positive; Welch interval).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.records import MEANS
from securebase.engine.simulation import Simulation
from securebase.instruments import security_scale
from securebase.instruments.ages import months_of
from securebase.instruments.catalogue import INSTRUMENTS, security_readout
from securebase.instruments.registry import instrument
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
    """The model's own read-out: whether the working model of the caregiver reads as secure (no observer)."""
    k = simulation.figures.index(CAREGIVER)
    children = simulation.children
    return classify(children.gain[:, k], children.fear[:, k], simulation.params) == SECURE


def forget_records(simulation: Simulation) -> None:
    """Drop the daily tables the study does not read, so copies stay small."""
    simulation.summary.clear()
    simulation.relationships.clear()


#: S8: the smallest change in the share secure that would matter
S8_MINIMUM = MinimumEffect(0.05, "a risk difference of 5 percentage points secure, the usual smallest that matters")
#: S8 read by a score (no classification is valid at the age): the smallest paired difference that would matter
S8_SCORE_MINIMUM = {
    "security-scale": MinimumEffect(
        0.2 * security_scale.PUBLISHED_SD,
        "0.1 Security Scale points: 0.2 of its published SD of 0.5 (Kerns et al. 1996), Cohen's small effect",
    ),
}
#: S9: the smallest difference between histories that would matter, for each adult outcome
S9_MINIMUM = {
    "mean_exploration": MinimumEffect(0.05, "5 points of exploration (share of an episode): less would go unseen"),
}
#: the calibration targets that already require S8's direction (insecure children become secure when care improves)
CALIBRATION_TARGETS = {"S8": ("change_at_2_years", "change_at_14_years")}
#: the instruments that read the general working model rather than the one of the figure named
GENERAL: frozenset[str] = frozenset({"state-of-mind"})
CONTROL = "none (control)"
#: the two times security is read for a change: on the day of the change, and at the end of the follow-up
WHEN: tuple[str, ...] = ("before", "after")


def readout_days(age: float, follow_up: int) -> dict[str, int]:
    """The days security is read for a change at ``age``: the day of the change, and the end of the follow-up."""
    return dict(zip(WHEN, (day_of_age(age), day_of_age(age) + follow_up), strict=True))


def readout_at(day: int) -> str:
    """The instrument that reads security on ``day`` (the children are born on day 0)."""
    return security_readout(float(months_of(day)))


def is_classification(name: str) -> bool:
    return INSTRUMENTS[name].kind == "classification"


def what_is_read(name: str) -> str:
    """A read-out's statistic in words: the share secure (and which working model it reads) or the mean score."""
    if not is_classification(name):
        return f"mean {name} score with the caregiver"
    reads = "the general working model, not the caregiver's" if name in GENERAL else "with the caregiver"
    return f"share secure ({INSTRUMENTS[name].default_class}) on the {name} classification ({reads})"


def schedule_readouts(simulation: Simulation, ages: tuple[float, ...], follow_up: int, calibration: Calibration) -> None:
    """Per age of change, the instrument valid at the change and at the end of the follow-up, and the model's own
    read-out on the same days; scheduled before any copy, so that every arm measures with the same draws."""
    settings = calibration.instrument_settings()
    model = instrument("model-strategy", CAREGIVER, settings)
    for age in ages:
        for when, day in readout_days(age, follow_up).items():
            years = day / DAYS_PER_YEAR
            observed = instrument(readout_at(day), CAREGIVER, settings)
            simulation.schedule(f"observed {when} {age:g}", observed, at_age_years=years)
            simulation.schedule(f"model {when} {age:g}", model, at_age_years=years)


def read(simulation: Simulation, measure: str, name: str, n_children: int) -> tuple[np.ndarray, np.ndarray]:
    """Per child in order, a measure's security (a bool, secure or not, for a classification; the score for a
    continuous read-out) and the class read ('' for a score)."""
    table = simulation.measurement_table()
    rows = table[table["measure"] == measure].set_index("child")
    if len(rows) != n_children:
        raise RuntimeError(f"measure {measure!r} read {len(rows)} children; expected {n_children}")
    rows = rows.reindex(np.arange(n_children))
    if not is_classification(name):
        return rows["value"].to_numpy(float), np.full(n_children, "", dtype=object)
    classes = rows["classification"].to_numpy(str)
    return classes == INSTRUMENTS[name].default_class, classes.astype(object)


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
    schedule_readouts(main, s["ages"], follow_up, calibration)
    readout = {(age, when): readout_at(day) for age in s["ages"] for when, day in readout_days(age, follow_up).items()}
    adult_day = day_of_age(s["adult_age"])
    actions = sorted([(day_of_age(a), "change", a) for a in s["ages"]] + [(adult_day, "adult", s["adult_age"])])
    # a branch lives one day past its follow-up: the read-out at the end is taken at the start of that day
    progress.reset(total=sc.schedule.days + len(s["ages"]) * len(KINDS) * (follow_up + 1))

    # (age, arm) -> per child: security as read, the class read, the model's own read-out
    observed: dict[tuple[float, str], np.ndarray] = {}
    classes: dict[tuple[float, str], np.ndarray] = {}
    model: dict[tuple[float, str], np.ndarray] = {}
    adult_start: dict[str, np.ndarray] = {}
    for day, action, age in actions:
        run_until(main, day, progress)
        forget_records(main)
        if action == "change":
            for kind in KINDS:
                branch = main.fork()
                for history, who in groups.items():
                    if kind == "replace":
                        new_caregiver(branch, who, CHANGED_TO[history])
                    else:
                        set_care(branch, who, CHANGED_TO[history])
                run_until(branch, day + follow_up + 1, progress)
                name = readout[(age, "after")]
                observed[(age, kind)], classes[(age, kind)] = read(branch, f"observed after {age:g}", name, 2 * n)
                model[(age, kind)] = read(branch, f"model after {age:g}", "model-strategy", 2 * n)[0]
                del branch
        else:
            totals = main.totals
            adult_start = {
                "secure": secure_with_caregiver(main),
                "competence": main.children.competence.copy(),
                "exploration_sum": totals.sum_matrix[MEANS.index("exploration")].copy(),
                "episodes": np.array(totals.episodes),
            }
    run_until(main, main.end_day, progress)
    for age in s["ages"]:
        for when, arm in (("before", "before"), ("after", CONTROL)):
            name = readout[(age, when)]
            observed[(age, arm)], classes[(age, arm)] = read(main, f"observed {when} {age:g}", name, 2 * n)
            model[(age, arm)] = read(main, f"model {when} {age:g}", "model-strategy", 2 * n)[0]
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
    arms = (*KINDS, CONTROL)
    children = pd.concat(
        [
            pd.DataFrame(
                {
                    "child": np.arange(2 * n),
                    "history": history_of,
                    "age_of_change_years": age,
                    "arm": arm,
                    "care_after": [HISTORIES[h] if arm == CONTROL else CHANGED_TO[h] for h in history_of],
                    "readout_before": readout[(age, "before")],
                    "class_before": classes[(age, "before")],
                    # 1/0 secure for a classification, the score for a continuous read-out
                    "security_before": observed[(age, "before")].astype(float),
                    "readout_after": readout[(age, "after")],
                    "class_after": classes[(age, arm)],
                    "security_after": observed[(age, arm)].astype(float),
                    "model_secure_before": model[(age, "before")],
                    "model_secure_after": model[(age, arm)],
                }
            )
            for age in s["ages"]
            for arm in arms
        ],
        ignore_index=True,
    )

    findings, summary = [], []
    for age in s["ages"]:
        after_name = readout[(age, "after")]
        for history, who in groups.items():
            control, model_control = observed[(age, CONTROL)][who], model[(age, CONTROL)][who]
            for arm in arms:
                after = observed[(age, arm)][who]
                row = {
                    "age_of_change_years": age,
                    "history": history,
                    "arm": arm,
                    "care_after": HISTORIES[history] if arm == CONTROL else CHANGED_TO[history],
                    "n_children": len(who),
                }
                for when, values in (("before", observed[(age, "before")][who]), ("after", after)):
                    e = statistics.mean(values)
                    row.update({f"readout_{when}": readout[(age, when)], f"security_{when}": e.value,
                                f"security_{when}_low": e.low, f"security_{when}_high": e.high})  # fmt: skip
                for when, values in (("before", model[(age, "before")][who]), ("after", model[(age, arm)][who])):
                    e = statistics.share(values)
                    row.update({f"model_share_secure_{when}": e.value, f"model_share_secure_{when}_low": e.low,
                                f"model_share_secure_{when}_high": e.high})  # fmt: skip
                if arm != CONTROL:
                    effect = statistics.paired_difference(after, control)
                    mine = statistics.paired_difference(model[(age, arm)][who], model_control)
                    row.update(effect=effect.value, effect_low=effect.low, effect_high=effect.high,
                               model_effect=mine.value, model_effect_low=mine.low, model_effect_high=mine.high)  # fmt: skip
                    what = "a new caregiver" if arm == "replace" else "the same caregiver"
                    classification = is_classification(after_name)
                    findings.append(
                        Finding(
                            claim="S8",
                            statistic=(
                                f"{what_is_read(after_name)}, {follow_up / DAYS_PER_YEAR:.0f} year(s) after care "
                                f"{DIRECTION[history]} at {age:g} years ({what}), {history} children: changed minus "
                                "no change (paired per child)"
                            ),
                            estimate=effect,
                            expected=-1 if history == "secure history" else 1,
                            units="share of children" if classification else f"{after_name} points",
                            minimum_effect=S8_MINIMUM if classification else S8_SCORE_MINIMUM[after_name],
                        )
                    )
                summary.append(row)
    by_age = pd.DataFrame(summary)

    secure_adults = adult[adult["history"] == "secure history"]
    insecure_adults = adult[adult["history"] == "insecure history"]
    # competence gained is not a finding: the histories start the year at different distances from its ceiling
    for column, label, units in (
        ("mean_exploration", "exploration (mean over episodes)", "share of an episode spent exploring (0-1)"),
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
        f"care changes at {ages} years, read {follow_up} days later by the instrument valid then; adults from "
        f"{s['adult_age']:g} years\nN = {n} children per history (the same children in every arm), seed {seed}"
    )
    fig = _figure(by_age, adults, s["ages"], round(follow_up / DAYS_PER_YEAR, 1), caption)
    readouts = "; ".join(
        f"at {age:g} years {readout[(age, 'before')]}, after {readout[(age, 'after')]}" for age in s["ages"]
    )
    design = (
        f"One population from birth, two blocks of N = {n} children: secure history (a caregiver at the "
        "responsive preset, fixed traits) and insecure history (rejecting preset), caregiver present 90% of home "
        f"episodes. At {ages} years the population is copied into two branches: the same caregiver's care "
        "changes for good (change) or a new person with that care takes its place (replace: the relationship "
        "starts from the child's general prior); responsive care becomes rejecting, rejecting care becomes "
        f"responsive. The unchanged population is the control. Security is read at the change and {follow_up} days "
        f"later by the instrument valid at the age, with its measurement error ({readouts}; a classification where "
        "one is valid, else a score), the same draws in every arm; the model's own strategy read-out is kept "
        f"beside it, not judged. Adults: at {s['adult_age']:g} years the parent leaves and a partner from the "
        f"normative population arrives (the same partner for child i of each block); {ADULT_DAYS} days. Fused "
        f"kernel, seed {seed}."
    )
    reading = (
        "Each column of the left panels is one age at which care changed; top, children whose care worsened "
        "(secure history), bottom, children whose care improved (insecure history). Each panel shows security at "
        "the end of the follow-up as the instrument valid at that age reads it (filled markers: the share secure "
        "of a classification, or the mean Security Scale score, 1-4), with the same children under unchanged care, "
        "and for a classification also the model's own read-out of the strategy with the caregiver (open markers: "
        "no observer, no error); the line under the title gives the read-out at the time of the change, whose "
        "instrument may differ. Security is not fixed where the worsened arms fall below the control and the "
        "improved arms rise above it. From 14 years the state of mind reads the general working model, not the "
        "caregiver's (here the caregiver is the only attachment figure before adulthood, so the two mostly move "
        "together). Where the filled and open markers differ, the instrument's error blurs what the model shows. Right: exploration and learning in the first year with a "
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


def _figure(
    by_age: pd.DataFrame, adults: pd.DataFrame, ages: tuple[float, ...], follow_up_years: float, caption: str
) -> Figure:
    columns = len(ages) + 1
    fig, axes = subplots(2, columns, figsize=(3.6 * columns + 1.0, 8.0), layout="constrained", squeeze=False)
    arms = {
        CONTROL: ("grey", "^", "no change"),
        "change": ("tab:blue", "o", "same caregiver"),
        "replace": ("tab:orange", "s", "new caregiver"),
    }
    for column, age in enumerate(ages):
        for row, history in enumerate(HISTORIES):
            ax = axes[row, column]
            rows = by_age[(by_age["age_of_change_years"] == age) & (by_age["history"] == history)].set_index("arm")
            first = rows.iloc[0]
            after, before = first["readout_after"], first["readout_before"]
            share = is_classification(after)
            for x, (arm, (colour, marker, label)) in enumerate(arms.items()):
                r = rows.loc[arm]
                y = r["security_after"]
                error = [[y - r["security_after_low"]], [r["security_after_high"] - y]]
                ax.errorbar(x, y, yerr=error, color=colour, marker=marker, capsize=3, ls="none", label=label)
                if share:
                    y = r["model_share_secure_after"]
                    error = [[y - r["model_share_secure_after_low"]], [r["model_share_secure_after_high"] - y]]
                    ax.errorbar(x + 0.25, y, yerr=error, color=colour, marker=marker, mfc="none", capsize=2,
                                ls="none")  # fmt: skip
            # one word a line: the labels are raised to 10 px where the report shows the figure (plotting.py)
            ax.set_xticks(range(len(arms)), [label.replace(" ", "\n") for _, _, label in arms.values()], fontsize=8)
            ax.set_xlim(-0.5, len(arms) - 0.25)
            if share:
                ax.set_ylim(-0.02, 1.02)
                ax.set_ylabel(f"share {INSTRUMENTS[after].default_class} ({after})", fontsize=8)
            else:
                if after == "security-scale":
                    ax.set_ylim(*security_scale.SCALE)
                ax.set_ylabel(f"mean {after} score", fontsize=8)
            then = "share secure" if is_classification(before) else "mean score"
            ax.set_title(
                f"{history}: care {DIRECTION[history]} at {age:g} y, read at {age + follow_up_years:g} y\n"
                f"at the change, {before}: {then} {first['security_before']:.2f}",
                fontsize=8,
            )
    axes[0, 0].legend(fontsize=7, title="filled: instrument\nopen: model's own", title_fontsize=7)
    x = np.arange(len(adults))
    for ax, column, label in (
        (axes[0, -1], "mean_exploration", "adult exploration, first year with a partner"),
        (axes[1, -1], "relative_competence_gain", "share of what was left to learn, learnt (shown, not judged)"),
    ):
        y = adults[column].to_numpy()
        error = np.vstack([y - adults[f"{column}_low"], adults[f"{column}_high"] - y])
        ax.bar(x, y, 0.6, yerr=error, capsize=4, color=["tab:green", "tab:red"])
        ax.set_xticks(x, adults["history"], fontsize=8)
        ax.set_title(label, fontsize=9)
        ax.set_ylabel(f"{column} (0-1 scale)", fontsize=8)
    fig.suptitle(
        "Security read by the instrument valid at each age, after care changed, against no change; secure adults "
        f"explore (95% intervals)\n{caption}",
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
        "care see it turn responsive, at 2, 6, 10 or 15 years, by the same caregiver changing or by a new one. Read "
        "as a researcher would, by the instrument valid at the child's age and with its error, does security fall "
        "after worsening and rise after improving, compared with the same children left unchanged, at every age "
        "including adolescence? And do adults with a secure history explore and learn more "
        "than adults with an insecure one under the same present conditions? Falls, rises and higher adult "
        "exploration support the claims; no change, or the reverse, fails to support or contradicts them."
    ),
    run=run,
    calibration_targets=CALIBRATION_TARGETS,
)
