"""Running a sweep: its tasks on a local process pool or a Dask cluster, each written to the dataset as it finishes.

The driver (this process) writes every file, so each task is written once, by one
writer, whatever the workers do; a task is done when its file is in place, so a
resumed sweep redoes exactly the tasks without one.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numba
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.engine.kernels import kernel_unavailable
from securebase.engine.simulation import Interrupted
from securebase.extras import MissingExtra, require
from securebase.outputs import OutputError, locked
from securebase.progress import progress_bar
from securebase.sizing import Estimate, TooLarge, check_sweep
from securebase.stopping import Terminated, deferred_stop, die_with_parent, exit_code
from securebase.sweep import dataset
from securebase.sweep.load import Sweep, SweepError, load_sweep
from securebase.sweep.task import Job, run_task

Finished = Iterator[tuple[Job, pd.DataFrame]]
#: what a worker runs: a job in, a table out (a module-level function, so that it pickles)
Work = Callable[[Any], pd.DataFrame]


class SweepStopped(Exception):
    """The sweep stopped before its end (Ctrl-C, a worker died); every finished task is kept for ``--resume``."""

    def __init__(self, reason: str, done: int, total: int, exit_code: int) -> None:
        super().__init__(f"{reason}: {done} of {total} runs are done and kept")
        self.done, self.total, self.exit_code = done, total, exit_code


class _WorkerDied(Exception):
    pass


#: a worker process died (raised by :func:`execute`'s pool and Dask runners)
WorkerDied = _WorkerDied


@dataclass(frozen=True)
class SweepRun:
    """A finished sweep: where its dataset is, and how many runs it took now and before."""

    out: Path
    total: int
    already_done: int
    seconds: float

    @property
    def dataset(self) -> Path:
        return self.out / dataset.POINTS_NAME


def run_sweep(
    sweep: Sweep | str | Path,
    out: str | Path,
    calibration: Calibration,
    resume: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    on_start: Callable[[], None] | None = None,
) -> SweepRun:
    """Run every task of ``sweep`` (a Sweep or a sweep file) not yet done in ``out``, writing each as it finishes.

    Every run uses ``calibration``'s model constants (``securebase.default_calibration()``: the shipped ones);
    ``sweep.json`` records which (the hash of its constants), and a sweep resumes only on the same constants.

    Runs on ``workers`` local processes (default: one per CPU; 1 runs in this process), or on the Dask
    cluster whose scheduler is at ``scheduler``. Raises SweepError when ``out`` holds another sweep (or
    any sweep, without ``resume``) or the scheduler cannot be reached, and SweepStopped when stopped
    early (Ctrl-C, a worker died): what finished is kept, and ``resume=True`` finishes the rest. ``on_start`` is
    called once ``out`` is known to be usable, before the first run (the CLI shows its estimate then).
    """
    sweep = sweep if isinstance(sweep, Sweep) else load_sweep(sweep)
    out = Path(out)
    estimate_sweep(sweep, scheduler, workers)  # before anything is written: the driver and its workers must fit
    if (missing := kernel_unavailable(sweep.spec.kernel)) is not None:  # before ``out`` is made
        raise SweepError(f"sweep '{sweep.spec.name}': kernel has value {sweep.spec.kernel!r}, but {missing}.")
    with contextlib.ExitStack() as stack:
        # connect first: an unreachable scheduler should leave no sweep behind in ``out``
        client = stack.enter_context(_connect(scheduler)) if scheduler is not None else None
        try:  # one writer at a time in ``out``
            stack.enter_context(locked(out))
        except OutputError as error:
            raise SweepError(f"{error}.") from None
        dataset.prepare(out, dataset.manifest(sweep, calibration), resume)
        if on_start is not None:
            on_start()
        done = dataset.finished(out)
        jobs = [
            Job(
                task,
                sweep.scenarios[task.point],
                sweep.points[task.point].values,
                calibration.params,
                sweep.spec.kernel,
            )
            for task in sweep.tasks
            if task.id not in done
        ]
        total, started = len(sweep.tasks), time.perf_counter()
        workers = min(workers or os.cpu_count() or 1, len(jobs))
        if client is not None:
            results = _on_dask(client, jobs)
        elif workers <= 1:  # no pool to start for one process
            results = _in_process(jobs)
        else:
            results = _on_pool(jobs, workers)
        stack.enter_context(contextlib.closing(results))
        bar = stack.enter_context(
            progress_bar(total=total, initial=total - len(jobs), desc=sweep.spec.name, unit="run", enabled=progress)
        )
        try:
            for job, table in results:
                dataset.write(out, job.task.id, table)
                bar.update()
        except (KeyboardInterrupt, Interrupted) as stop:  # Ctrl-C, or SIGTERM (Terminated) from the CLI
            reason = "terminated" if isinstance(stop, Terminated) else "interrupted"
            code = exit_code(stop) if isinstance(stop, KeyboardInterrupt) else 130
            raise SweepStopped(reason, len(dataset.finished(out)), total, code) from None
        except _WorkerDied as error:
            raise SweepStopped(str(error), len(dataset.finished(out)), total, 1) from None
    return SweepRun(out=out, total=total, already_done=total - len(jobs), seconds=time.perf_counter() - started)


def processes_of(sweep: Sweep, scheduler: str | None = None, workers: int | None = None) -> int:
    """The local processes that run ``sweep``: ``workers`` (default one per CPU), at most one per run; one with a
    Dask ``scheduler`` (the cluster's workers are not counted)."""
    return 1 if scheduler is not None else min(workers or os.cpu_count() or 1, sweep.runs)


def estimate_sweep(sweep: Sweep, scheduler: str | None = None, workers: int | None = None) -> Estimate:
    """The memory and time of running ``sweep`` here (as ``run_sweep`` would), or SweepError when it cannot fit."""
    try:
        return check_sweep(sweep.scenarios, sweep.spec.seed_count, processes_of(sweep, scheduler, workers))
    except TooLarge as error:
        raise SweepError(f"{error}.") from None


def execute(jobs: list[Any], work: Work, workers: int, client: Any = None) -> Finished:
    """Run ``work(job)`` for every job: on the Dask ``client``, in this process (one worker), or on a process pool.

    Yields (job, table) as each finishes, in any order; Ctrl-C, SIGTERM and dead workers end it as in a sweep
    (KeyboardInterrupt or Terminated, _WorkerDied). Trials run their replicates through it.
    """
    if client is not None:
        return _on_dask(client, jobs, work)
    if workers <= 1:
        return _in_process(jobs, work)
    return _on_pool(jobs, workers, work)


def connect(scheduler: str) -> contextlib.AbstractContextManager[Any]:
    """A client of the Dask scheduler at ``scheduler`` (raises SweepError when it cannot be reached)."""
    return _connect(scheduler)


def _in_process(jobs: list[Job], work: Work = run_task) -> Finished:
    for job in jobs:
        yield job, work(job)


#: jobs submitted to the pool per worker process at a time: enough to keep every worker busy, few enough that
#: the driver holds no future (nor finished table) for each of a sweep's runs, and each wait looks at a few
IN_FLIGHT_PER_WORKER = 2


def _on_pool(jobs: list[Job], workers: int, work: Work = run_task) -> Finished:
    # spawn: a fresh interpreter per worker, safe whatever threads this process runs
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
    waiting = iter(jobs)
    pending: dict[Any, Any] = {}

    def submit_more() -> None:
        for job in itertools.islice(waiting, IN_FLIGHT_PER_WORKER * workers - len(pending)):
            pending[pool.submit(work, job)] = job

    # Ctrl-C and SIGTERM only set a flag, checked between waits: an exception raised inside the pool's waiting
    # could leave one of its locks held, and the pool would never shut down (the sweep would hang)
    with deferred_stop(second_stops=False) as stop:
        try:
            with _children_ignore_ctrl_c():  # the first submits start the workers
                submit_more()
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                stop.check()
                for future in done:
                    job = pending.pop(future)  # drop the reference: the driver keeps no finished table
                    try:
                        table = future.result()
                    except BrokenProcessPool as error:
                        raise _WorkerDied(f"a worker process died ({error})") from None
                    yield job, table
                    stop.check()
                submit_more()
        except BaseException:
            _terminate(pool)
            raise
    pool.shutdown()


@contextlib.contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Start the pool's workers (on the first submits) with Ctrl-C ignored from their first instruction.

    Ctrl-C reaches the whole process group; a worker still importing would print a traceback. An ignored
    signal stays ignored in a spawned child, and Python then leaves it so. The driver's own handler comes
    back at once: the submits take milliseconds, and a Ctrl-C within them is not seen (press it again).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_worker(parent: int) -> None:
    # a worker never outlives the sweep, however the sweep ends (SIGKILL included)
    die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the driver alone decides what happens
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # tqdm would make a multiprocessing lock (a named semaphore), which leaks when the driver ends the worker
    from tqdm.auto import tqdm

    tqdm.set_lock(threading.RLock())
    # one worker per core already: the compiled kernel's own threads would only contend with the other workers
    numba.set_num_threads(1)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop now: cancel what has not started and end the running tasks (they are redone on resume)."""
    processes = list((pool._processes or {}).values())  # no public way before Python 3.14's terminate_workers
    for process in processes:
        process.kill()  # SIGKILL: a task may defer SIGTERM to the end of its day (Simulation.run); never wait on it
    for process in processes:
        process.join(timeout=10)
    # the pool sees its workers gone, fails what is left, and frees its queues (no leaked semaphores)
    pool.shutdown(wait=True, cancel_futures=True)


#: a Dask scheduler's address: [protocol://]host[:port]
_ADDRESS = re.compile(r"^([a-z][a-z0-9+.-]*://)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?/?$")


_PROTOCOLS = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def check_scheduler_address(address: str) -> None:
    """Refuse a malformed address at once (Dask would try it for a while, then fail untidily at exit)."""
    found = _ADDRESS.match(address)
    port = found and found.group(3)
    protocol = found and found.group(1) and found.group(1).removesuffix("://")
    if protocol and protocol not in _PROTOCOLS:
        raise SweepError(
            f"--scheduler: cannot connect to a Dask scheduler at {address!r} (unknown protocol {protocol!r}); "
            f"expected one of {', '.join(_PROTOCOLS)}, such as tcp://host:8786."
        )
    if found is None or (port and not 0 < int(port[1:]) < 65536):
        raise SweepError(
            f"--scheduler has value {address!r}; expected the address of a Dask scheduler, "
            "[protocol://]host[:port] with a port from 1 to 65535, such as tcp://host:8786."
        )


@contextlib.contextmanager
def _connect(address: str) -> Iterator[Any]:
    check_scheduler_address(address)
    try:
        require("dask", f"--scheduler {address!r} (a Dask cluster)")
    except MissingExtra as error:
        raise SweepError(f"{error}.") from None
    from distributed import Client

    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, ValueError, TypeError) as error:
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        raise SweepError(
            f"--scheduler: cannot connect to a Dask scheduler at '{address}' ({reason}); "
            "expected the address of a running scheduler, such as tcp://host:8786."
        ) from None
    with client:
        yield client


def _on_dask(client: Any, jobs: list[Job], work: Work = run_task) -> Finished:
    from distributed import KilledWorker, as_completed

    by_key: dict[str, Job] = {}
    futures = []
    for job in jobs:
        future = client.submit(work, job, pure=False)
        by_key[future.key] = job
        futures.append(future)
    try:
        for future in as_completed(futures, loop=client.loop):  # this client's loop: it is not the default
            job = by_key.pop(future.key)
            try:
                table = future.result()
            except KilledWorker as error:
                name = job.task.id if isinstance(job, Job) else getattr(job, "id", "?")
                raise _WorkerDied(f"Dask workers kept dying on run {name} ({error})") from None
            future.release()
            yield job, table
    finally:
        client.cancel([f for f in futures if f.key in by_key])
