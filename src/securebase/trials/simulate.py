"""Simulating a trial: one population, every child living every arm (forks on common random numbers), randomised.

The population (N per arm x arms children) lives its shared history once; at the start of the trial it
is forked once per arm (``Simulation.fork``) and each fork makes its arm's changes of care; the
measurement schedule, registered before the fork, runs in every arm. So each child has its outcome
under every arm (its potential outcomes) on the same random numbers: an arm that changes nothing
equals the control bit for bit. The randomisation (seeded) assigns each child to one arm; the trial's
analysis uses each child under its own arm only, as a real parallel-group trial sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from securebase import statistics as methods
from securebase.calibration.calibration import Calibration
from securebase.engine.care import CareError, care_generator
from securebase.engine.simulation import Simulation
from securebase.trials import analysis
from securebase.trials.catalogue import INSTRUMENTS
from securebase.trials.load import Trial, TrialError
from securebase.trials.measures import instrument, logit_shift_for_sd
from securebase.trials.spec import AgeDraw, Change, Measure

#: keys of the trial's own generators (the randomisation, the measures' ages, the replicates' seeds)
RANDOMISE_KEY, AGES_KEY, REPLICATE_KEY = 0x7A1, 0x7A2, 0x7A3

Progress = Callable[[int], None]


def assignment(seed: int, n_per_arm: int, arms: int) -> np.ndarray:
    """The arm (index) each child is randomised to: ``n_per_arm`` each, in a random order."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence((seed, RANDOMISE_KEY))))
    return rng.permutation(np.repeat(np.arange(arms), n_per_arm))


def replicate_seed(seed: int, replicate: int) -> int:
    """The seed of a power-curve replicate: a new trial (new children, new randomisation) for each."""
    return int(np.random.SeedSequence((seed, REPLICATE_KEY, replicate)).generate_state(1, np.uint32)[0])


def _ages(age: float | AgeDraw, n: int, rng: np.random.Generator) -> np.ndarray:
    """Ages in years, one per child: the number given, or drawn (kept within the distribution's bounds)."""
    if not isinstance(age, AgeDraw):
        return np.full(n, float(age) / 12.0)
    low, high = age.bounds
    months = rng.uniform(low, high, n) if age.uniform is not None else rng.normal(*age.normal, n)
    return np.clip(months, low, high) / 12.0


def _make(simulation: Simulation, change: Change, calibration: Calibration) -> None:
    """One change of care of an arm, on its fork (the engine's API)."""
    n = simulation.children.n
    rng = care_generator(simulation.seed, AGES_KEY, simulation.care_calls + 1)
    simulation.care_calls += 1
    when = change.from_age_months if change.kind == "change" else change.at_age_months
    who = np.flatnonzero(rng.random(n) < change.probability) if change.probability < 1.0 else np.arange(n)
    ages = _ages(when, who.size, rng)
    if change.kind == "change":
        traits, mode = dict(change.traits), change.mode
        if mode == "sd":  # SDs of the observed sensitivity of these caregivers now, as a logit shift of the traits
            sd_units = next(iter(traits.values()))
            shift = logit_shift_for_sd(
                simulation.figures, change.figure, tuple(traits), sd_units, calibration.params,
                calibration.instruments.observer_sd,
            )  # fmt: skip
            traits, mode = dict.fromkeys(traits, shift), "logit"
        until = None if change.until_age_months is None else change.until_age_months / 12.0
        simulation.change_care(change.figure, traits, who=who, mode=mode, from_age_years=ages,
                               until_age_years=until, ramp_days=change.ramp_days)  # fmt: skip
    elif change.kind == "replace":
        simulation.replace_figure(change.figure, who=who, at_age_years=ages, caregiving=change.caregiving)
    elif change.kind == "add":
        simulation.add_figure(change.figure, who=who, at_age_years=ages, caregiving=change.caregiving)
    else:
        simulation.remove_figure(change.figure, who=who, at_age_years=ages)


def _run(simulation: Simulation, progress: Progress | None) -> None:
    while not simulation.finished:
        simulation.step()
        if progress is not None:
            progress(1)


@dataclass(frozen=True)
class TrialRun:
    """Every child's readings under every arm (``outcomes``: tidy) and the arm it was randomised to."""

    outcomes: pd.DataFrame
    assigned: np.ndarray


def simulate_trial(
    trial: Trial,
    n_per_arm: int,
    seed: int,
    calibration: Calibration,
    kernel: str = "cpu",
    progress: Progress | None = None,
) -> TrialRun:
    """Simulate ``trial`` with ``n_per_arm`` children per arm: one row per child, arm and measure."""
    spec = trial.spec
    names = trial.arm_names
    scenario = trial.scenario_for(n_per_arm)
    try:
        base = Simulation(scenario, seed=seed, params=calibration.params, kernel=kernel)
    except ValueError as error:  # a population the kernel or the arms' size cannot take (e.g. classes)
        raise TrialError(f"{trial.origin}: the population cannot be simulated: {error}.") from None
    for figure, availability in trial.added_figures():  # before the fork: every arm has the same figures
        base.add_figure(figure, availability=availability, who=np.array([], np.int64))
    n = base.children.n
    ages_rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence((seed, AGES_KEY))))
    for measure in spec.measures:
        try:
            base.schedule(
                measure.name,
                instrument(measure.instrument, measure.figure, calibration),
                at_age_years=_ages(measure.at_age_months, n, ages_rng),
            )
        except CareError as error:
            raise TrialError(f"{trial.origin}: measure '{measure.name}' cannot be scheduled: {error}.") from None
    while base.day < 0:  # the history every arm shares
        base.step()
        if progress is not None:
            progress(1)
    children = covariates(base, trial.population_figure)
    frames = []
    for index, arm in enumerate(spec.arms):
        fork = base.fork() if index < len(spec.arms) - 1 else base
        try:
            for change in arm.changes:
                _make(fork, change, calibration)
        except CareError as error:
            raise TrialError(f"{trial.origin}: arm '{arm.name}' cannot be made: {error}.") from None
        _run(fork, progress)
        table = fork.measurement_table()
        table.insert(0, "arm", arm.name)
        frames.append(table)
        del fork
    outcomes = pd.concat(frames, ignore_index=True)
    assigned = assignment(seed, n_per_arm, len(names))
    outcomes.insert(1, "assigned", np.asarray(names, dtype=object)[assigned[outcomes["child"].to_numpy()]])
    kinds = {m.name: (INSTRUMENTS[m.instrument].kind, outcome_class(m)) for m in spec.measures}
    if "classification" in outcomes:
        is_class = outcomes["measure"].map(lambda m: kinds[m][0] == "classification").to_numpy()
        counted = outcomes["measure"].map(lambda m: kinds[m][1]).to_numpy()
        value = outcomes["value"].to_numpy(float) if "value" in outcomes else np.full(len(outcomes), np.nan)
        outcomes["value"] = np.where(is_class, (outcomes["classification"] == counted).astype(float), value)
    outcomes = outcomes.merge(children, on="child", how="left", validate="many_to_one")
    return TrialRun(outcomes=outcomes, assigned=assigned)


#: the child covariates the outcome tables carry, as each child was at the trial's start (before any arm's change)
COVARIATES = ("negative_emotionality", "soothability", "trust_at_start", "sensitivity_at_start")


def covariates(simulation: Simulation, figure: str) -> pd.DataFrame:
    """Each child's temperament (multipliers around 1: need, and how soon it is soothed) and history at the start:
    its general trust (the prior every new relationship starts from, shaped by the history lived) and the
    population figure's sensitivity. Taken before the fork, so identical in every arm (moderators, not outcomes)."""
    kids, figures = simulation.children, simulation.figures
    return pd.DataFrame({
        "child": np.arange(kids.n),
        "negative_emotionality": kids.negative_emotionality.astype(float),
        "soothability": kids.soothability.astype(float),
        "trust_at_start": kids.prior_trust.astype(float),
        "sensitivity_at_start": figures.sensitivity[:, figures.index(figure)].astype(float),
    })  # fmt: skip


def outcome_class(measure: Measure) -> str:
    """The class whose share is a classification's outcome: the file's, or the instrument's default."""
    return measure.outcome_class or INSTRUMENTS[measure.instrument].default_class


def days_of(trial: Trial) -> int:
    """Days simulated by one trial (the shared history, then every arm): the progress bar's unit."""
    return trial.simulated_days


def own_arm(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The rows a parallel-group trial sees: each child under the arm it was randomised to."""
    return outcomes[outcomes["arm"] == outcomes["assigned"]]


def is_binary(trial: Trial, measure: str) -> bool:
    spec = next(m for m in trial.spec.measures if m.name == measure)
    return INSTRUMENTS[spec.instrument].kind == "classification"


def comparisons(trial: Trial) -> list[tuple[str, str, str]]:
    """(arm, reference, kind): every intervention arm against the control ('vs control'), then the file's contrasts
    between two arms ('contrast': dose, timing), each analysed the same way."""
    control = trial.spec.control
    pairs = [(arm, control, "vs control") for arm in trial.arm_names if arm != control]
    return pairs + [(arm, reference, "contrast") for arm, reference in trial.spec.contrast_pairs(trial.arm_names)]


def paired_values(outcomes: pd.DataFrame, measure: str, arm: str, reference: str) -> pd.DataFrame:
    """Every child's reading under ``arm`` and under ``reference`` (columns arm, reference; index child)."""
    every = outcomes[outcomes["measure"] == measure]
    under = [every[every["arm"] == name].set_index("child")["value"] for name in (arm, reference)]
    return pd.concat(under, axis=1, keys=["arm", "reference"]).dropna()


def estimates(trial: Trial, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Every outcome, every comparison (each intervention arm against the control, then the contrasts between two
    arms): the statistics with their 95% intervals.

    ``sample`` 'randomised' rows use each child under its own arm (the trial); 'every child' rows compare
    every child under the arm with itself under the reference arm (the model's average effect: paired, no
    allocation noise; a real trial cannot see it). ``control`` is the reference arm of the comparison.
    """
    seen = own_arm(outcomes)
    rows = []
    roles = [("primary", trial.spec.analysis.primary)] + [("secondary", m) for m in trial.spec.outcomes[1:]]
    for role, measure in roles:
        binary = is_binary(trial, measure)
        mine = seen[seen["measure"] == measure]
        for arm, reference, kind in comparisons(trial):
            base = mine.loc[mine["arm"] == reference, "value"].to_numpy(float)
            values = mine.loc[mine["arm"] == arm, "value"].to_numpy(float)
            head = {"outcome": measure, "role": role, "comparison": kind, "arm": arm, "control": reference,
                    "n_arm": values.size, "n_control": base.size}  # fmt: skip
            if binary:
                found = analysis.compare_shares(int(values.sum()), values.size, int(base.sum()), base.size)
            elif values.size >= 2 and base.size >= 2:
                found = analysis.compare_means(values, base)
            else:
                found = []
            rows += [{**head, "sample": "randomised", **c.to_dict()} for c in found]
            pairs = paired_values(outcomes, measure, arm, reference)
            if len(pairs) >= 2:
                if binary:  # in the class or not, each child under both: Newcombe's paired score interval
                    estimate = methods.paired_share_difference(pairs["arm"] == 1.0, pairs["reference"] == 1.0)
                else:
                    estimate = methods.paired_difference(pairs["arm"], pairs["reference"])
                statistic = "risk difference" if binary else "mean difference"
                # the share of children whose class changes: a share's "every child flipped"; a reading has none
                changed = float((pairs["arm"] != pairs["reference"]).mean()) if binary else np.nan
                rows.append({**head, "n_arm": len(pairs), "n_control": len(pairs), "sample": "every child",
                             "statistic": statistic, "value": estimate.value, "low": estimate.low,
                             "high": estimate.high, "p_value": np.nan, "changed": changed})  # fmt: skip
    table = pd.DataFrame(rows)
    if not table.empty:
        table["flags"] = [
            "; ".join(analysis.plausibility_flags(r.statistic, r.value, r.p_value, getattr(r, "changed", np.nan)))
            for r in table.itertuples()
        ]
    return table


def power_rows(trial: Trial, run: TrialRun, sizes: list[int], replicate: int) -> pd.DataFrame:
    """One replicate's tests of the primary outcome at each N per arm (the first N children of each arm)."""
    measure = trial.spec.analysis.primary
    binary = is_binary(trial, measure)
    control = trial.spec.control
    seen = own_arm(run.outcomes)
    seen = seen[seen["measure"] == measure].sort_values("child")
    by_arm = {arm: seen.loc[seen["arm"] == arm, "value"].to_numpy(float) for arm in trial.arm_names}
    rows = []
    for n in sizes:
        base = by_arm[control][:n]
        for arm in trial.arm_names:
            if arm == control:
                continue
            values = by_arm[arm][:n]
            p = analysis.primary_p(values, base, binary)
            rows.append({"replicate": replicate, "n_per_arm": n, "arm": arm, "outcome": measure,
                         "estimate": float(values.mean() - base.mean()), "p_value": p,
                         "significant": bool(p < trial.spec.analysis.alpha)})  # fmt: skip
    return pd.DataFrame(rows)



#: the covariates the moderator analysis asks about (temperament: "does it work for irritable infants only?")
MODERATORS = ("negative_emotionality", "soothability")


def moderators(trial: Trial, outcomes: pd.DataFrame) -> pd.DataFrame:
    """The primary outcome's effect by each moderator, every intervention arm against the control
    (analysis.moderation: the paired effect by tertile, and the arm x moderator interaction a trial could test)."""
    measure = trial.spec.analysis.primary
    control = trial.spec.control
    mine = outcomes[outcomes["measure"] == measure]
    if mine.empty or not set(MODERATORS) <= set(mine.columns):
        return pd.DataFrame()
    seen = own_arm(mine)
    frames = []
    for arm, reference, kind in comparisons(trial):
        if kind != "vs control":
            continue
        pairs = paired_values(outcomes, measure, arm, reference)
        children = mine[mine["arm"] == control].set_index("child")[list(MODERATORS)]
        pairs = pairs.join(children, how="left")
        randomised = seen[seen["arm"].isin([arm, control])]
        randomised = randomised.assign(treated=(randomised["arm"] == arm).astype(float))
        for moderator in MODERATORS:
            found = analysis.moderation(pairs, randomised, moderator, binary=is_binary(trial, measure))
            found.insert(0, "outcome", measure)
            found.insert(1, "arm", arm)
            found.insert(2, "control", control)
            frames.append(found)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _effect(value: float, low: float, high: float, binary: bool) -> str:
    """An effect with its interval: percentage points for a share, the reading's units for a mean."""
    if binary:
        return f"{100 * value:+.1f} percentage points [{100 * low:+.1f}, {100 * high:+.1f}]"
    if max(abs(value), abs(low), abs(high)) < 0.01:  # "+0.000", not "-5.98e-07": no effect, said plainly
        return f"{value:+.3f} [{low:+.3f}, {high:+.3f}]"
    return f"{value:+.3g} [{low:+.3g}, {high:+.3g}]"


def headlines(trial: Trial, table: pd.DataFrame) -> list[str]:
    """One paragraph per comparison of the primary outcome (headline_parts, joined): what the console says."""
    return [f"{lead} {detail}" for lead, detail in headline_parts(trial, table)]


def headline_parts(trial: Trial, table: pd.DataFrame) -> list[tuple[str, str]]:
    """Per comparison of the primary outcome, the headline (the every-child (paired) effect) and its detail (what
    the randomised trial estimated, the allocation noise between them, and the flags the estimates earned)."""
    spec = trial.spec
    measure = spec.analysis.primary
    binary = is_binary(trial, measure)
    described = next(m for m in spec.measures if m.name == measure)
    what = (f"the share classified {outcome_class(described)} ({measure}, {described.instrument})" if binary
            else f"{measure} ({described.instrument})")  # fmt: skip
    difference = "risk difference" if binary else "mean difference"
    sentences = []
    mine = table[table["outcome"] == measure] if not table.empty else table
    for arm, reference, kind in comparisons(trial):
        rows = mine[(mine["arm"] == arm) & (mine["control"] == reference)]
        paired = rows[(rows["sample"] == "every child") & (rows["statistic"] == difference)]
        randomised = rows[(rows["sample"] == "randomised") & (rows["statistic"] == difference)]
        if paired.empty or randomised.empty:
            continue
        every, seen = paired.iloc[0], randomised.iloc[0]
        noise = seen["value"] - every["value"]
        noise_said = f"{100 * noise:+.1f} points" if binary else f"{noise:+.3g}"
        d_row = rows[(rows["sample"] == "randomised") & rows["statistic"].isin(["Cohen's d", "logit-method d"])]
        d_said = f", {d_row.iloc[0]['statistic']} {d_row.iloc[0]['value']:+.2f}" if not d_row.empty else ""
        opening = "In this virtual trial" if kind == "vs control" else "Between two arms"
        said = [f for cell in rows.get("flags", []) if isinstance(cell, str) and cell for f in cell.split("; ")]
        flags = "; ".join(dict.fromkeys(said))  # each flag once, in order
        lead = (
            f"{opening}, {arm} changed {what} by {_effect(every['value'], every['low'], every['high'], binary)} "
            f"compared with {reference} (every child under both arms: the model's effect)."
        )
        detail = (
            f"A randomised trial of {int(seen['n_arm']):,} and {int(seen['n_control']):,} children estimated "
            f"{_effect(seen['value'], seen['low'], seen['high'], binary)} (p {_p_said(seen['p_value'])}{d_said}); "
            f"the gap, {noise_said}, is allocation noise." + (f" Flags: {flags}." if flags else "")
        )
        sentences.append((lead, detail))
    return sentences


def _p_said(p_value: float) -> str:
    said = analysis.format_p(p_value)
    return said if said.startswith("<") else f"= {said}"
