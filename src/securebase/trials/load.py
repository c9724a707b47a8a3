"""Reading trial files: TOML in, a validated Trial out (its scenario built, every age checked), or one paragraph of error."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from securebase.model.timescale import DAYS_PER_YEAR
from securebase.scenario.caregiving import UnknownPresetError, resolve
from securebase.scenario.load import ScenarioError, describe, load_scenario, preset_scenarios, read_spec
from securebase.scenario.schema import Scenario
from securebase.sizing import BASE_BYTES, Estimate, available_memory, run_estimate, size_text
from securebase.trials.catalogue import INSTRUMENTS
from securebase.trials.spec import Change, TrialSpec, age_bounds


class TrialError(ScenarioError):
    """A trial that cannot be used or run; the message names the field, the value and what was expected."""


@dataclass(frozen=True)
class Trial:
    """A trial ready to run: its spec, its population's scenario (any size), and the file's hash."""

    spec: TrialSpec
    scenario: Scenario
    file_hash: str = ""
    origin: str = "trial"

    @property
    def arm_names(self) -> list[str]:
        return [arm.name for arm in self.spec.arms]

    @property
    def start_months(self) -> float:
        return self.scenario.population.start_age_years * 12.0

    @property
    def end_months(self) -> float:
        return self.start_months + self.scenario.schedule.days / DAYS_PER_YEAR * 12.0

    @property
    def simulated_days(self) -> int:
        """Days simulated by one trial: the shared history, then every arm."""
        return self.scenario.history_days + self.scenario.schedule.days * len(self.spec.arms)

    def scenario_for(self, n_per_arm: int) -> Scenario:
        """The population for a trial of ``n_per_arm`` children per arm (every child lives every arm: see run)."""
        population = self.scenario.population.model_copy(update={"n_children": n_per_arm * len(self.spec.arms)})
        return self.scenario.model_copy(update={"population": population, "seed": self.spec.seed})

    @property
    def population_figure(self) -> str:
        """The figure whose caregiving the population names (default: the scenario's first)."""
        return self.spec.population.figure or self.scenario.figures[0].name

    def added_figures(self) -> list[tuple[str, tuple[float, float]]]:
        """Figures the arms bring that the population does not have, with their availability, in order."""
        names = {f.name for f in self.scenario.figures}
        found: dict[str, tuple[float, float]] = {}
        for arm in self.spec.arms:
            for change in arm.changes:
                if change.kind == "add" and change.figure not in names and change.figure not in found:
                    found[change.figure] = (change.availability.home, change.availability.school)
        return list(found.items())


def load_trial(path: str | Path) -> Trial:
    """A trial file, validated down to its population and every age (raises TrialError)."""
    path = Path(path)
    spec, raw, origin = read_spec(path, TrialSpec, "trial", TrialError)
    return build_trial(spec, base_folder=path.parent, origin=origin, file_hash=hashlib.sha256(raw).hexdigest())


def build_trial(spec: TrialSpec, base_folder: Path = Path(), origin: str = "trial", file_hash: str = "") -> Trial:
    """A validated spec made ready: its population's scenario loaded and changed, the arms checked against it."""
    population = spec.population
    source = population.scenario if population.scenario in preset_scenarios() else base_folder / population.scenario
    try:
        scenario = load_scenario(source)
    except ScenarioError as error:
        raise TrialError(f"{origin} is not valid: field 'population.scenario': {error}") from None
    data = scenario.model_dump(mode="python", exclude_none=True)
    figures = [f.name for f in scenario.figures]
    if population.figure is not None and population.figure not in figures:
        raise TrialError(
            f"{origin} is not valid: field 'population.figure' has value {population.figure!r}; "
            f"expected one of the scenario's figures: {', '.join(figures)}."
        )
    if population.caregiving is not None:
        try:
            resolve(population.caregiving)
        except UnknownPresetError as error:
            raise TrialError(f"{origin} is not valid: field 'population.caregiving': {error}.") from None
        target = population.figure or figures[0]
        for figure in data["figures"]:
            if figure["name"] == target:
                figure["caregiving"] = population.caregiving
    if population.months is not None:  # to the day the children reach the age months after the start
        end_months = scenario.population.start_age_years * 12.0 + population.months
        data["schedule"]["days"] = max(1, day_of_age(scenario, end_months))
    try:
        scenario = Scenario(**data)
    except ValidationError as error:
        raise TrialError(f"{origin} is not valid: the population: {describe(error, Scenario, data)}") from None
    trial = Trial(spec=spec, scenario=scenario, file_hash=file_hash, origin=origin)
    _check_arms(trial, origin)
    _check_measures(trial, origin)
    return trial


def _fail(origin: str, field: str, value: object, expected: str) -> TrialError:
    return TrialError(f"{origin} is not valid: field '{field}' has value {value!r}; expected {expected}.")


def _shown(age: object) -> object:
    return age.model_dump(exclude_none=True) if hasattr(age, "model_dump") else age


def day_of_age(scenario: Scenario, months: float) -> int:
    """The scenario day a child reaches ``months``, counted as the engine counts it (engine/care.py days_of_ages)."""
    if scenario.population.history == "simulate":  # the children are born on the history's first day
        return -scenario.history_days + int(np.rint(months / 12.0 * DAYS_PER_YEAR))
    return int(np.rint(months / 12.0 * DAYS_PER_YEAR - scenario.population.start_age_years * DAYS_PER_YEAR))


def _check_age(trial: Trial, origin: str, field: str, age: object, end_allowed: bool = False) -> None:
    """Refuse ages outside the run (as the engine counts them: the day each age falls on)."""
    start, end = trial.start_months, trial.end_months
    days = trial.scenario.schedule.days
    low, high = (day_of_age(trial.scenario, months) for months in age_bounds(age))
    if low < 0 or (high > days if end_allowed else high >= days):
        raise _fail(
            origin,
            field,
            _shown(age),
            f"ages within the run, from {start:g} months (the population's start) to "
            f"{'' if end_allowed else 'before '}{end:.3g} months (its end)",
        )


def _check_arms(trial: Trial, origin: str) -> None:
    present = {f.name for f in trial.scenario.figures}
    for i, arm in enumerate(trial.spec.arms):
        added = {c.figure for c in arm.changes if c.kind == "add"}
        for j, change in enumerate(arm.changes):
            where = f"arms[{i}].changes[{j}]"
            if change.figure not in present | added:
                expected = f"one of the population's figures ({', '.join(sorted(present))}) or one an 'add' brings"
                raise _fail(origin, f"{where}.figure", change.figure, expected)
            if change.kind == "add" and change.figure not in present and change.availability is None:
                raise _fail(origin, f"{where}.availability", None, "the new figure's availability { home, school }")
            for name in ("caregiving",):
                value = getattr(change, name)
                if value is not None:
                    try:
                        resolve(value)
                    except UnknownPresetError as error:
                        raise TrialError(f"{origin} is not valid: field '{where}.{name}': {error}.") from None
            when = "from_age_months" if change.kind == "change" else "at_age_months"
            _check_age(trial, origin, f"{where}.{when}", getattr(change, when))
            if change.until_age_months is not None:
                _check_age(trial, origin, f"{where}.until_age_months", change.until_age_months, end_allowed=True)
        _check_overlaps(arm.changes, origin, i)


def _check_overlaps(changes: list[Change], origin: str, arm: int) -> None:
    """Refuse changes of one figure whose windows contradict: the same trait changed twice at once, or a person
    replaced, added or removed while a change of that figure with an end is on (its end would put back the
    previous person's traits). A later change for good supersedes an earlier one for good."""
    for j, later in enumerate(changes):
        for i, earlier in enumerate(changes[:j]):
            if earlier.figure != later.figure or "change" not in (earlier.kind, later.kind):
                continue
            (a_low, a_high), (b_low, b_high) = earlier.window, later.window
            if earlier.kind == later.kind == "change":
                if not set(earlier.traits) & set(later.traits):
                    continue
                superseded = earlier.until_age_months is None and b_low > a_low
                overlap = not superseded and a_low < b_high and b_low < a_high
            else:
                change, other = (earlier, later) if earlier.kind == "change" else (later, earlier)
                low, high = change.window
                o_low, o_high = other.window
                overlap = change.until_age_months is not None and o_low < high and low <= o_high
            if overlap:
                raise _fail(
                    origin,
                    f"arms[{arm}].changes[{j}]",
                    f"{later.kind} of {later.figure}",
                    f"no overlap with arms[{arm}].changes[{i}] ({earlier.kind} of {earlier.figure}, months "
                    f"{a_low:g} to {a_high:g}): changes of one figure that overlap contradict each other",
                )


def _check_measures(trial: Trial, origin: str) -> None:
    names = {f.name for f in trial.scenario.figures} | {name for name, _ in trial.added_figures()}
    for i, measure in enumerate(trial.spec.measures):
        where = f"measures[{i}]"
        if measure.figure not in names:
            raise _fail(origin, f"{where}.figure", measure.figure, f"one of the figures: {', '.join(sorted(names))}")
        info = INSTRUMENTS[measure.instrument]
        if measure.outcome_class is not None and measure.outcome_class not in info.classes:
            expected = f"one of {', '.join(info.classes)}" if info.classes else "none (its reading is a number)"
            raise _fail(origin, f"{where}.outcome_class", measure.outcome_class, f"{expected} for {measure.instrument}")
        low, high = age_bounds(measure.at_age_months)
        valid_low, valid_high = info.valid_months
        if low < valid_low or high > valid_high:
            raise _fail(
                origin,
                f"{where}.at_age_months",
                _shown(measure.at_age_months),
                f"an age the {measure.instrument} is valid at, {valid_low:g} to {valid_high:g} months ({info.source})",
            )
        _check_age(trial, origin, f"{where}.at_age_months", measure.at_age_months, end_allowed=True)


#: ``--quick``: a first look in minutes on a laptop (docs/trials.md), not a design's answer
QUICK_N_PER_ARM = 200
QUICK_POWER_SIZES = (25, 50, 100)
QUICK_REPLICATES = 10
MAX_N_PER_ARM, MAX_REPLICATES = 10_000_000, 100_000


def resized(trial: Trial, n_per_arm: int | None = None, replicates: int | None = None, quick: bool = False) -> Trial:
    """``trial`` at another size: ``n_per_arm`` children per arm, ``replicates`` power replicates; ``quick`` makes
    the defaults small (QUICK_*: 200 per arm, a power curve at 25, 50 and 100 per arm of 10 replicates, where the
    file has one). Raises TrialError naming the option for a size out of range, or replicates without a curve."""
    if n_per_arm is not None and not 1 <= n_per_arm <= MAX_N_PER_ARM:
        raise TrialError(f"--n-per-arm has value {n_per_arm}; expected a whole number from 1 to {MAX_N_PER_ARM:,}.")
    if replicates is not None and not 1 <= replicates <= MAX_REPLICATES:
        raise TrialError(f"--replicates has value {replicates}; expected a whole number from 1 to {MAX_REPLICATES:,}.")
    spec = trial.spec
    if replicates is not None and spec.power is None:
        raise TrialError(
            f"--replicates has value {replicates}, but {trial.origin} has no [power] table; expected a trial "
            "with a power curve (add [power] with n_per_arm = [...])."
        )
    update: dict[str, object] = {}
    if n_per_arm is not None or quick:
        update["n_per_arm"] = n_per_arm if n_per_arm is not None else QUICK_N_PER_ARM
    if spec.power is not None and (quick or replicates is not None):
        sizes = list(QUICK_POWER_SIZES) if quick else spec.power.n_per_arm
        count = replicates if replicates is not None else QUICK_REPLICATES
        update["power"] = spec.power.model_copy(update={"n_per_arm": sizes, "replicates": count})
    if not update:
        return trial
    return dataclasses.replace(trial, spec=spec.model_copy(update=update))


def check_size(trial: Trial, n_per_arm: int, origin: str) -> None:
    """Refuse, before running, a trial whose population cannot fit in memory (a run and one fork at a time)."""
    scenario = trial.scenario_for(n_per_arm)
    n = scenario.population.n_children
    doubled = scenario.population.model_copy(update={"n_children": 2 * n})
    estimate = run_estimate(scenario.model_copy(update={"population": doubled}))
    available = available_memory()
    if available is not None and estimate.bytes > available:
        per_arm = (estimate.bytes - BASE_BYTES) / n_per_arm
        fits = max(int((available - BASE_BYTES) / per_arm), 0)
        raise TrialError(
            f"{origin} is too large: n_per_arm = {n_per_arm:,} with {len(trial.spec.arms)} arms needs "
            f"{size_text(estimate.bytes)} of memory (every child lives every arm: {n:,} children and one fork of "
            f"them at a time), and this machine has {size_text(available)} available; expected a trial that fits "
            f"(at most about {fits:,} children per arm here, or a machine with more memory)."
        )


def estimate(trial: Trial, processes: int) -> Estimate:
    """The memory and time of running ``trial``: the trial itself, then its power replicates (each a trial at the
    largest N) on ``processes`` local processes. Each trial is costed as a run (sizing.run_estimate) of its children
    over its simulated days, with one fork of them held at a time; the instruments' readings are left out."""

    def one(n_per_arm: int) -> Estimate:
        scenario = trial.scenario_for(n_per_arm)
        doubled = scenario.population.model_copy(update={"n_children": 2 * scenario.population.n_children})
        run = run_estimate(scenario)
        days = scenario.history_days + scenario.schedule.days
        return Estimate(run_estimate(scenario.model_copy(update={"population": doubled})).bytes,
                        run.seconds * trial.simulated_days / max(days, 1))  # fmt: skip

    main = one(trial.spec.n_per_arm)
    power = trial.spec.power
    if power is None:
        return main
    replicate = one(power.n_per_arm[-1])
    workers = min(processes, power.replicates)
    return Estimate(
        max(main.bytes, BASE_BYTES + workers * replicate.bytes),
        main.seconds + power.replicates * replicate.seconds / workers,
    )
