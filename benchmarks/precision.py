"""float32 against float64 state: the same runs, same seed, compared (docs/model.md §1, benchmarks/RESULTS.md).

    .venv/bin/python benchmarks/precision.py --children 5000 --n 1000

Prints the largest difference of each column of the daily summary of the
default scenario (school-year) and every `securebase validate` figure under
both precisions, with the largest difference.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import securebase
from securebase.calibration.fit import evaluate
from securebase.calibration.measure import table
from securebase.engine.simulation import Simulation
from securebase.scenario import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5000, help="children in the school-year run")
    parser.add_argument("--n", type=int, default=1000, help="children per validation study")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    calibration = securebase.default_calibration()
    scenario = load_scenario("school-year")
    scenario = scenario.model_copy(
        update={"population": scenario.population.model_copy(update={"n_children": args.children})}
    )
    runs = {
        precision: Simulation(scenario, seed=args.seed, params=calibration.params, precision=precision).run()
        for precision in ("float64", "float32")
    }
    double, single = runs["float64"].summary, runs["float32"].summary
    columns = [c for c in double.select_dtypes("number").columns if c not in ("day", "children")]
    gaps = (single[columns] - double[columns]).abs().max().sort_values(ascending=False)
    print(f"school-year, {args.children:,} children, seed {args.seed}: {len(double)} days (history included)")
    print("largest difference of the daily summary, float32 - float64 (top 10 columns):")
    print(gaps.head(10).to_string(float_format=lambda v: f"{v:.2e}"))
    figures = {}
    for precision in ("float64", "float32"):
        _, measured = evaluate(calibration, args.n, args.seed, align=False, precision=precision)
        figures[precision] = table(measured).set_index("target")["simulated"]
    compared = pd.DataFrame(figures)
    compared["difference"] = compared["float32"] - compared["float64"]
    print(f"\nvalidate figures, n = {args.n:,}, seed {args.seed}:")
    print(compared.to_string(float_format=lambda v: f"{v:.4f}"))
    print(f"largest difference of a validate figure: {np.abs(compared['difference']).max():.4f}")


if __name__ == "__main__":
    main()
