"""A very large population on a compiled kernel, keeping the daily summaries only: time and peak memory.

    .venv/bin/python benchmarks/big_population.py --children 10000000 --days 365
    .venv/bin/python benchmarks/big_population.py --children 100000 --days 3   # a smoke run

The population is the benchmark's (bench_kernels.scenario: the school year from
age 5). Only the per-day summary rows are kept (no per-child tables), so memory
is the state plus one step's temporaries and does not grow with the days.
Prints the time per simulated day and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

import securebase
from securebase.engine.simulation import Simulation

sys.path.insert(0, str(Path(__file__).parent))
from bench_kernels import EPISODES_PER_DAY, machine, scenario, state_bytes_per_child


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--out", type=Path, default=None, help="write the daily summary here (parquet)")
    parser.add_argument("--kernel", default="cpu", help="cpu or cuda")
    parser.add_argument("--precision", default="float64", help="float64 or float32")
    args = parser.parse_args()
    base = scenario(args.children)
    spec = base.model_copy(update={"schedule": base.schedule.model_copy(update={"days": args.days})})
    print(f"machine: {machine()}", flush=True)
    started = time.perf_counter()
    params = securebase.default_calibration().params
    simulation = Simulation(spec, seed=1, params=params, kernel=args.kernel, precision=args.precision)
    built = time.perf_counter() - started
    print(f"built {args.children:,} children in {built:.0f} s; state {sum(state_bytes_per_child(simulation)):.0f} B/child")
    started = time.perf_counter()
    for _ in tqdm(range(args.days), desc="days", unit="day"):
        simulation.step()
    elapsed = time.perf_counter() - started
    summary = pd.DataFrame(simulation.summary)
    if args.out is not None:
        summary.to_parquet(args.out)
    rate = args.children * EPISODES_PER_DAY * args.days / elapsed
    print(
        f"{args.children:,} children x {args.days} days: {elapsed:.0f} s ({elapsed / args.days:.1f} s/day, "
        f"{rate / 1e6:.1f} M child-episodes/s); peak resident memory {peak_rss_gib():.2f} GiB"
    )
    print(summary[["day", "anxiety", "felt_security", "competence", "share_secure"]].tail(3).to_string(index=False))


if __name__ == "__main__":
    main()
