"""Throughput and memory of the developmental step on each kernel, and of a Mesa model of the same model.

Run from the repository root (after the README's setup):

    .venv/bin/python benchmarks/bench_kernels.py            # 10k, 100k, 1M children (several minutes)
    .venv/bin/python benchmarks/bench_kernels.py --quick    # 2k and 10k only (a smoke run)
    .venv/bin/python benchmarks/bench_kernels.py --kernels cuda --sizes 1000000,10000000   # on a GPU
    .venv/bin/python benchmarks/bench_kernels.py --kernels cpu --sizes 1000000 --threads 1,2,4,8,16
    .venv/bin/python benchmarks/bench_kernels.py --kernels probe --sizes 1000000   # the engine beside the probe

Every implementation lives the same population through the same days: the
built-in school-year scenario from age 5 (a parent at home, a teacher at
school, eight episodes a day, school days included), caregiving drawn from the
same presets. Figures printed:

- child-episodes per second of the whole engine (``Simulation.step``: the
  day's uniforms, the steps with their counting, the daily learning and the
  daily records) on the compiled CPU loop (float64 and float32 state), the GPU
  (when there is one), the readable path (the same model functions, not
  compiled; small populations only) and Mesa;
- the inner loop alone on the CPU (uniforms and the counted step, no daily work);
- bytes of state per child (children's state, and the figures' traits) and the
  bytes of arrays a child-episode reads or writes;
- the machine's ceiling beside the engine (kernel ``probe``, on by default): the
  limit probe (``../shared/bench/limit_probe.py``, a synthetic child-episode of
  the step's work and memory traffic; ``--probe`` gives another path) and the
  whole engine, both at ``--probe-threads`` threads (default 2), float64 and
  float32, in the same run, with the engine's share of the probe's rate and its
  bytes per child;
- ratios measured in the same run on the same machine.
"""

from __future__ import annotations

import argparse
import importlib.util
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
from securebase.engine.driver import Driver, Episode, Timeline
from securebase.engine.simulation import Simulation
from securebase.engine.uniforms import UniformStream
from securebase.model.state import HOME, SCHOOL
from securebase.model.step import age_tables, constants
from securebase.model.tally import N_COUNTS, N_MEANS, Tally
from securebase.scenario import Scenario

sys.path.insert(0, str(Path(__file__).parent))
from population import benchmark_scenario  # a sibling script, not part of the package

EPISODES_PER_DAY = 8
#: the limit probe beside the repository (the shared folder of the machines this project is developed on)
DEFAULT_PROBE = Path(__file__).resolve().parents[2] / "shared" / "bench" / "limit_probe.py"
#: each figure is the median of this many timed segments (a shared machine's speed wanders)
REPEATS = 3


def scenario(n_children: int) -> Scenario:
    """The benchmark population (the Mesa model's): the school year, from age 5, no simulated history."""
    return benchmark_scenario(n_children)


def state_bytes_per_child(simulation: Simulation) -> tuple[float, float]:
    """Bytes per child of the arrays a run keeps: (the children's state, the figures' traits and presence)."""
    sizes = []
    for holder in (simulation.children, simulation.figures):
        total = 0
        for value in vars(holder).values():
            if isinstance(value, np.ndarray) and value.shape[:1] == (simulation.children.n,):
                total += value.nbytes
        sizes.append(total / simulation.children.n)
    return sizes[0], sizes[1]


def bytes_per_child_episode(simulation: Simulation) -> float:
    """Bytes of arrays one child-episode reads or writes, counting each array once (state read and written,
    traits and attention read, uniforms written and read, the record written, the sums added to)."""
    children, state = state_bytes_per_child(simulation)
    k = simulation.figures.n_figures
    uniforms = 4 * (11 + k)
    record = 8 + 1 + 8 + 4 + 8 + 8 + 1  # target, bid type, intensity, four flags, repairs, unrepaired, intrusion
    sums = 8 * N_MEANS * 2 + 4 * N_COUNTS + 8 * N_MEANS
    return 2 * children + state + 8 * k + 2 * uniforms + record + sums


def _median_rate(child_episodes: int, segment: Callable[[], None]) -> tuple[float, float, float]:
    """(median, slowest, fastest) child-episodes per second over REPEATS timed runs of ``segment``."""
    rates = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        segment()
        rates.append(child_episodes / (time.perf_counter() - started))
    return float(np.median(rates)), min(rates), max(rates)


def engine_rate(
    n: int, kernel: str, days: int, precision: str = "float64"
) -> tuple[tuple[float, float, float], Simulation]:
    """(child-episodes per second of Simulation.step, the simulation)."""
    params = securebase.default_calibration().params
    simulation = Simulation(scenario(n), seed=1, params=params, kernel=kernel, precision=precision)
    simulation.step()  # day 0: the teacher joins, and the kernels compile (or load from the cache)

    def segment() -> None:
        for _ in range(days):
            simulation.step()

    return _median_rate(n * EPISODES_PER_DAY * days, segment), simulation


def inner_loop_rate(n: int, episodes: int) -> tuple[float, float, float]:
    """Child-episodes per second of the CPU's inner loop alone: the uniforms and the counted step."""
    simulation = Simulation(scenario(n), seed=1, params=securebase.default_calibration().params, kernel="cpu")
    simulation.step()
    children, figures, params = simulation.children, simulation.figures, simulation.params
    k = figures.n_figures
    driver = Driver("cpu")
    population = driver.population(children, figures, simulation.totals)
    uniforms = UniformStream(key=2)
    population.attention[:] = driver.attention(figures.consistency, uniforms.fill(np.empty((n, k), np.float32)), params)
    tables, c = age_tables(params), constants(params, 1.0 / EPISODES_PER_DAY)
    sums = Tally(np.zeros((N_MEANS, n)), np.zeros((N_COUNTS, n), np.int32), np.zeros((N_MEANS, n)), True)

    def episodes_timeline() -> Timeline:
        for index in range(episodes):
            setting = SCHOOL if 2 <= index % EPISODES_PER_DAY < 6 else HOME
            yield Episode(population, setting, uniforms, tables, c, sums)

    def segment() -> None:
        driver.drive(episodes_timeline())

    return _median_rate(n * episodes, segment)


def mesa_rate(n: int, days: int) -> tuple[tuple[float, float, float], float]:
    """(child-episodes per second of the Mesa model, traced bytes per agent while it is built)."""
    from mesa_model import run_mesa  # Mesa is a benchmark dependency only (pip install -e '.[bench]')

    tracemalloc.start()
    model = run_mesa(n_children=n, days=0, seed=1)
    bytes_per_agent = tracemalloc.get_traced_memory()[0] / n
    tracemalloc.stop()
    model.step()  # day 0, as for the others

    def segment() -> None:
        for _ in range(days):
            model.step()

    return _median_rate(n * EPISODES_PER_DAY * days, segment), bytes_per_agent


def load_probe(path: Path) -> object:
    """The limit probe's module, loaded by path (a script outside the repository: nothing here depends on it)."""
    spec = importlib.util.spec_from_file_location("limit_probe", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def probe_rate(probe: object, n: int, precision: str, episodes: int) -> tuple[float, float, float]:
    """(median, slowest, fastest) child-episodes per second of the probe's CPU kernel over REPEATS runs."""
    rates = [probe.cpu(n, np.dtype(precision).type, episodes) for _ in range(REPEATS)]
    return float(np.median(rates)), min(rates), max(rates)


def engine_beside_probe(probe: object, n: int, days: int, threads: int, show: Callable[..., None]) -> dict:
    """The whole engine and the limit probe at ``threads`` threads, float64 and float32, one after the other."""
    numba.set_num_threads(threads)
    rates = {}
    try:
        for precision in ("float64", "float32"):
            engine, simulation = engine_rate(n, "cpu", days, precision)
            children, traits = state_bytes_per_child(simulation)
            show(n, f"engine {precision} {threads} thr", engine, f"{children:.0f} + {traits:.0f}")
            limit = probe_rate(probe, n, precision, days * EPISODES_PER_DAY)
            show(n, f"probe {precision} {threads} thr", limit)
            rates[precision] = (engine[0], limit[0], children + traits)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return rates


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
    parser.add_argument("--sizes", help="comma-separated numbers of children (default 10k, 100k, 1M)")
    parser.add_argument("--kernels", default="cpu,probe,readable,mesa", help="of cpu, probe, cuda, readable, mesa")
    parser.add_argument("--threads", help="comma-separated thread counts for the CPU engine (scaling)")
    parser.add_argument("--probe", type=Path, default=DEFAULT_PROBE, help=f"the limit probe [default: {DEFAULT_PROBE}]")
    parser.add_argument("--probe-threads", type=int, default=2, help="threads of the engine beside the probe")
    args = parser.parse_args()
    sizes = [2_000, 10_000] if args.quick else [10_000, 100_000, 1_000_000]
    if args.sizes:
        sizes = [int(size) for size in args.sizes.split(",")]
    wanted = set(args.kernels.split(","))
    print(f"machine: {machine()}")
    print(f"median of {REPEATS} timed runs (slowest-fastest in brackets)")
    print(f"{'children':>10} {'implementation':<22} {'child-episodes/s':>17} {'(range)':>23} {'state B/child':>16}")
    rows: dict[tuple[int, str], float] = {}
    beside: dict[int, dict] = {}
    probe = None
    if "probe" in wanted:
        if not args.probe.is_file():
            parser.error(f"--probe: no limit probe at {args.probe} (give its path, or leave 'probe' out of --kernels)")
        probe = load_probe(args.probe)

    def show(n: int, name: str, rates: tuple[float, float, float], size: str = "") -> None:
        rows[n, name] = rates[0]
        spread = f"({rates[1] / 1e6:.2f}-{rates[2] / 1e6:.2f} M)"
        print(f"{n:>10,} {name:<22} {rates[0]:>17,.0f} {spread:>23} {size:>16}", flush=True)

    def sizes_of(simulation: Simulation) -> str:
        children, traits = state_bytes_per_child(simulation)
        return f"{children:.0f} + {traits:.0f}"

    for n in sizes:
        days = max(1, min(10, 2_000_000 // (n * EPISODES_PER_DAY)))
        if "cpu" in wanted:
            for precision in ("float64", "float32"):
                rates, simulation = engine_rate(n, "cpu", days, precision)
                show(n, f"cpu engine {precision}", rates, sizes_of(simulation))
                print(f"{'':>10} {'':<22} bytes touched per child-episode: {bytes_per_child_episode(simulation):.0f}")
            show(n, "cpu inner loop", inner_loop_rate(n, days * EPISODES_PER_DAY))
            for threads in [int(t) for t in args.threads.split(",")] if args.threads else []:
                numba.set_num_threads(threads)
                rates, _ = engine_rate(n, "cpu", days)
                show(n, f"cpu engine {threads} thr", rates)
                numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        if probe is not None:
            beside[n] = engine_beside_probe(probe, n, days, args.probe_threads, show)
        if "cuda" in wanted:
            for precision in ("float64", "float32"):
                rates, simulation = engine_rate(n, "cuda", max(days, 3), precision)
                show(n, f"cuda engine {precision}", rates, sizes_of(simulation))
        if "readable" in wanted and n <= 10_000:
            readable_n = min(n, 2_000)
            rates, _ = engine_rate(readable_n, "readable", 1)
            show(n, f"readable ({readable_n:,})", rates)
        if "mesa" in wanted and n <= 100_000:
            rates, size = mesa_rate(min(n, 10_000), days=1)
            show(n, f"mesa ({min(n, 10_000):,})", rates, f"{size:.0f}")
    print("\nratios (same run, same machine):")
    for n in sizes:
        line = f"{n:>10,}"
        named = {name: rate for (m, name), rate in rows.items() if m == n}
        mesa = next((rate for name, rate in named.items() if name.startswith("mesa")), None)
        readable = next((rate for name, rate in named.items() if name.startswith("readable")), None)
        if "cpu engine float64" in named and mesa:
            line += f"   cpu engine/mesa {named['cpu engine float64'] / mesa:7.0f}x"
        if readable and mesa:
            line += f"   readable/mesa {readable / mesa:5.2f}x"
        if "cpu engine float32" in named:
            line += f"   float32/float64 {named['cpu engine float32'] / named['cpu engine float64']:4.2f}x"
        if "cuda engine float64" in named and "cpu engine float64" in named:
            line += f"   cuda/cpu {named['cuda engine float64'] / named['cpu engine float64']:6.0f}x"
        print(line)
    if beside:
        print(f"\nthe engine beside the limit probe ({args.probe_threads} threads, same run):")
    for n, by_precision in beside.items():
        for precision, (engine, limit, bytes_per_child) in by_precision.items():
            print(
                f"{n:>10,} {precision}: engine {engine / 1e6:6.2f} M/s, probe {limit / 1e6:6.2f} M/s: "
                f"{100 * engine / limit:4.0f}% of the probe; state {bytes_per_child:.0f} B/child"
            )


if __name__ == "__main__":
    main()
