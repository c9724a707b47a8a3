"""Up-front estimates of a command's memory and time, compared with what this machine has.

The figures are measured (tracemalloc peak over a run, results included; wall time on 2 cores, NumPy
step), not guessed: a run holds about ``BYTES_PER_CHILD + BYTES_PER_CHILD_FIGURE x figures`` bytes a
child at its peak, plus the interpreter and its libraries. Estimates err on the large side.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

#: measured peak bytes a child (state, the day's buffers, the result tables), and for each of its figures; model v3's
#: state (the display, the evidence, the alarm history, the drift of care) took the school-year run's peak from
#: under 1,160 to 1,272 bytes a child with two figures (tests/test_sizing.py, 4,000 children): both raised by about
#: a sixth, to stay on the large side
BYTES_PER_CHILD = 1050
BYTES_PER_CHILD_FIGURE = 150
#: bytes of a trajectory row (a child and a figure on a recorded day)
BYTES_PER_TRAJECTORY_ROW = 160
#: the interpreter, NumPy, numba, pandas and matplotlib, before any child
BASE_BYTES = 400 * 2**20
#: measured seconds of one child's episode with two figures on one thread of the compiled CPU kernel (2-core
#: AMD EPYC, 2026-12-07: school-year at 2,000 and 10,000 children, 0.30 us with other work on the machine; the
#: readable path is about a hundred times slower); each figure beyond two adds its share
SECONDS_PER_CHILD_EPISODE = 0.3e-6
#: measured seconds of a simulated day besides its episodes (the day's draws, records and tables), any size
SECONDS_PER_DAY = 2e-3
#: share of each further core a population of PARALLEL_FROM_CHILDREN or more gains (kernels/__init__.py)
PARALLEL_EFFICIENCY = 0.8
#: populations from this size run on every core (engine/kernels/__init__.py threads_for); smaller ones on one
PARALLEL_FROM_CHILDREN = 20_000
#: the driver's memory for each point of a sweep (its scenario)
BYTES_PER_SWEEP_POINT = 50_000
#: the driver's memory for each run of a sweep (points x seeds: its task, its job and its entry in sweep.json, as a
#: record and as text); measured 1.6 kB, the slope of the driver's peak between sweeps of 3,000, 40,000 and 100,000
#: runs of a one-child scenario (tracemalloc over loading, the manifest and the jobs: 1,571 B; the driver's peak
#: RSS under `securebase sweep --workers 2`: 1,590 B), rounded up
BYTES_PER_SWEEP_RUN = 2_000
#: seconds of a sweep's own work for each run beside the simulation (its set-up, summary, transfer, and its file,
#: which the driver writes one at a time however many workers): 9 ms measured (3,000 runs of a one-child, one-day
#: scenario with --workers 1, 2 busy cores), rounded up; counted whole, not shared among the workers
SECONDS_PER_SWEEP_RUN = 0.01
#: a study's and the report's needs (populations of at most a few thousand children); the quick time measured
#: 2026-12-07 on 2 cores with other work running (`securebase report --quick`: 88 s for 11 studies)
STUDY_BYTES = {"quick": 700 * 2**20, "full": 1500 * 2**20}
STUDY_SECONDS = {"quick": 8.0, "full": 60.0}

#: an estimate above this many seconds is shown before the work starts
LONG_SECONDS = 60.0


class TooLarge(ValueError):
    """The work cannot fit in this machine's memory; the message says what would."""


@dataclass(frozen=True)
class Estimate:
    bytes: float
    #: the whole time, compiling included
    seconds: float
    #: of which compiling the model first (its first run after installing or updating securebase)
    compile_seconds: float = 0.0

    def __str__(self) -> str:
        said = f"about {size_text(self.bytes)} of memory and {time_text(self.seconds)} on this machine"
        if self.compile_seconds:
            said += f" ({time_text(self.compile_seconds)} of it compiling the model, once)"
        return said


def size_text(n: float) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


def time_text(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


def available_memory() -> int | None:
    """Bytes this process may still use: MemAvailable, the cgroup's limit and the address-space limit, the least.

    ``SECUREBASE_MEMORY_AVAILABLE`` (bytes) stands in for the machine (tests, or to be careful).
    """
    if "SECUREBASE_MEMORY_AVAILABLE" in os.environ:
        return int(os.environ["SECUREBASE_MEMORY_AVAILABLE"])
    limits = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                limits.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        maximum = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if maximum != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
            limits.append(int(maximum) - used)
    except (OSError, ValueError):
        pass
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(soft)
    return min(limits) if limits else None


def child_bytes(n_figures: int) -> int:
    return BYTES_PER_CHILD + BYTES_PER_CHILD_FIGURE * n_figures


def run_estimate(scenario: object, cores: int | None = None) -> Estimate:
    """Memory and time of running ``scenario`` (a Scenario) in this process on the compiled CPU kernel, the
    kernels compiled (the CLI adds a first compile: cli._with_compiling); ``cores``: how many the run may use
    (default: this machine's)."""
    n, k = scenario.population.n_children, len(scenario.figures)
    days = scenario.history_days + scenario.schedule.days
    memory = BASE_BYTES + n * child_bytes(k)
    output = scenario.output
    if output.trajectories:
        memory += n * k * (scenario.schedule.days // output.trajectory_every_days + 1) * BYTES_PER_TRAJECTORY_ROW
    per_episode = SECONDS_PER_CHILD_EPISODE * max(k, 2) / 2
    if n >= PARALLEL_FROM_CHILDREN:
        cores = cores or os.cpu_count() or 1
        per_episode /= 1 + PARALLEL_EFFICIENCY * (cores - 1)
    seconds = days * (SECONDS_PER_DAY + n * scenario.schedule.episodes_per_day * per_episode)
    return Estimate(memory, seconds)


def check_run(scenario: object) -> Estimate:
    """The estimate of a run, or TooLarge when it cannot fit in the memory available."""
    estimate = run_estimate(scenario)
    available = available_memory()
    if available is not None and estimate.bytes > available:
        per_child = estimate.bytes / max(scenario.population.n_children, 1)
        fits = max(int((available - BASE_BYTES) / per_child), 0)
        raise TooLarge(
            f"scenario '{scenario.name}' with {scenario.population.n_children:,} children needs "
            f"{size_text(estimate.bytes)} of memory, and this machine has {size_text(available)} available; "
            f"expected a run that fits (at most about {fits:,} children here: --children {fits}, "
            "or a machine with more memory)"
        )
    return estimate


def sweep_driver_bytes(points: int, runs: int) -> float:
    """The memory of a sweep's driver (this process) holding ``points`` points and ``runs`` runs."""
    return BASE_BYTES + points * BYTES_PER_SWEEP_POINT + runs * BYTES_PER_SWEEP_RUN


def check_runs(points: int, seeds: int) -> None:
    """Refuse, before building them, more runs (``points`` x ``seeds``) than the driver can hold."""
    runs = points * seeds
    needed = sweep_driver_bytes(points, runs)
    available = available_memory()
    if available is None or needed <= available:
        return
    room = available - BASE_BYTES
    fits = max(int((room - points * BYTES_PER_SWEEP_POINT) // BYTES_PER_SWEEP_RUN), 0)
    fewer_seeds = fits // points
    fewer_points = max(int(room // (BYTES_PER_SWEEP_POINT + seeds * BYTES_PER_SWEEP_RUN)), 0)
    ways = []
    if 1 <= fewer_seeds < seeds:
        ways.append(f"seeds = {fewer_seeds} with these points")
    if 1 <= fewer_points < points:
        ways.append(f"{fewer_points:,} points with these seeds")
    how = f" ({' or '.join(ways)})" if ways else ""
    raise TooLarge(
        f"the sweep has {runs:,} runs ({points:,} points x {seeds:,} seed{'s' * (seeds != 1)}), whose tasks need "
        f"{size_text(needed)} of memory in the driver, and this machine has {size_text(available)} available; "
        f"expected at most about {fits:,} runs here: fewer seeds or fewer points{how}"
    )


def check_sweep(scenarios: list, seeds: int, workers: int) -> Estimate:
    """The estimate of a sweep whose points have ``scenarios``, each run with ``seeds`` seeds, on ``workers``
    processes (the driver holding every point and run, and each worker running the largest scenario; the time of
    every run, shared by the workers), or TooLarge."""
    runs = [run_estimate(scenario) for scenario in scenarios]
    largest = max(range(len(runs)), key=lambda i: runs[i].bytes)
    driver = sweep_driver_bytes(len(scenarios), len(scenarios) * seeds)
    run = runs[largest]
    seconds = seeds * sum(r.seconds for r in runs) / workers + len(scenarios) * seeds * SECONDS_PER_SWEEP_RUN
    estimate = Estimate(driver + workers * run.bytes, seconds)
    available = available_memory()
    if available is not None and estimate.bytes > available:
        fewer = int((available - driver) // run.bytes) if available > driver else 0
        what = f"--workers {fewer}" if fewer >= 1 else "fewer points or seeds, or smaller populations"
        raise TooLarge(
            f"the sweep ({len(scenarios) * seeds:,} runs, {workers} worker processes with up to "
            f"{scenarios[largest].population.n_children:,} children each) needs {size_text(estimate.bytes)} of "
            f"memory, and this machine has {size_text(available)} available; expected a sweep that fits ({what})"
        )
    return estimate


def check_studies(size: str, count: int) -> Estimate:
    """The estimate of ``count`` studies of ``size``, or TooLarge."""
    estimate = Estimate(STUDY_BYTES[size], STUDY_SECONDS[size] * count)
    available = available_memory()
    if available is not None and estimate.bytes > available:
        raise TooLarge(
            f"the {size} studies need {size_text(estimate.bytes)} of memory, and this machine has "
            f"{size_text(available)} available; expected more free memory (close other programs"
            + (", or use --quick)" if size == "full" else ")")
        )
    return estimate
