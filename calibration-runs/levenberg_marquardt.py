"""Levenberg-Marquardt refinement of a calibration, as used for model v2's refit (2026-11-27).

    python calibration-runs/levenberg_marquardt.py START.toml N SEEDS ITERATIONS OUT.toml [WORKERS]

SEEDS is one seed or several separated by commas (then the residuals of every seed are scored together, each
divided by sqrt(number of seeds), so the objective is the mean of the seeds' objectives: a fit less tied to one
seed's sampling error).

The objective is `securebase calibrate`'s (calibration/fit.py): the sum of squared residuals (`fit.residuals`: each
target's (simulated - published) / half its acceptance range, or a one-sided requirement's shortfall from its aim
inside the bound / fit.ONE_SIDED_SCALE), scored by
`fit.evaluate` with common random numbers (the same seeds at every point). Each iteration takes the Jacobian by forward differences
(a step of 0.04 of each constant's range in FREE, towards the inside), scored on WORKERS spawned processes (default 2), then tries
four damping values lambda * (0.3, 1, 3, 10) of the step (J'J + lambda diag(J'J)) d = -J'r and keeps the best if
it is better (Levenberg 1944; Marquardt 1963). The best constants so far are written to OUT.toml after every
iteration (finish with `securebase calibrate --constants-from OUT.toml`, which also aligns the strategy read-out).
It lives here, beside the runs it made, rather than in the package: `securebase calibrate`'s own search is the
Latin hypercube, Nelder-Mead and the parallel evolution strategy.
"""

import dataclasses
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from securebase.calibration.calibration import Calibration
from securebase.calibration.fit import FREE, evaluate, vector, with_vector
from securebase.calibration.fit import residuals as fit_residuals
from securebase.calibration.measure import targets

STEP = 0.04
LOW = np.array([f[2] for f in FREE])
HIGH = np.array([f[3] for f in FREE])


def residuals(args: tuple[np.ndarray, int, tuple[int, ...]]) -> np.ndarray:
    """The objective's residuals (fit.residuals) at a point of the unit box, over the seeds; a statistic that
    cannot be computed (NaN: a correlation of a constant) is read as 0."""
    unit, n, seeds = args
    calibration = with_vector(Calibration(), LOW + np.clip(unit, 0, 1) * (HIGH - LOW))
    out = []
    for seed in seeds:
        _, measured = evaluate(calibration, n, seed)
        finite = {k: m if np.isfinite(m.value) else dataclasses.replace(m, value=0.0) for k, m in measured.items()}
        out.extend(np.array(fit_residuals(finite)) / np.sqrt(len(seeds)))
    return np.array(out)


def main(start: str, n: int, seed: tuple[int, ...], iterations: int, out: str, workers: int = 2) -> None:
    u = (np.clip(vector(Calibration.load(start)), LOW, HIGH) - LOW) / (HIGH - LOW)
    lam = 0.1
    names = [f"{t.name}@{s}" if len(seed) > 1 else t.name for s in seed for t in targets()]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        r0 = residuals((u, n, seed))
        best = float(r0 @ r0)
        print(f"start {best:.2f}", flush=True)
        for it in range(iterations):
            began = time.time()
            steps = [STEP if u[j] + STEP <= 1 else -STEP for j in range(len(u))]
            moved = [u + np.eye(len(u))[j] * h for j, h in enumerate(steps)]
            rs = list(pool.map(residuals, [(m, n, seed) for m in moved]))
            jacobian = np.column_stack([(r - r0) / h for r, h in zip(rs, steps, strict=True)])
            a, g = jacobian.T @ jacobian, jacobian.T @ r0
            tries = [(f * lam, np.clip(u - np.linalg.solve(a + f * lam * np.diag(np.diag(a) + 1e-9), g), 0, 1))
                     for f in (0.3, 1.0, 3.0, 10.0)]  # fmt: skip
            scored = list(pool.map(residuals, [(t, n, seed) for _, t in tries]))
            i = int(np.argmin([r @ r for r in scored]))
            if scored[i] @ scored[i] < best:
                (lam, u), r0, best = tries[i], scored[i], float(scored[i] @ scored[i])
            else:
                lam *= 10
            with_vector(Calibration(), LOW + u * (HIGH - LOW)).with_provenance(score=round(best, 4)).save(out)
            worst = sorted(zip(np.round(r0, 2), names, strict=True), key=lambda z: -abs(z[0]))[:6]
            print(f"iter {it}: score {best:.2f} lambda {lam:.3g} ({time.time() - began:.0f} s); worst {worst}", flush=True)


if __name__ == "__main__":
    workers = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    main(sys.argv[1], int(sys.argv[2]), tuple(int(s) for s in sys.argv[3].split(",")), int(sys.argv[4]), sys.argv[5], workers)
