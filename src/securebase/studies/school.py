"""School (S7): an integration teacher who is a secure base at school, against an ordinary teacher.

Design. Children with insecure home histories: each child's home caregiver is
drawn from an at-risk population (equal thirds of the low-warmth, inconsistent
and harsh presets, the hand-set at-risk presets (until model v2b the components of mixed-risk),
docs/model.md §11), with the child from birth (``history = "simulate"``) to
age 5. Then one school year, the schedule of the built-in ``school-year``
scenario (280 days, school 5 days a week, 4 of 8 daily episodes at school,
three weeks of holidays). At school a teacher is with the child in an episode
with probability 0.8 in both arms; the arms differ only in who the teacher is:

- "integration teacher": drawn from the ``integration-teacher`` preset;
- "ordinary teacher": drawn from the ``normative`` preset (ordinary,
  good-enough care by a community adult), present exactly as much.

The school events of ``model/school.py`` (hard tasks, peer approaches,
setbacks) happen in every school episode of the year, from the child's state
in that episode.

Common random numbers: both arms run on the same seed, and the teacher joins
on day 0, so the five years at home are the same in both arms, bit for bit:
they are lived once and the simulation forked at school entry (the fork is
tested to equal a run from birth). In the year both arms draw the same engine
numbers and the same school events' numbers, so children are paired across
arms and the intervals are paired t intervals (friendship, a yes/no outcome,
uses Newcombe's interval for a difference of shares, which ignores the
pairing and is conservative).

Outcomes per child over the school year: hard tasks attempted; peer
approaches; whether a new friend was made; recovery from setbacks (mean
school episodes until anxiety is back to its level just before the setback, at
most 24), and the share of the next tasks offered after a setback that the
child attempted; competence gained. Findings (S7): integration teacher minus ordinary teacher
on each; the claim predicts more attempts, more approaches, more friendships,
more competence, faster recovery (fewer episodes) and more attempts after a
setback. Recovery is counted in school episodes only: the level to return to
is a school episode's, and home episodes (with the at-risk home caregiver)
would mix the home's level in (counted in every episode, the difference comes
out the other way: see docs/model.md §10, "School events").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.simulation import Simulation
from securebase.model.parameters import ModelParameters
from securebase.model.school import DEFAULT_SCHOOL_EVENTS, SchoolEvents
from securebase.plotting import Figure, figure_png, subplots
from securebase.scenario.load import load_scenario
from securebase.scenario.schema import Scenario
from securebase.studies import statistics
from securebase.studies.base import Estimate, Finding, MinimumEffect, Progress, Size, Study, StudyResult
from securebase.studies.running import KERNEL, run_until

HOME_CAREGIVER = "parent"
TEACHER = "teacher"
#: the at-risk home population: the hand-set at-risk presets (docs/model.md §11), in equal shares
AT_RISK = ("low-warmth", "inconsistent", "harsh")
ARMS = {"integration teacher": "integration-teacher", "ordinary teacher": "normative"}
TEACHER_AVAILABILITY = 0.8
START_AGE_YEARS = 5.0
#: children per arm, by size
SIZES = {"quick": 150, "full": 1500}
#: the school events' generator: SeedSequence((seed, SCHOOL_EVENTS_KEY)), apart from the engine's streams
SCHOOL_EVENTS_KEY = 7

#: (column, plain words, units, expected sign)
OUTCOMES: tuple[tuple[str, str, str, int], ...] = (
    ("tasks_attempted", "hard tasks attempted", "tasks per child over the year", 1),
    ("peer_approaches", "peer approaches", "approaches per child over the year", 1),
    ("new_friend", "made a new friend", "share of children", 1),
    ("recovery_episodes", "school episodes to recover from a setback", "school episodes (mean per child)", -1),
    (
        "attempted_next_task_after_setback",
        "next hard task attempted after a setback",
        "share of such tasks (mean per child)",
        1,
    ),
    ("competence_gain", "competence gained", "points on the 0-1 competence scale", 1),
)
#: S7: the smallest difference in each outcome that would matter (a school year has about 185 school days, 740
#: school episodes)
S7_MINIMUM = {
    "tasks_attempted": MinimumEffect(
        10, "about 185 hard tasks are offered in the year (task_rate 0.25): 10 more attempted is 5 points of those"
    ),
    "peer_approaches": MinimumEffect(
        20, "a peer is there in about 370 school episodes (peer_rate 0.5): 20 more approaches is 5 points of those"
    ),
    "new_friend": MinimumEffect(0.05, "a risk difference of 5 percentage points, the usual smallest that matters"),
    "recovery_episodes": MinimumEffect(1, "one school episode (a quarter of a school day) sooner: less goes unnoticed"),
    "attempted_next_task_after_setback": MinimumEffect(0.05, "5 percentage points of the tasks after a setback"),
    "competence_gain": MinimumEffect(
        0.01, "a point of competence (0-1): a tenth of a typical year's growth (0.0008 a day while exploring)"
    ),
}


def school_year() -> dict:
    """The schedule of the built-in school-year scenario."""
    return load_scenario("school-year").schedule.model_dump()


def scenario(arm: str, n: int) -> Scenario:
    return Scenario(
        name="school",
        population={"n_children": n, "start_age_years": START_AGE_YEARS, "history": "simulate"},
        figures=[
            {
                "name": HOME_CAREGIVER,
                "role": "parent",
                "caregiving": {"mixture": [{"preset": preset, "weight": 1.0} for preset in AT_RISK]},
                "availability": {"home": 0.9},
            },
            {
                "name": TEACHER,
                "role": "teacher",
                "caregiving": ARMS[arm],
                "availability": {"school": TEACHER_AVAILABILITY},
                "from_day": 0,
            },
        ],
        schedule=school_year(),
    )


def fork(history: Simulation, arm: str) -> Simulation:
    """A fork of ``history`` (a run that has reached school entry) in which ``arm``'s teacher joins on day 0.

    Everything lived so far is shared (common random numbers, engine ``Simulation.fork``); the teacher is
    a new person drawn from the arm's caregiving population (``replace_figure``), with the same draws in
    every arm, so the arms differ in the teacher's caregiving alone.
    """
    if history.day != 0:
        raise ValueError("fork a run at school entry (day 0)")
    branch = history.fork()
    branch.replace_figure(TEACHER, caregiving=ARMS[arm])
    return branch


def _events_seed(seed: int) -> np.random.SeedSequence:
    return np.random.SeedSequence((seed, SCHOOL_EVENTS_KEY))


def run_school_year(n: int, seed: int, params: ModelParameters, progress: Progress) -> pd.DataFrame:
    """One row per child per arm: the school year's outcomes."""
    names = list(ARMS)
    base = scenario(names[0], n)  # the arms' teachers are drawn at the fork (the scenario's is replaced)
    history = Simulation(base, seed=seed, params=params, kernel=KERNEL)
    progress.reset(total=base.history_days + base.schedule.days * len(names))
    run_until(history, 0, progress)
    runs = {arm: fork(history, arm) for arm in names}
    del history
    rows = []
    for arm in names:
        simulation = runs[arm]
        events = SchoolEvents(n, _events_seed(seed), DEFAULT_SCHOOL_EVENTS, model=params)
        simulation.on_episode = events
        competence_at_entry = simulation.children.competence.copy()
        run_until(simulation, simulation.end_day, progress)
        attempted_after = events.tasks_attempted_after_setback
        offered_after = events.tasks_offered_after_setback
        teacher = simulation.figures.index(TEACHER)
        rows.append(
            pd.DataFrame(
                {
                    "arm": arm,
                    "child": np.arange(n),
                    "teacher_warmth": simulation.figures.warmth[:, teacher],
                    "trust_in_teacher": simulation.children.trust[:, teacher],
                    "mean_felt_security_at_school": events.felt_security_sum / np.maximum(events.school_episodes, 1),
                    "mean_exploration_at_school": events.exploration_sum / np.maximum(events.school_episodes, 1),
                    "tasks_offered": events.tasks_offered,
                    "tasks_attempted": events.tasks_attempted,
                    "tasks_mastered": events.tasks_mastered,
                    "setbacks": events.setbacks,
                    "recovery_episodes": events.mean_recovery_episodes(),
                    "attempted_next_task_after_setback": np.where(
                        offered_after > 0, attempted_after / np.maximum(offered_after, 1), np.nan
                    ),
                    "peer_approaches": events.peer_approaches,
                    "friends_made": events.friends_made,
                    "new_friend": events.friends_made > 0,
                    "competence_at_entry": competence_at_entry,
                    "competence_gain": simulation.children.competence - competence_at_entry,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _estimate(column: str, a: pd.DataFrame, b: pd.DataFrame) -> Estimate:
    if column == "new_friend":
        return statistics.share_difference(a[column], b[column])
    if column in ("recovery_episodes", "attempted_next_task_after_setback"):
        both = a[column].notna().to_numpy() & b[column].notna().to_numpy()
        return statistics.paired_difference(a[column].to_numpy()[both], b[column].to_numpy()[both])
    return statistics.paired_difference(a[column], b[column])


def _arm_estimate(column: str, rows: pd.DataFrame) -> Estimate:
    values = rows[column].dropna()
    return statistics.share(values) if column == "new_friend" else statistics.mean(values)


def run(size: Size, seed: int, calibration: Calibration, progress: Progress) -> StudyResult:
    params = calibration.params
    n = SIZES[size]
    children = run_school_year(n, seed, params, progress)
    names = list(ARMS)
    a, b = (children[children["arm"] == arm].reset_index(drop=True) for arm in names)
    findings = [
        Finding(
            claim="S7",
            statistic=f"{words}, integration teacher minus ordinary teacher (per child, over the school year)",
            estimate=_estimate(column, a, b),
            expected=expected,
            units=units,
            minimum_effect=S7_MINIMUM[column],
        )
        for column, words, units, expected in OUTCOMES
    ]
    by_arm = pd.DataFrame(
        [
            {"arm": arm, "outcome": column, "units": units, **vars(_arm_estimate(column, rows))}
            for column, _, units, _ in OUTCOMES
            for arm, rows in ((names[0], a), (names[1], b))
        ]
    ).rename(columns={"value": "mean", "low": "low_95", "high": "high_95"})
    both = int((a["recovery_episodes"].notna() & b["recovery_episodes"].notna()).sum())
    next_task = int(
        (a["attempted_next_task_after_setback"].notna() & b["attempted_next_task_after_setback"].notna()).sum()
    )
    caption = (
        f"children with at-risk home care ({', '.join(AT_RISK)}) from birth to {START_AGE_YEARS:g} years, "
        f"then one school year; N = {n} children per arm, paired; seed {seed}"
    )
    design = (
        f"N = {n} children per arm, seed {seed}. Each child's home caregiver is drawn from an at-risk population "
        f"(equal thirds of the {', '.join(AT_RISK)} presets) and is with the child from birth; at age "
        f"{START_AGE_YEARS:g} the child starts one school year (the built-in school-year schedule: 280 days, "
        f"school 5 days a week, 4 of 8 daily episodes at school, three weeks of holidays). At school a teacher "
        f"is present in an episode with probability {TEACHER_AVAILABILITY}: in one arm an integration teacher "
        "(integration-teacher preset), in the other an ordinary teacher (normative preset), present as much. "
        "School events (model/school.py: hard tasks, peer approaches, setbacks) follow the child's state in "
        "each school episode. The five years at home are lived once and shared by both arms (same seed, "
        "common random numbers), so children are paired. Recovery (school episodes until anxiety is back to "
        f"its level before the setback, at most 24) is compared over the {both} children with a setback in "
        f"both arms, and attempting the next task after a setback over the {next_task} children offered one "
        "in both arms."
    )
    reading = (
        "Each panel shows one outcome over the school year for the two arms (bars: mean per child, or share "
        "of children for friendship; error bars: 95% intervals), with the paired difference, integration "
        "teacher minus ordinary teacher, and its 95% interval in the title. The claim (S7) is supported "
        "where children with the integration teacher attempt more hard tasks, approach peers more, make a "
        "friend more often, gain more competence, recover from setbacks in fewer school episodes and try the next task after a setback more often, with the "
        "interval of the difference excluding zero; an interval that includes zero does not show the "
        "claim. The teacher is the only difference between the arms: the home care, the time at school "
        "and the events' random numbers are the same."
    )
    return StudyResult(
        name="school",
        claims=("S7",),
        size=size,
        seed=seed,
        design=design,
        findings=findings,
        tables={"children": children, "arms": by_arm},
        figure_png=figure_png(_figure(by_arm, findings, caption)),
        reading=reading,
    )


def _figure(by_arm: pd.DataFrame, findings: list[Finding], caption: str) -> Figure:
    fig, axes = subplots(2, 3, figsize=(11, 7.5))
    axes = axes.ravel()
    colours = ("tab:green", "tab:grey")
    for ax, (column, words, units, _), finding in zip(axes, OUTCOMES, findings, strict=True):
        rows = by_arm[by_arm["outcome"] == column]
        x = np.arange(len(rows))
        error = np.vstack([rows["mean"] - rows["low_95"], rows["high_95"] - rows["mean"]])
        ax.bar(x, rows["mean"], yerr=error, capsize=4, color=colours, label=list(rows["arm"]))
        ax.set_xticks(x, [arm.replace(" ", "\n") for arm in rows["arm"]], fontsize=8)
        ax.set_ylabel(units, fontsize=8)
        e = finding.estimate
        ax.set_title(f"{words}\ndifference {e.value:+.3g}\n[{e.low:+.3g}, {e.high:+.3g}]", fontsize=9)
    fig.suptitle(
        "S7: integration teacher (a secure base at school) vs ordinary teacher, over one school year "
        f"(error bars: 95% intervals)\n{caption}",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


STUDY = Study(
    name="school",
    claims=("S7",),
    sentence=(
        "When we build a secure attachment with the child we\u2019re working with, i.e. are a secure base for "
        "them at school, we are providing them with the safety they need to do things that might be difficult "
        "for them, to take the risk of trying to make a new friend, to navigate challenges and setbacks, and "
        "to feel confident in their ability to achieve their goals."
    ),
    question=(
        "Children whose home care was insecure start school with either an integration teacher who is a "
        "secure base or an ordinary teacher, present at school as much. Do the children with the integration "
        "teacher attempt more hard tasks, approach peers more and make a new friend more often, recover from "
        "setbacks faster and gain more competence over the year? Positive differences (fewer episodes to "
        "recover) with intervals excluding zero support the claim; differences the other way contradict it."
    ),
    run=run,
)
