"""Running several studies in turn, storing each as it finishes (so an interrupted report resumes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from securebase.calibration.calibration import Calibration
from securebase.progress import progress_bar
from securebase.studies import get_study
from securebase.studies.base import Size, StudyResult, check_result
from securebase.studies.store import provenance, save, stored


def run_studies(
    names: Sequence[str],
    folder: Path,
    calibration: Calibration,
    size: Size = "full",
    seed: int = 0,
    resume: bool = False,
    show_progress: bool = True,
    report: Callable[[str], None] = print,
) -> list[StudyResult]:
    """Run each study (a progress bar each), check and store its result under ``folder``.

    Every study runs on ``calibration``. With ``resume``, a study already stored
    there with the same size, seed, code version (and commit) and constants is
    read back instead of run again.
    """
    meta = provenance(size, seed, calibration)
    results = []
    for name in names:
        study = get_study(name)
        previous = stored(folder, name, meta) if resume else None
        if previous is not None:
            report(f"{name}: stored result reused")
            results.append(previous)
            continue
        with progress_bar(desc=name, unit="day", enabled=show_progress, leave=True) as bar:
            result = study.run(size, seed, calibration, bar)
        check_result(study, result)
        save(result, folder, meta)
        results.append(result)
    return results
