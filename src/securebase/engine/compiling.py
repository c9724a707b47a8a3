"""Compiling the CPU kernels before the work starts, and saying so the first time.

numba compiles the kernels on first use and keeps them in its on-disk cache, keyed on what they are made
from (``_version.kernel_source_hash``). The first run after installing or updating the model therefore
spends a minute or more compiling; left inside the first simulated day, that looked like a frozen run and
threw the progress bar's time left off by hours. :func:`compile_kernels` compiles them beforehand on a
two-child copy of the scenario, saying what it does, and leaves a mark beside numba's cache so that later
runs know the kernels are ready (they then load from the cache in about a second, with nothing to say).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from securebase.engine import kernels
from securebase.model.parameters import ModelParameters
from securebase.scenario.schema import Scenario

#: what a first compile usually takes, measured on a 2-core machine (about 30 s quiet; over 100 s when the
#: machine is busy with other work): what the up-front estimate adds, and what the message says
USUAL_COMPILE_SECONDS = 60.0
USUAL_COMPILE_TEXT = "usually 30 s to 2 min"


def _mark(precision: str) -> Path | None:
    """The file that says the CPU kernels of ``precision`` are compiled in numba's cache (None: no cache)."""
    from securebase._version import kernel_source_hash

    folder = kernels.cache_folder()
    try:
        # numba's index also checks the loops' file's time stamp: a checkout that touches it recompiles
        stamp = int(Path(kernels.loops.__file__).stat().st_mtime)
    except OSError:
        return None
    if folder is None:  # no on-disk cache here: every process compiles
        return None
    return folder / f"securebase-kernels-{kernel_source_hash()[:16]}-{stamp}-{precision}.ready"


def kernels_ready(kernel: str, precision: str) -> bool:
    """Whether a run on ``kernel`` and ``precision`` starts without compiling (the readable path never does)."""
    if kernel != "cpu":
        return kernel == "readable"
    mark = _mark(precision)
    return mark is not None and mark.is_file()


def compile_kernels(
    scenario: Scenario,
    params: ModelParameters,
    kernel: str = "cpu",
    precision: str = "float64",
    report: Callable[[str], None] | None = None,
) -> float:
    """Compile what a run of ``scenario`` uses, unless it is ready; returns the seconds it took (0 if ready).

    ``report`` hears one line before (what is happening and how long it usually takes) and one after.
    Only the CPU kernels are cached on disk; the readable path needs no compiling, and the GPU's kernels
    are compiled by each process when first used.
    """
    if kernel != "cpu" or kernels_ready(kernel, precision):
        return 0.0
    if report is not None:
        report(
            f"compiling the model for this machine (once after installing or updating securebase; "
            f"{USUAL_COMPILE_TEXT})..."
        )
    started = time.perf_counter()
    _run_tiny_copy(scenario, params, precision)
    seconds = time.perf_counter() - started
    mark = _mark(precision)
    if mark is not None:
        try:
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.touch()
        except OSError:  # a cache that cannot be written: the next run compiles again, and says so again
            pass
    if report is not None:
        report(f"compiled in {seconds:.0f} s.")
    return seconds


def _run_tiny_copy(scenario: Scenario, params: ModelParameters, precision: str) -> None:
    """Run every CPU kernel once on a two-child, one-day copy of ``scenario`` (no history, events, measures or
    classes: those reuse the same kernels), then one moment of a procedure (its step kernel)."""
    import numpy as np

    from securebase.engine.moments import Segment, run_moments
    from securebase.engine.simulation import Simulation

    population = scenario.population.model_copy(update={"n_children": 2, "history": "none", "class_size": None})
    schedule = scenario.schedule.model_copy(update={"days": 1})
    tiny = scenario.model_copy(update={"population": population, "schedule": schedule, "events": [], "measures": []})
    simulation = Simulation(tiny, seed=0, params=params, kernel="cpu", precision=precision)
    simulation.run()
    figure = simulation.figures.names[0]
    segment = Segment("compiling", minutes=1 / 12, present=(figure,))
    run_moments(simulation.children, simulation.figures, [segment], np.random.default_rng(0), params)
