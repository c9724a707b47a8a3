"""A sweep's output folder: ``sweep.json`` (what is being swept) and ``points/`` (one parquet file per finished task).

The dataset is the folder ``OUT/points/``: ``pandas.read_parquet(OUT / "points")``
reads it whole. Each file is written to a hidden temporary name and renamed into
place, so a process killed at any moment leaves finished tasks complete and no
half file under a task's name: a task's file exists if and only if it is done.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.outputs import atomic_target, check_resumable, write_atomically
from securebase.sweep.load import Sweep, SweepError
from securebase.sweep.overrides import scenario_data

MANIFEST_NAME = "sweep.json"
#: what sweep.json records for people only: a resumed sweep may differ in these
INFORMATIVE = ("started", "calibration_source")
POINTS_NAME = "points"


def manifest(sweep: Sweep, calibration: Calibration) -> dict[str, Any]:
    """What ``sweep.json`` records: the code's version, the calibration, the spec, the base scenario, the tasks.

    Of the calibration, the hash of its constants (``calibration``: a resumed sweep must use the same) and
    where it came from (``calibration_source``, informative only); the code (``_version.code_record``).
    """
    from securebase._version import code_record

    values = {point.index: point.values for point in sweep.points}
    return {
        **code_record(),
        "calibration": calibration.constants_hash(),
        "calibration_source": calibration.provenance.source,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "sweep": sweep.spec.model_dump(mode="json"),
        "scenario": scenario_data(sweep.scenario),
        "tasks": [
            {"id": task.id, "point": task.point, "seed": task.seed, "parameters": values[task.point]}
            for task in sweep.tasks
        ],
    }


def prepare(out: Path, record: dict[str, Any], resume: bool) -> None:
    """Make ``out`` ready for the sweep ``record`` describes (raises SweepError when it is not the place).

    A fresh sweep needs a folder with no sweep in it; ``resume`` needs the same sweep's ``sweep.json``.
    """
    path, points = out / MANIFEST_NAME, out / POINTS_NAME
    check_resumable(
        out, path, record, resume, kind="sweep", results=points, informative=INFORMATIVE,
        same="sweep file, scenario, calibration and securebase version and commit", error=SweepError,
    )  # fmt: skip
    if not resume:
        points.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(record, indent=2))
    points.mkdir(parents=True, exist_ok=True)
    for leftover in points.glob(".*.tmp"):  # a write cut short; its task is not done
        leftover.unlink()


def finished(out: Path) -> set[str]:
    """The ids of the tasks whose file is in place."""
    return {path.name.removesuffix(".parquet") for path in (out / POINTS_NAME).glob("*.parquet")}


def write(out: Path, task_id: str, table: pd.DataFrame) -> Path:
    """Write one task's table as ``points/<task_id>.parquet``, atomically."""
    path = out / POINTS_NAME / f"{task_id}.parquet"
    with atomic_target(path) as temporary:  # hidden: dataset readers skip names starting with '.'
        table.to_parquet(temporary, index=False)
    return path


def read_dataset(out: str | Path) -> pd.DataFrame:
    """The whole dataset of a sweep's --out folder, one row per task and day, sorted by point, seed and day."""
    table = pd.read_parquet(Path(out) / POINTS_NAME)
    return table.sort_values(["point", "seed", "day"], kind="stable").reset_index(drop=True)
