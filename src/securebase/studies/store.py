"""A study's result on disk: its findings (JSON), its figure (PNG) and its tidy tables (CSV).

Layout of ``folder/<study>/``: ``result.json``, ``figure.png`` and
``tables/<table>.csv``. A result is written to a temporary folder and renamed
into place, so a folder that exists holds a whole result: a report interrupted
between studies resumes from the studies already stored (``stored``), if they
were made with the same size, seed, code (version and commit) and constants.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.studies.base import Estimate, Finding, MinimumEffect, StudyResult

RESULT_FILE = "result.json"
FIGURE_FILE = "figure.png"
TABLES_FOLDER = "tables"


#: what a stored result must share with a new run to be reused in its place
SAME = ("size", "seed", "version", "commit", "constants")


def provenance(size: str, seed: int, calibration: Calibration) -> dict:
    """What a stored result records of how it was made: size, seed, code, constants (hash) and their source."""
    from securebase._version import code_identity

    code = code_identity()
    return {
        "size": size,
        "seed": seed,
        "version": code["version"],
        "commit": code["commit"],
        "constants": calibration.constants_hash(),
        "calibration": calibration.provenance.source,
    }


def save(result: StudyResult, folder: Path, meta: dict) -> Path:
    """Write ``result`` to ``folder/<name>/`` atomically; returns that folder."""
    target = Path(folder) / result.name
    partial = Path(folder) / f".{result.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    (partial / TABLES_FOLDER).mkdir(parents=True)
    for name, table in result.tables.items():
        table.to_csv(partial / TABLES_FOLDER / f"{name}.csv", index=False)
    (partial / FIGURE_FILE).write_bytes(result.figure_png)
    document = {
        "provenance": meta,
        "name": result.name,
        "claims": list(result.claims),
        "size": result.size,
        "seed": result.seed,
        "design": result.design,
        "reading": result.reading,
        "extra": result.extra,
        "findings": [
            {
                "claim": f.claim,
                "statistic": f.statistic,
                "units": f.units,
                "expected": f.expected,
                **asdict(f.estimate),
                "minimum_effect": f.minimum_effect.value,
                "minimum_effect_reason": f.minimum_effect.reason,
                "verdict": f.verdict,
            }
            for f in result.findings
        ],
    }
    (partial / RESULT_FILE).write_text(json.dumps(document, indent=2), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def load(folder: Path) -> StudyResult:
    """Read a result written by :func:`save` from its own folder."""
    folder = Path(folder)
    document = json.loads((folder / RESULT_FILE).read_text(encoding="utf-8"))
    findings = [
        Finding(
            claim=f["claim"],
            statistic=f["statistic"],
            estimate=Estimate(f["value"], f["low"], f["high"]),
            expected=f["expected"],
            units=f["units"],
            minimum_effect=MinimumEffect(f["minimum_effect"], f["minimum_effect_reason"]),
        )
        for f in document["findings"]
    ]
    tables = {p.stem: pd.read_csv(p) for p in sorted((folder / TABLES_FOLDER).glob("*.csv"))}
    return StudyResult(
        name=document["name"],
        claims=tuple(document["claims"]),
        size=document["size"],
        seed=document["seed"],
        design=document["design"],
        findings=findings,
        tables=tables,
        figure_png=(folder / FIGURE_FILE).read_bytes(),
        reading=document["reading"],
        extra=document["extra"],
    )


def stored(folder: Path, name: str, meta: dict) -> StudyResult | None:
    """The stored result of study ``name`` if it was made as ``meta`` says (the keys in SAME), else None."""
    path = Path(folder) / name / RESULT_FILE
    if not path.is_file():
        return None
    made = json.loads(path.read_text(encoding="utf-8")).get("provenance")
    if not isinstance(made, dict) or any(key not in made or made[key] != meta[key] for key in SAME):
        return None
    return load(path.parent)
