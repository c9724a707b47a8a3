"""Does the GPU run the same model as the CPU? One step on random states and constants, and a whole run.

    NUMBA_ENABLE_CUDASIM=1 python benchmarks/gpu_check.py --children 6 --days 3   # no GPU: numba's simulator
    python benchmarks/gpu_check.py --children 20000 --days 30                      # on an NVIDIA GPU

Under the simulator the GPU kernels run as Python, with the CPU's arithmetic, so
everything must agree to rounding (``--exact``; tests/test_kernels.py runs it so).
On a GPU, ``exp`` and ``log`` come from CUDA's library and multiply-adds may be
fused, so values differ in the last bits, and a uniform that falls within that
distance of a threshold can be decided differently; the script then prints the
largest differences rather than asserting them.
"""

from __future__ import annotations

import argparse
import copy
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).parents[1] / "tests")]
from helpers import SHIPPED, small
from test_kernels import assert_same_record, assert_same_state, distinct_parameters, random_population

from securebase.engine.driver import Driver
from securebase.engine.simulation import Simulation
from securebase.engine.uniforms import draw


def largest_gap(expected: object, got: object) -> float:
    gaps = [np.abs(np.asarray(y, float) - np.asarray(x, float)).max(initial=0.0) for x, y in zip(expected, got, strict=True)]
    return float(max(gaps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=6)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--exact", action="store_true", help="assert agreement to rounding (the simulator)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)  # the simulator's uint64 arithmetic wraps, as on the GPU
    n = args.children
    for seed in (1, 2):
        params = distinct_parameters(seed)
        children, figures = random_population(seed, n, 3)
        rng = np.random.default_rng(seed)
        a, b = copy.deepcopy(children), copy.deepcopy(children)
        for moment in (1.0, 240.0):
            draws = draw(rng, n, 3)
            args_ = (figures, rng.random((n, 3)) < 0.7, np.ones((n, 3)), rng.random(n) * 0.5, draws.child, params,
                     1 / 8 / moment, moment)  # fmt: skip
            cpu, gpu = Driver("cpu").step(a, *args_), Driver("cuda").step(b, *args_)
            if args.exact:
                assert_same_record(cpu, gpu)
                assert_same_state(a, b)
            state_gap = largest_gap([getattr(a, f) for f in a.__dataclass_fields__],
                                    [getattr(b, f) for f in b.__dataclass_fields__])  # fmt: skip
            print(f"one step, seed {seed}, steps/episode {moment:g}: largest difference of the state {state_gap:.2e}, "
                  f"of the record {largest_gap(cpu, gpu):.2e}")  # fmt: skip
    scenario = small("school-year", n_children=n, days=args.days, start_age_years=0.01)
    cpu_run = Simulation(scenario, seed=2, params=SHIPPED.params, kernel="cpu").run()
    gpu_run = Simulation(scenario, seed=2, params=SHIPPED.params, kernel="cuda").run()
    for table in ("summary", "children", "child_figures", "relationships"):
        x, y = getattr(cpu_run, table), getattr(gpu_run, table)
        numbers = x.select_dtypes("number").columns
        assert list(x.columns) == list(y.columns), table
        if args.exact:
            assert x.drop(columns=numbers).equals(y.drop(columns=numbers)), table
            np.testing.assert_allclose(y[numbers].to_numpy(float), x[numbers].to_numpy(float), rtol=1e-12, atol=1e-12)
        gap = np.abs(y[numbers].to_numpy(float) - x[numbers].to_numpy(float))
        relative = gap / np.maximum(np.abs(x[numbers].to_numpy(float)), 1e-9)
        print(f"whole run ({n:,} children, {len(x)} rows of {table}): largest difference {gap.max():.2e}, "
              f"relative {relative.max():.2e}, labels equal: {x.drop(columns=numbers).equals(y.drop(columns=numbers))}")
    print("GPU kernels agree with the CPU" if args.exact else "GPU kernels compared with the CPU (differences above)")


if __name__ == "__main__":
    main()
