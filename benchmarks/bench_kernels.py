"""Throughput and memory of the developmental step: NumPy reference, fused kernel, and a Mesa model.

Run from the repository root (after the README's setup):

    .venv/bin/python benchmarks/bench_kernels.py            # 10k, 100k, 1M children (several minutes)
    .venv/bin/python benchmarks/bench_kernels.py --quick    # 2k and 10k only (a smoke run)

Every implementation lives the same population through the same days: the
built-in school-year scenario from age 5 (a parent at home, a teacher at
school, eight episodes a day, school days included), caregiving drawn from the
same presets. Figures printed:

- child-episodes per second of the whole engine (``Simulation.step``: draws,
  the step, the daily learning and the daily records) and of the inner loop
  alone (draws and the step, no records);
- bytes of state per child (the arrays a run keeps, not its recorded outputs);
- the fused kernel's speed-up over the reference and over Mesa, measured in the
  same run on the same machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np

import securebase
from securebase.engine import fused
from securebase.engine.simulation import Simulation
from securebase.engine.uniforms import UniformStream
from securebase.model import episode
from securebase.model.anxiety import need_magnitude
from securebase.model.caregiving import daily_attention
from securebase.model.state import HOME, SCHOOL
from securebase.scenario import Scenario

sys.path.insert(0, str(Path(__file__).parent))
from mesa_model import benchmark_scenario, run_mesa  # a sibling script, not part of the package

EPISODES_PER_DAY = 8
#: each figure is the median of this many timed segments (a shared machine's speed wanders)
REPEATS = 3


def scenario(n_children: int) -> Scenario:
    """The benchmark population (the Mesa model's): the school year, from age 5, no simulated history."""
    return benchmark_scenario(n_children)


def state_bytes_per_child(simulation: Simulation) -> float:
    """Bytes of the arrays a run keeps per child: child state, working models, figures' traits, pending ruptures."""
    total = 0
    for holder in (simulation.children, simulation.figures):
        for value in vars(holder).values():
            if isinstance(value, np.ndarray) and value.shape[:1] == (simulation.children.n,):
                total += value.nbytes
    return total / simulation.children.n


def _median_rate(child_episodes: int, segment: Callable[[], None]) -> tuple[float, float, float]:
    """(median, slowest, fastest) child-episodes per second over REPEATS timed runs of ``segment``."""
    rates = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        segment()
        rates.append(child_episodes / (time.perf_counter() - started))
    return float(np.median(rates)), min(rates), max(rates)


def engine_rate(n: int, kernel: str, days: int) -> tuple[tuple[float, float, float], float]:
    """(child-episodes per second of Simulation.step, state bytes per child)."""
    simulation = Simulation(scenario(n), seed=1, params=securebase.default_calibration().params, kernel=kernel)
    simulation.step()  # day 0: the teacher joins, and the fused kernel compiles

    def segment() -> None:
        for _ in range(days):
            simulation.step()

    return _median_rate(n * EPISODES_PER_DAY * days, segment), state_bytes_per_child(simulation)


def inner_loop_rate(n: int, kernel: str, episodes: int) -> tuple[float, float, float]:
    """Child-episodes per second of the inner loop alone: draws, presence, need and the step."""
    simulation = Simulation(scenario(n), seed=1, params=securebase.default_calibration().params, kernel=kernel)
    simulation.step()
    children, figures, params = simulation.children, simulation.figures, simulation.params
    k = figures.n_figures
    rng = np.random.default_rng(2)
    attention = daily_attention(figures.consistency, rng.random((n, k)), params)
    uniforms = UniformStream(key=2)
    fast = kernel == "fused"
    buffers: dict[str, object] = {"draws": None, "record": None}  # reused, as the engine does

    def segment() -> None:
        for index in range(episodes):
            setting = SCHOOL if 2 <= index % EPISODES_PER_DAY < 6 else HOME
            draws = uniforms.draws(n, k, out=buffers["draws"])
            present = (draws.figure[0] < figures.availability[:, setting]) & figures.active
            need = need_magnitude(draws.child[0], params)
            dt_days = 1.0 / EPISODES_PER_DAY
            buffers["draws"] = draws
            if fast:
                buffers["record"] = fused.step(
                    children, figures, present, attention, need, draws, params, dt_days, out=buffers["record"]
                )
            else:
                episode.step(children, figures, present, attention, need, draws, params, dt_days)

    return _median_rate(n * episodes, segment)


def mesa_rate(n: int, days: int) -> tuple[tuple[float, float, float], float]:
    """(child-episodes per second of the Mesa model, traced bytes per agent while it is built)."""
    tracemalloc.start()
    model = run_mesa(n_children=n, days=0, seed=1)
    bytes_per_agent = tracemalloc.get_traced_memory()[0] / n
    tracemalloc.stop()
    model.step()  # day 0, as for the others

    def segment() -> None:
        for _ in range(days):
            model.step()

    return _median_rate(n * EPISODES_PER_DAY * days, segment), bytes_per_agent


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{model}; {os.cpu_count()} cores; {platform.python_implementation()} {platform.python_version()}; "
        f"numpy {np.__version__}; numba {numba.__version__} ({numba.config.NUMBA_NUM_THREADS} threads)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small populations only (a smoke run)")
    args = parser.parse_args()
    sizes = [2_000, 10_000] if args.quick else [10_000, 100_000, 1_000_000]
    mesa_sizes = sizes if args.quick else [10_000, 100_000]
    print(f"machine: {machine()}")
    print(f"median of {REPEATS} timed runs (slowest-fastest in brackets)")
    print(f"{'children':>10} {'implementation':<18} {'child-episodes/s':>17} {'(range)':>23} {'state B/child':>14}")
    rows: dict[tuple[int, str], float] = {}

    def show(n: int, name: str, rates: tuple[float, float, float], size: float | None = None) -> None:
        rows[n, name] = rates[0]
        spread = f"({rates[1] / 1e6:.2f}-{rates[2] / 1e6:.2f} M)"
        size_text = f"{size:14.0f}" if size is not None else f"{'':>14}"
        print(f"{n:>10,} {name:<18} {rates[0]:>17,.0f} {spread:>23} {size_text}", flush=True)

    for n in sizes:
        days = max(1, min(10, 1_000_000 // (n * EPISODES_PER_DAY)))
        for kernel in ("numpy", "fused"):
            rates, size = engine_rate(n, kernel, days)
            show(n, f"{kernel} engine", rates, size)
            show(n, f"{kernel} inner loop", inner_loop_rate(n, kernel, days * EPISODES_PER_DAY))
        if n in mesa_sizes:
            rates, size = mesa_rate(n, days=1)
            show(n, "mesa", rates, size)
    print("\nratios (same run, same machine):")
    for n in sizes:
        line = f"{n:>10,} fused/numpy engine {rows[n, 'fused engine'] / rows[n, 'numpy engine']:6.1f}x"
        line += f"   fused/numpy inner loop {rows[n, 'fused inner loop'] / rows[n, 'numpy inner loop']:6.1f}x"
        if (n, "mesa") in rows:
            line += f"   fused engine/mesa {rows[n, 'fused engine'] / rows[n, 'mesa']:7.0f}x"
        print(line)


if __name__ == "__main__":
    main()
