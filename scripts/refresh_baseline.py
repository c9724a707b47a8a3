"""The stored exact baseline of one small reference run (issue 23): write it, or compare the current code with it.

    python scripts/refresh_baseline.py           # rewrite tests/data/baseline/reference-run.json
    python scripts/refresh_baseline.py --check   # compare only: the differences, exit status 1 if any

The reference run is the built-in school year cut small (400 children with a simulated history to age 3, then 40
days of the year, seed 7, the shipped constants), on the CPU kernel in double precision. What is stored are its
summary figures: the share of each strategy, the means of the key state (the children's, and each figure's
working model), and the counts of what happened (bids, answers, ruptures, repairs; in the history and in the
year), at 12 significant digits. tests/test_baseline.py compares the current code's run with the stored file
exactly, so every change of numbers shows in review: a change that means to move them refreshes the file in the
same commit (and says why); one that does not has found a defect.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

BASELINE = Path(__file__).resolve().parents[1] / "tests" / "data" / "baseline" / "reference-run.json"
REFRESH = "python scripts/refresh_baseline.py"
#: the reference run
SCENARIO, N_CHILDREN, DAYS, START_AGE_YEARS, SEED = "school-year", 400, 40, 3.0, 7
#: significant digits kept: the figures are means and counts of a deterministic run; 12 digits show any change of
#: the model's numbers while staying readable (a float64 has 15-17)
DIGITS = 12
CHILD_STATE = ("anxiety", "felt_security", "exploration", "competence", "prior_trust", "mean_anxiety",
               "mean_felt_security", "mean_exploration")  # fmt: skip
WORKING_MODEL = ("trust", "unpredictability", "fear", "gain")
COUNTS = ("bids", "bids_crying", "bids_smiling", "bids_reaching", "bids_approaching", "bids_verbal", "responses",
          "warm_responses", "adult_ruptures", "tantrums", "repairs", "unrepaired_ruptures", "intrusions")  # fmt: skip
STRATEGIES = ("secure", "avoidant", "ambivalent", "disorganised")


def _figure(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def reference_figures() -> dict:
    """Run the reference run with the current code and return its summary figures (JSON-ready)."""
    import securebase
    from securebase.scenario import load_scenario

    calibration = securebase.default_calibration()
    scenario = load_scenario(SCENARIO)
    population = scenario.population.model_copy(
        update={"n_children": N_CHILDREN, "start_age_years": START_AGE_YEARS, "history": "simulate"}
    )
    schedule = scenario.schedule.model_copy(update={"days": DAYS})
    scenario = scenario.model_copy(update={"population": population, "schedule": schedule})
    results = securebase.simulate(scenario, seed=SEED, calibration=calibration)
    children, figures, summary = results.children, results.child_figures, results.summary
    known = figures[figures["known"]]
    history = summary[summary["day"] < 0]
    return {
        "run": {
            "scenario": SCENARIO, "children": N_CHILDREN, "days": DAYS, "start_age_years": START_AGE_YEARS,
            "seed": SEED, "constants": calibration.constants_hash(), "history_days": len(history),
        },
        "strategy_shares": {s: _figure((children["strategy"] == s).mean()) for s in STRATEGIES},
        "child_means": {name: _figure(children[name].mean()) for name in CHILD_STATE},
        "working_model_means": {
            figure: {name: _figure(rows[name].mean()) for name in WORKING_MODEL}
            for figure, rows in known.groupby("figure", sort=True)
        },
        "known_relationships": {figure: len(rows) for figure, rows in known.groupby("figure", sort=True)},
        "counts_in_the_year": {name: int(children[name].sum()) for name in COUNTS},
        "counts_in_the_history": {name: int(history[name].sum()) for name in COUNTS},
        "end_of_history": {name: _figure(history[name].iloc[-1]) for name in ("anxiety", "felt_security",
                           "exploration", "competence", *(f"share_{s}" for s in STRATEGIES))},
    }  # fmt: skip


def as_text(figures: dict) -> str:
    """The figures as the stored file's text: one value a line, keys sorted, so a diff reads line by line."""
    return json.dumps(figures, indent=2, sort_keys=True) + "\n"


def differences(stored: str, current: str) -> str:
    """A unified diff of the stored baseline and the current figures ('' when they are the same)."""
    lines = difflib.unified_diff(
        stored.splitlines(keepends=True), current.splitlines(keepends=True), "stored baseline", "current code"
    )
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored baseline; write nothing")
    args = parser.parse_args(argv)
    current = as_text(reference_figures())
    stored = BASELINE.read_text(encoding="utf-8") if BASELINE.is_file() else ""
    if args.check:
        diff = differences(stored, current)
        print(diff or "the current code reproduces the stored baseline exactly", end="" if diff else "\n")
        return 1 if diff else 0
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(current, encoding="utf-8")
    print(f"wrote {BASELINE} ({'unchanged' if stored == current else 'changed' if stored else 'new'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
