"""How long a virtual trial takes: the scale of issue 13, measured on this machine.

1. The trial: 2 arms x ``--n-per-arm`` children (10,000) x 2 years from birth, a change of care from 6 to 9
   months, a Strange Situation at 12 months for every child (the cpu kernel). Every child lives both arms
   (forks on common random numbers), so the engine simulates arms x (arms x n) child-lives.
2. The power curve: ``--replicates`` trials at ``--sizes`` children per arm (nested: each replicate is one
   new trial at the largest size, tested at each), on ``--workers`` local processes. ``--measure`` of them are
   run and timed; the time of all is extrapolated from them (said so in the output).

    .venv/bin/python benchmarks/trial_scale.py               # both, the issue's sizes
    .venv/bin/python benchmarks/trial_scale.py --skip-trial --measure 20
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numba

import securebase
from securebase.trials.load import build_trial
from securebase.trials.run import run_trial
from securebase.trials.spec import TrialSpec

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trial-home-visiting.toml"


def spec(n_per_arm: int, months: float, sizes: list[int] | None, replicates: int) -> TrialSpec:
    import tomllib

    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["n_per_arm"] = n_per_arm
    data["population"]["months"] = months
    data.pop("power", None)
    if sizes:
        data["power"] = {"n_per_arm": sizes, "replicates": replicates}
    return TrialSpec(**data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-per-arm", type=int, default=10_000)
    parser.add_argument("--months", type=float, default=24.0)
    parser.add_argument("--sizes", default="25,50,100,200,400")
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--measure", type=int, default=40, help="replicates run and timed (the rest extrapolated)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-trial", action="store_true")
    parser.add_argument("--skip-power", action="store_true")
    args = parser.parse_args()
    calibration = securebase.default_calibration()
    print(f"machine: {os.cpu_count()} CPUs, numba threads {numba.get_num_threads()}")
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_trial:
            trial = build_trial(spec(args.n_per_arm, args.months, None, 0), base_folder=EXAMPLE.parent)
            started = time.perf_counter()
            result = run_trial(trial, Path(folder) / "trial", calibration, progress=False)
            seconds = time.perf_counter() - started
            children = args.n_per_arm * 2
            print(f"trial: 2 arms x {args.n_per_arm:,} children x {args.months:g} months + Strange Situation at 12 "
                  f"months: {seconds:.1f} s ({children:,} children, each living both arms)")  # fmt: skip
            primary = result.estimates[result.estimates["sample"] == "randomised"]
            print(primary[["outcome", "statistic", "value", "low", "high"]].to_string(index=False))
        if not args.skip_power:
            sizes = [int(s) for s in args.sizes.split(",")]
            trial = build_trial(spec(2, 12.0, sizes, args.measure), base_folder=EXAMPLE.parent)
            started = time.perf_counter()
            run_trial(trial, Path(folder) / "power", calibration, workers=args.workers, progress=False)
            seconds = time.perf_counter() - started
            per = seconds / args.measure
            print(f"power curve: {args.measure} replicates at {sizes} per arm (12 months each) on {args.workers} "
                  f"processes: {seconds:.1f} s, {per:.2f} s a replicate; {args.replicates} replicates extrapolated: "
                  f"{per * args.replicates / 60:.1f} min")  # fmt: skip


if __name__ == "__main__":
    main()
