"""A classroom of simulated children at scale: 1,000 classes of 30 for one school year, on the compiled CPU kernel.

    .venv/bin/python benchmarks/classroom.py                       # 1,000 classes x 30, 5 years at home first
    .venv/bin/python benchmarks/classroom.py --classes 20          # a smoke run
    .venv/bin/python benchmarks/classroom.py --history none        # the year alone, no history

The population is the built-in ``school-year`` scenario (280 days, school 5
days a week, 4 of 8 daily episodes at school) with ``population.class_size``:
children in classes, one teacher per class. The five years at home are lived
once (``--history simulate``, the scenario's own) and the run is forked at
school entry into three years that draw the same engine numbers:

- baseline: the year with no episode observer (no school events, no classmates);
- school events: the year with ``model/school.py``'s events alone (peers by a fixed probability);
- classroom: the year with ``model/classroom.py`` (school events, classmates as children, externalising,
  internalising, general ability), then its per-child outcome table.

Prints the time of each part, the classroom's outcome means, and (with
``--by-strategy``) the means by each child's strategy with its parent at school
entry (the working-model read-out of docs/model.md §7, not a coded Strange
Situation): what the model gives, not a target.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import securebase
from securebase.engine.records import strategies
from securebase.engine.simulation import Simulation
from securebase.model.school import SchoolEvents
from securebase.model.state import STRATEGIES
from securebase.scenario.load import load_scenario

sys.path.insert(0, str(Path(__file__).parent))
from bench_kernels import machine


def timed(label: str, work) -> object:
    started = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


def live(simulation: Simulation) -> Simulation:
    while simulation.day < simulation.end_day:
        simulation.step()
    return simulation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--class-size", type=int, default=30)
    parser.add_argument("--history", choices=("simulate", "none"), default="simulate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--by-strategy", action="store_true", help="print the outcome means by strategy at entry")
    args = parser.parse_args()
    n = args.classes * args.class_size
    base = load_scenario("school-year")
    population = base.population.model_copy(update={"n_children": n, "class_size": args.class_size,
                                                    "history": args.history})  # fmt: skip
    spec = base.model_copy(update={"population": population})
    print(f"machine: {machine()}", flush=True)
    print(f"{args.classes:,} classes x {args.class_size} = {n:,} children; history {args.history}; "
          f"{spec.schedule.days} days", flush=True)  # fmt: skip
    params = securebase.default_calibration().params
    # compile the kernels first (a day of a one-class run), so that no timed part below pays for it
    warm = spec.model_copy(update={"population": population.model_copy(update={"n_children": args.class_size})})
    timed("compile (a day of one class)", lambda: Simulation(warm, seed=args.seed, params=params).step())
    started = time.perf_counter()
    history = timed("build", lambda: Simulation(spec, seed=args.seed, params=params, kernel="cpu"))
    timed(f"history ({spec.history_days} days at home)", lambda: [history.step() for _ in range(-history.first_day)])
    at_entry = time.perf_counter() - started

    parent = history.figures.index("parent")
    strategy_at_entry = np.asarray(STRATEGIES)[strategies(history.children, params)[:, parent]]
    baseline = history.fork()
    baseline.classroom = None  # a scenario with classes has its classroom: the baseline has none
    timed("year, baseline (no observer)", lambda: live(baseline))
    school = history.fork()
    school.classroom = None
    school.on_episode = SchoolEvents(n, np.random.SeedSequence((args.seed, 7)))
    timed("year, school events alone (fixed-probability peers)", lambda: live(school))
    classroom = history.classroom  # the engine's own (population.class_size), from day 0
    started_year = time.perf_counter()
    timed("year, classroom (classmates as children and school outcomes)", lambda: live(history))
    table = timed("outcome table", lambda: classroom.outcome_table(history.children))
    year = time.perf_counter() - started_year
    print(f"classroom year with its table: {year:.1f} s; with build and history: {at_entry + year:.1f} s "
          f"({(at_entry + year) / 60:.2f} min)", flush=True)  # fmt: skip
    means = table.drop(columns=["child", "class"]).mean(numeric_only=True)
    print("outcome means per child:")
    for name, value in means.items():
        print(f"  {name}: {value:.4g}")
    if args.by_strategy:
        table["strategy"] = strategy_at_entry
        columns = ["peer_approaches", "accepted_share", "liked_by", "friends", "friendship_quality", "aggression",
                   "opposition", "withdrawal", "worry", "learning", "ability"]  # fmt: skip
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(table.groupby("strategy")[columns].mean().round(3).assign(n=table["strategy"].value_counts()))


if __name__ == "__main__":
    main()
