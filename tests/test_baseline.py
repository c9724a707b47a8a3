"""The stored exact baseline (tests/data/baseline/): the current code's reference run gives the stored figures.

Every change of the model's numbers shows here and in the review of the stored file: a change meant to move them
refreshes it in the same commit (``python scripts/refresh_baseline.py``) and says why; one not meant to has found
a defect. The reference run and its figures are defined once, in scripts/refresh_baseline.py.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "refresh_baseline.py"


def _load_script():
    # scripts/ holds scripts, not a package: load the module by path
    name = "securebase_refresh_baseline"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


baseline = _load_script()


@pytest.fixture(scope="module")
def current() -> str:
    return baseline.as_text(baseline.reference_figures())


def test_the_reference_run_gives_the_stored_figures_exactly(current: str) -> None:
    stored = baseline.BASELINE.read_text(encoding="utf-8")
    diff = baseline.differences(stored, current)
    assert not diff, (
        f"the reference run's figures differ from {baseline.BASELINE.relative_to(_SCRIPT.parents[1])}:\n{diff}\n"
        f"if the change of numbers is meant, refresh the baseline in the same commit: {baseline.REFRESH}"
    )


def test_the_stored_figures_are_a_run_that_happened(current: str) -> None:
    """The baseline is not empty nor degenerate: shares sum to one, every figure was met, things happened."""
    figures = json.loads(current)
    assert sum(figures["strategy_shares"].values()) == pytest.approx(1.0)
    assert set(figures["known_relationships"]) == {"parent", "teacher"}
    assert figures["known_relationships"]["parent"] == baseline.N_CHILDREN
    assert figures["run"]["history_days"] > 365 * baseline.START_AGE_YEARS - 2
    for counts in (figures["counts_in_the_year"], figures["counts_in_the_history"]):
        assert counts["bids"] == sum(counts[f"bids_{kind}"] for kind in ("crying", "smiling", "reaching",
                                                                          "approaching", "verbal"))  # fmt: skip
        assert 0 < counts["warm_responses"] <= counts["responses"] <= counts["bids"]


def test_a_changed_number_shows_as_a_readable_diff_naming_the_figure() -> None:
    figures = json.loads(baseline.BASELINE.read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(figures))
    changed["child_means"]["anxiety"] += 1e-9
    diff = baseline.differences(baseline.as_text(figures), baseline.as_text(changed))
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == len(added) == 1
    assert '"anxiety"' in removed[0]
    assert '"anxiety"' in added[0]
