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

#: measured peak bytes a child (state, the day's buffers, the result tables), and for each of its figures
BYTES_PER_CHILD = 900
BYTES_PER_CHILD_FIGURE = 130
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
#: the driver's memory for each point of a sweep (its scenario, task and manifest entry)
BYTES_PER_SWEEP_POINT = 50_000
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


def run_estimate(scenario: object, compile_seconds: float = 0.0, cores: int | None = None) -> Estimate:
    """Memory and time of running ``scenario`` (a Scenario) in this process on the compiled CPU kernel, with
    ``compile_seconds`` of compiling first; ``cores``: how many the run may use (default: this machine's)."""
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
    return Estimate(memory, seconds + compile_seconds, compile_seconds)


def check_run(scenario: object, compile_seconds: float = 0.0) -> Estimate:
    """The estimate of a run (with ``compile_seconds`` of compiling first), or TooLarge when it cannot fit in
    the memory available."""
    estimate = run_estimate(scenario, compile_seconds)
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


def check_sweep(points: int, largest: object, workers: int) -> Estimate:
    """The estimate of a sweep's driver and ``workers`` processes running its largest scenario, or TooLarge."""
    run = run_estimate(largest)
    driver = BASE_BYTES + points * BYTES_PER_SWEEP_POINT
    estimate = Estimate(driver + workers * run.bytes, run.seconds)
    available = available_memory()
    if available is not None and estimate.bytes > available:
        fewer = int((available - driver) // run.bytes) if available > driver else 0
        what = f"--workers {fewer}" if fewer >= 1 else "fewer points or smaller populations"
        raise TooLarge(
            f"the sweep ({points:,} points, {workers} worker processes with up to "
            f"{largest.population.n_children:,} children each) needs {size_text(estimate.bytes)} of memory, "
            f"and this machine has {size_text(available)} available; expected a sweep that fits ({what})"
        )
    return estimate


def check_points(points: int) -> None:
    """Refuse, before building them, more points than the driver can hold."""
    available = available_memory()
    needed = BASE_BYTES + points * BYTES_PER_SWEEP_POINT
    if available is not None and needed > available:
        raise TooLarge(
            f"the sweep has {points:,} points, whose scenarios need {size_text(needed)} of memory in the driver, "
            f"and this machine has {size_text(available)} available; expected fewer points "
            f"(at most about {max(int((available - BASE_BYTES) // BYTES_PER_SWEEP_POINT), 0):,} here)"
        )


def check_studies(size: str, count: int, compile_seconds: float = 0.0) -> Estimate:
    """The estimate of ``count`` studies of ``size`` (with ``compile_seconds`` of compiling first), or TooLarge."""
    estimate = Estimate(STUDY_BYTES[size], STUDY_SECONDS[size] * count + compile_seconds, compile_seconds)
    available = available_memory()
    if available is not None and estimate.bytes > available:
        raise TooLarge(
            f"the {size} studies need {size_text(estimate.bytes)} of memory, and this machine has "
            f"{size_text(available)} available; expected more free memory (close other programs"
            + (", or use --quick)" if size == "full" else ")")
        )
    return estimate
