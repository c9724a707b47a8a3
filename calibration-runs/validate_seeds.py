"""How robust a calibration's fit is to the seed: `fit.evaluate` (read-out as shipped) at size N on seeds 1..K in
parallel, then, per target, its mean, its range over the seeds and on how many seeds it is within range.

    python calibration-runs/validate_seeds.py [CALIBRATION.toml|shipped] N K WORKERS
"""

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from securebase.calibration.calibration import Calibration
from securebase.calibration.fit import evaluate
from securebase.calibration.measure import targets


def one(args: tuple[str, int, int]) -> dict[str, float]:
    source, n, seed = args
    calibration = Calibration.shipped() if source == "shipped" else Calibration.load(source)
    _, measured = evaluate(calibration, n, seed, align=False)
    return {name: m.value for name, m in measured.items()}


def main(source: str, n: int, seeds: int, workers: int) -> None:
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = list(pool.map(one, [(source, n, s) for s in range(1, seeds + 1)]))
    print(f"{source}: n {n}, seeds 1-{seeds}")
    print(f"{'target':30s} {'mean':>7s} {'min':>7s} {'max':>7s}  range          in range")
    for t in targets():
        values = np.array([r[t.name] for r in runs])
        inside = sum(t.within(v) for v in values)
        print(f"{t.name:30s} {values.mean():7.3f} {values.min():7.3f} {values.max():7.3f}  [{t.low}, {t.high}]  {inside}/{seeds}")
    every = sum(all(t.within(r[t.name]) for t in targets()) for r in runs)
    print(f"seeds with every target in range: {every}/{seeds}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
