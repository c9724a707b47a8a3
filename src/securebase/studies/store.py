"""A study's result on disk: its findings (JSON), its figure (PNG) and its tidy tables (CSV).

Layout of ``folder/<study>/``: ``result.json``, ``figure.png`` and
``tables/<table>.csv``. A result is written to a temporary folder and renamed
into place, so a folder that exists holds a whole result: a report interrupted
between studies resumes from the studies already stored (``stored``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from securebase.model.parameters import ModelParameters
from securebase.studies.base import Estimate, Finding, StudyResult

RESULT_FILE = "result.json"
FIGURE_FILE = "figure.png"
TABLES_FOLDER = "tables"


def fingerprint(params: ModelParameters) -> str:
    """A short hash of the model's constants and the instruments' coding, to tell stored results apart."""
    from securebase.instruments.ssp_coding import DEFAULT_SCHEME

    text = json.dumps({"model": params.to_dict(), "coding": DEFAULT_SCHEME.to_dict()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def provenance(size: str, seed: int, params: ModelParameters) -> dict:
    from securebase import __version__

    return {"size": size, "seed": seed, "version": __version__, "parameters": fingerprint(params)}


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
    """The stored result of study ``name`` if it was made with the same size, seed, version and constants."""
    path = Path(folder) / name / RESULT_FILE
    if not path.is_file():
        return None
    if json.loads(path.read_text(encoding="utf-8")).get("provenance") != meta:
        return None
    return load(path.parent)
