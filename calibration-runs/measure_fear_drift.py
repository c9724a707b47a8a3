"""Issue 25, items 3 and 4 (model v3, part 2): fear of a figure learned over months, and care that drifts.

Measured before and after the mechanisms in the same code: "before" is the same constants with the mechanisms
switched off (``alarm_history_scale`` so large that history never slows extinction, ``care_drift_sd_logit`` 0,
which draws no numbers, so the run takes the random numbers it took before), "after" the defaults of
docs/model.md ("Model v3, part 2: fear and drift"). Public API only. Sections:

- ``fear``: children from birth with a frightening caregiver; at 18 months the caregiver's alarming behaviour
  (anomalous moments and losses of temper) halves, for good. The share the model reads as disorganised towards
  the caregiver (fear above ``fear_threshold``) and the share the Strange Situation codes D, on days after the
  change, beside a low-risk (normative) population of the same age. Also a child with a short history: the same
  care from 12 months only (six months of alarm against eighteen).
- ``retest``: same-day retest of the Strange Situation at 12 months, and 12 -> 18 and 12 -> 24 months stability,
  with and without drift, and with drift and a smaller day-of-procedure reactivity (an exploration, not a fit).

    PYTHONPATH=src python calibration-runs/measure_fear_drift.py fear --n 400 --seed 0
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from measure_change import CAREGIVER, agreement, day_of_months, fmt, ssp

from securebase import statistics as methods
from securebase.calibration.calibration import Calibration
from securebase.engine.simulation import Simulation
from securebase.model.strategy import classify
from securebase.scenario.schema import Scenario
from securebase.studies.base import NoProgress
from securebase.studies.running import KERNEL, run_until

#: the mechanisms off: a history scale no history reaches, no drift
OFF = {"alarm_history_scale": 1e12, "care_drift_sd_logit": 0.0}
CHANGE_MONTHS = 18
#: the caregiver's alarming behaviour: its anomalous moments and its losses of temper (rates per day)
ALARM = ("anomalous_rate", "rupture_rate")
#: days after the change at which the children are read
READ_DAYS: tuple[int, ...] = (0, 30, 100, 200, 365)


def with_params(calibration: Calibration, **changes: float) -> Calibration:
    return replace(calibration, params=calibration.params.with_changes(**changes))


def share(values: np.ndarray) -> str:
    return fmt(methods.share_of(values))


def scenario(n: int, caregiving: str, days: int) -> Scenario:
    return Scenario(
        name="measure-fear",
        population={"n_children": n, "start_age_years": 0.0},
        figures=[{"name": CAREGIVER, "caregiving": caregiving, "availability": {"home": 0.9}}],
        schedule={"days": days},
    )


def disorganised(simulation: Simulation) -> np.ndarray:
    c, k = simulation.children, simulation.figures.index(CAREGIVER)
    return classify(c.gain[:, k], c.fear[:, k], simulation.params) == 3


def frightening_traits() -> dict[str, float]:
    """The 'frightening' preset's traits (every figure the same)."""
    from securebase.scenario.caregiving import preset_means

    return preset_means("frightening")


def measure_fear(n: int, seed: int, calibration: Calibration, out: Path) -> None:
    rows = []
    change_day = day_of_months(CHANGE_MONTHS)
    days = change_day + max(READ_DAYS) + 1
    frightening = frightening_traits()
    halved = {**frightening, "anomalous_rate": frightening["anomalous_rate"] / 2,
              "rupture_rate": frightening["rupture_rate"] / 2}  # fmt: skip
    for label, constants in (("before (mechanisms off)", with_params(calibration, **OFF)), ("after", calibration)):
        for arm in ("frightening from birth, alarm halved at 18 months",
                    "frightening from 12 months (normative before), alarm halved at 18 months",
                    "normative with 4x its alarm from birth, halved at 18 months",
                    "low-risk (normative), no change"):  # fmt: skip
            caregiving = "frightening" if arm.startswith("frightening from birth") else "normative"
            simulation = Simulation(scenario(n, caregiving, days), seed=seed, params=constants.params, kernel=KERNEL)
            if arm.startswith("frightening from 12"):
                simulation.change_care(CAREGIVER, frightening, from_age_years=1.0, until_age_years=CHANGE_MONTHS / 12)
            if "halved" in arm and arm.startswith("frightening"):
                simulation.change_care(CAREGIVER, halved, from_age_years=CHANGE_MONTHS / 12)
            if arm.startswith("normative with 4x"):
                # the normative caregivers' own alarm (rates drawn per figure) times 4, then times 2 from 18 months
                k = simulation.figures.index(CAREGIVER)
                rates = {name: getattr(simulation.figures, name)[:, k].copy() for name in ALARM}
                simulation.change_care(CAREGIVER, {name: 4 * rates[name] for name in ALARM},
                                       until_age_years=CHANGE_MONTHS / 12)  # fmt: skip
                simulation.change_care(CAREGIVER, {name: 2 * rates[name] for name in ALARM},
                                       from_age_years=CHANGE_MONTHS / 12)  # fmt: skip
            rng = np.random.default_rng(seed + 5)
            for after in READ_DAYS:
                run_until(simulation, change_day + after, NoProgress())
                k = simulation.figures.index(CAREGIVER)
                _, coded = ssp(simulation, rng, constants)
                rows.append({
                    "constants": label, "arm": arm, "days after 18 months": after,
                    "model D": share(disorganised(simulation)),
                    "SSP coded D": share(coded["classification"].to_numpy(str) == "D"),
                    "mean fear": f"{simulation.children.fear[:, k].mean():.3f}",
                    "mean alarm history": f"{simulation.children.alarm_history[:, k].mean():.1f}",
                })  # fmt: skip
    frame = pd.DataFrame(rows)
    print(frame.to_string(index=False))
    frame.to_csv(out / "fear-halved.csv", index=False)


def measure_retest(n: int, seed: int, calibration: Calibration, out: Path, reactivity: float) -> None:
    rows = []
    variants = (
        ("before (both mechanisms off)", with_params(calibration, **OFF)),
        ("fear history, no drift", with_params(calibration, care_drift_sd_logit=0.0)),
        ("after (both)", calibration),
        (f"after, day_reactivity_sd {reactivity:g}", with_params(calibration, day_reactivity_sd=reactivity)),
    )
    for label, constants in variants:
        simulation = Simulation(
            scenario(n, "normative", day_of_months(24) + 1), seed=seed, params=constants.params, kernel=KERNEL
        )
        rng = np.random.default_rng(seed + 11)
        run_until(simulation, day_of_months(12), NoProgress())
        _, first = ssp(simulation, rng, constants, coder_sd=0.0)
        _, second = ssp(simulation, rng, constants, coder_sd=0.0)
        _, coded_12 = ssp(simulation, rng, constants)
        _, coded_12b = ssp(simulation, rng, constants)
        rows.append(
            {
                "constants": label,
                "comparison": "same day, error-free coder (12 months)",
                **agreement(first["classification"].to_numpy(str), second["classification"].to_numpy(str), rng),
            }
        )
        rows.append({"constants": label, "comparison": "same day, the calibration's coder (12 months)",
                     **agreement(coded_12["classification"].to_numpy(str), coded_12b["classification"].to_numpy(str),
                                 rng)})  # fmt: skip
        for months in (18, 24):
            run_until(simulation, day_of_months(months), NoProgress())
            _, later = ssp(simulation, rng, constants)
            rows.append({"constants": label, "comparison": f"12 -> {months} months, the calibration's coder",
                         **agreement(coded_12["classification"].to_numpy(str), later["classification"].to_numpy(str),
                                     rng)})  # fmt: skip
        # development (and drift, where care drifts) without the coder: section 13's decomposition
        _, later_exact = ssp(simulation, rng, constants, coder_sd=0.0)
        rows.append({"constants": label, "comparison": "12 -> 24 months, error-free coder",
                     **agreement(first["classification"].to_numpy(str), later_exact["classification"].to_numpy(str),
                                 rng)})  # fmt: skip
    frame = pd.DataFrame(rows)
    print(frame.to_string(index=False))
    frame.to_csv(out / "retest-drift.csv", index=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("fear", "retest"))
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reactivity", type=float, default=0.5, help="retest: a smaller day_reactivity_sd to try")
    parser.add_argument("--out", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    calibration = Calibration.shipped()
    started = time.perf_counter()
    if args.what == "fear":
        measure_fear(args.n, args.seed, calibration, args.out)
    else:
        measure_retest(args.n, args.seed, calibration, args.out, args.reactivity)
    print(f"\n({args.what}: {time.perf_counter() - started:.0f} s; calibration shipped, seed {args.seed}, n {args.n})")


if __name__ == "__main__":
    main()
