"""The seed's claims as named, reproducible studies (S1-S13; docs/studies.md).

One module per study; each defines ``STUDY``. ``run_study("repair", calibration)``
runs one on a calibration's constants (here the shipped one)::

    import securebase
    from securebase.studies import run_study
    result = run_study("repair", securebase.default_calibration(), size="quick", seed=1)
    [f.verdict for f in result.findings]
"""

from __future__ import annotations

import importlib

from securebase.calibration.calibration import Calibration
from securebase.choices import STUDY_NAMES
from securebase.studies.base import (
    ContractError,
    Estimate,
    Finding,
    MinimumEffect,
    NoProgress,
    Progress,
    Size,
    Study,
    StudyResult,
    check_result,
)


def get_study(name: str) -> Study:
    """The study called ``name`` (one of STUDY_NAMES)."""
    if name not in STUDY_NAMES:
        raise KeyError(f"no study named {name!r}; expected one of: {', '.join(STUDY_NAMES)}")
    module = importlib.import_module(f"securebase.studies.{name.replace('-', '_')}")
    return module.STUDY


def run_study(
    name: str,
    calibration: Calibration,
    size: Size = "full",
    seed: int = 0,
    progress: Progress | None = None,
) -> StudyResult:
    """Run one study on ``calibration``'s constants (``securebase.default_calibration()``: the shipped ones)."""
    study = get_study(name)
    return study.run(size, seed, calibration, progress or NoProgress())


__all__ = [
    "STUDY_NAMES",
    "ContractError",
    "Estimate",
    "Finding",
    "MinimumEffect",
    "Progress",
    "Size",
    "Study",
    "StudyResult",
    "check_result",
    "get_study",
    "run_study",
]
