"""Running a trial into an output folder: the trial itself and the power curve's replicates, each a task.

Every task (``trial``: the trial at its N per arm; ``replicate-NNNNN``: a fresh trial for the power curve)
writes its table to ``tasks/<id>.parquet`` atomically when it finishes, so a stop at any moment keeps
every finished task, and ``resume`` runs only the others. The replicates run as a sweep does (the sweep's
executor: local processes, or a Dask cluster). ``trial.json`` records what the folder holds: the trial
file's hash, the seed, the calibration and the code version; a resumed trial must match them.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.kernels import kernel_unavailable
from securebase.outputs import OutputError, atomic_target, check_resumable, locked, write_atomically
from securebase.progress import progress_bar
from securebase.sweep.load import SweepError
from securebase.sweep.run import WorkerDied, connect, execute
from securebase.trials import analysis
from securebase.trials.load import Trial, TrialError, check_size, load_trial
from securebase.trials.simulate import days_of, estimates, moderators, power_rows, replicate_seed, simulate_trial

MANIFEST_NAME = "trial.json"
TASKS = "tasks"
#: what trial.json records for people only: a resumed trial may differ in these
INFORMATIVE = ("started", "calibration_source", "trial_file")


class TrialStopped(Exception):
    """The trial stopped before its end (Ctrl-C, a worker died); finished tasks are kept for ``resume``."""

    def __init__(self, reason: str, done: int, total: int, exit_code: int) -> None:
        super().__init__(f"{reason}: {done} of {total} tasks are done and kept")
        self.done, self.total, self.exit_code = done, total, exit_code


@dataclass(frozen=True)
class Job:
    """A task for a worker: the trial at ``n_per_arm`` with ``seed``; a replicate also tests at ``sizes``."""

    id: str
    trial: Trial
    n_per_arm: int
    seed: int
    calibration: Calibration
    kernel: str
    replicate: int | None = None
    sizes: tuple[int, ...] = ()


def run_job(job: Job) -> pd.DataFrame:
    """The task's table: the trial's outcomes (one row per child, arm and measure), or a replicate's tests."""
    run = simulate_trial(job.trial, job.n_per_arm, job.seed, job.calibration, job.kernel)
    if job.replicate is None:
        return run.outcomes
    return power_rows(job.trial, run, list(job.sizes), job.replicate)


@dataclass
class TrialResult:
    """A finished trial: its tables, and where they are."""

    trial: Trial
    out: Path
    seed: int
    calibration: Calibration
    outcomes: pd.DataFrame
    estimates: pd.DataFrame
    power: pd.DataFrame | None = None
    power_curve: pd.DataFrame | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    #: the primary outcome's effect by child covariate (simulate.moderators); empty when not posed
    moderation: pd.DataFrame = field(default_factory=pd.DataFrame)


def jobs_of(trial: Trial, seed: int, calibration: Calibration) -> list[Job]:
    spec = trial.spec
    jobs = [Job("trial", trial, spec.n_per_arm, seed, calibration, spec.kernel)]
    if spec.power is not None:
        sizes = tuple(spec.power.n_per_arm)
        jobs += [
            Job(f"replicate-{r:05d}", trial, sizes[-1], replicate_seed(seed, r), calibration, spec.kernel, r, sizes)
            for r in range(spec.power.replicates)
        ]
    return jobs


def manifest(trial: Trial, seed: int, calibration: Calibration, jobs: list[Job]) -> dict[str, Any]:
    from securebase._version import code_record

    return {
        "trial": trial.spec.name,
        "trial_file": trial.origin,
        "trial_file_sha256": trial.file_hash,
        "trial_spec": trial.spec.model_dump(mode="json"),
        "seed": seed,
        **code_record(),
        "calibration": calibration.constants_hash(),
        "calibration_source": calibration.provenance.source,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "tasks": [job.id for job in jobs],
    }


def _prepare(out: Path, record: dict[str, Any], resume: bool) -> None:
    path = out / MANIFEST_NAME
    check_resumable(
        out, path, record, resume, kind="trial", results=out / TASKS, informative=INFORMATIVE,
        same="trial file, seed, calibration and securebase version", error=TrialError,
    )  # fmt: skip
    if not resume:
        write_atomically(path, json.dumps(record, indent=2) + "\n")


def _finished(out: Path) -> set[str]:
    return {p.stem for p in (out / TASKS).glob("*.parquet")}


def _write_table(out: Path, name: str, table: pd.DataFrame) -> None:
    with atomic_target(out / f"{name}.parquet") as target:
        table.to_parquet(target, index=False)
    with atomic_target(out / f"{name}.csv") as target:
        table.to_csv(target, index=False)


def power_curve(trial: Trial, power: pd.DataFrame) -> pd.DataFrame:
    """Per arm and N: the share of replicates significant (the power) with its Wilson interval, and N for 80%."""
    rows = []
    for (arm, n), group in power.groupby(["arm", "n_per_arm"], sort=True):
        share, low, high = analysis.power_from(group["significant"].to_numpy(bool))
        rows.append({"arm": arm, "n_per_arm": int(n), "replicates": len(group), "power": share, "low": low,
                     "high": high, "mean_estimate": float(group["estimate"].mean())})  # fmt: skip
    curve = pd.DataFrame(rows)
    curve["n_for_80_percent"] = np.nan
    for arm, group in curve.groupby("arm"):
        needed = analysis.n_for_power(group["n_per_arm"].tolist(), group["power"].tolist())
        curve.loc[curve["arm"] == arm, "n_for_80_percent"] = np.nan if needed is None else needed
    return curve


def run_trial(
    trial: Trial | str | Path,
    out: str | Path,
    calibration: Calibration,
    seed: int | None = None,
    resume: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    page: Callable[[TrialResult], str] | None = None,
    on_start: Callable[[], None] | None = None,
) -> TrialResult:
    """Run ``trial`` (a Trial or a trial file) into ``out``: its tables, and ``trial.html`` when ``page`` renders one.

    ``seed`` replaces the file's. The trial runs in this process; the power curve's replicates on ``workers``
    local processes (default: one per CPU) or the Dask cluster at ``scheduler``. Raises TrialError for a
    folder that holds another trial (or any, without ``resume``), and TrialStopped when stopped early.
    """
    import time

    started = time.perf_counter()
    trial = trial if isinstance(trial, Trial) else load_trial(trial)
    seed = trial.spec.seed if seed is None else seed
    out = Path(out)
    check_size(trial, max([trial.spec.n_per_arm, *(trial.spec.power.n_per_arm if trial.spec.power else [])]),
               trial.origin)  # fmt: skip
    if (missing := kernel_unavailable(trial.spec.kernel)) is not None:  # before ``out`` is made
        raise TrialError(f"{trial.origin}: kernel has value {trial.spec.kernel!r}, but {missing}.")
    jobs = jobs_of(trial, seed, calibration)
    record = manifest(trial, seed, calibration, jobs)
    with contextlib.ExitStack() as stack:
        try:
            client = stack.enter_context(connect(scheduler)) if scheduler is not None else None
        except SweepError as error:
            raise TrialError(str(error)) from None
        try:
            stack.enter_context(locked(out))
        except OutputError as error:
            raise TrialError(f"{error}.") from None
        _prepare(out, record, resume)
        if on_start is not None:  # ``out`` is usable: the CLI shows its estimate now, so errors come alone
            on_start()
        (out / TASKS).mkdir(exist_ok=True)
        done = _finished(out)
        todo = [job for job in jobs if job.id not in done]
        bar = stack.enter_context(
            progress_bar(total=len(jobs), initial=len(jobs) - len(todo), desc=trial.spec.name, unit="task",
                         enabled=progress)
        )
        try:
            main = [job for job in todo if job.replicate is None]
            if main:  # the trial itself, here (every core), with a bar of its simulated days
                days = progress_bar(total=days_of(trial), desc="the trial", unit="day", enabled=progress, leave=False)
                with days:
                    table = simulate_trial(trial, trial.spec.n_per_arm, seed, calibration, trial.spec.kernel,
                                           progress=days.update).outcomes  # fmt: skip
                _write_task(out, "trial", table)
                bar.update()
            replicates = [job for job in todo if job.replicate is not None]
            count = min(workers or os.cpu_count() or 1, max(len(replicates), 1))
            for job, table in execute(replicates, run_job, count, client):
                _write_task(out, job.id, table)
                bar.update()
        except KeyboardInterrupt as stop:
            from securebase.stopping import Terminated, exit_code

            reason = "terminated" if isinstance(stop, Terminated) else "interrupted"
            raise TrialStopped(reason, len(_finished(out)), len(jobs), exit_code(stop)) from None
        except WorkerDied as error:
            raise TrialStopped(str(error), len(_finished(out)), len(jobs), 1) from None
        result = _collect(trial, out, seed, calibration, record, jobs)
        result.seconds = time.perf_counter() - started
        if page is not None:
            write_atomically(out / "trial.html", page(result))
    return result


def _write_task(out: Path, task: str, table: pd.DataFrame) -> None:
    with atomic_target(out / TASKS / f"{task}.parquet") as target:
        table.to_parquet(target, index=False)


def _collect(
    trial: Trial, out: Path, seed: int, calibration: Calibration, record: dict[str, Any], jobs: list[Job]
) -> TrialResult:
    outcomes = pd.read_parquet(out / TASKS / "trial.parquet")
    found = estimates(trial, outcomes)
    moderation = moderators(trial, outcomes)
    front = {"trial": trial.spec.name, "seed": seed, "trial_file_sha256": trial.file_hash,
             "calibration": record["calibration"], "securebase_version": record["securebase_version"]}  # fmt: skip
    for table in (outcomes, found, moderation):
        for position, (name, value) in enumerate(front.items()):
            table.insert(position, name, value)
    _write_table(out, "outcomes", outcomes)
    _write_table(out, "estimates", found)
    _write_table(out, "moderation", moderation)
    power = curve = None
    replicates = [job.id for job in jobs if job.replicate is not None]
    if replicates:
        power = pd.concat([pd.read_parquet(out / TASKS / f"{r}.parquet") for r in replicates], ignore_index=True)
        curve = power_curve(trial, power)
        for table in (power, curve):
            for position, (name, value) in enumerate(front.items()):
                table.insert(position, name, value)
        _write_table(out, "power", power)
        _write_table(out, "power_curve", curve)
    return TrialResult(trial, out, seed, calibration, outcomes, found, power, curve, record, moderation=moderation)
