"""The report of the seed's claims: one self-contained HTML page for every study run.

Everything a reader needs is in the page (figures embedded as data URIs, no
scripts, no network); the tidy tables sit beside it as CSV files so that any
figure can be redrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from securebase.calibration.calibration import SHIPPED_SOURCE, Calibration
from securebase.outputs import write_atomically
from securebase.report.pages import data_uri, render
from securebase.studies import get_study
from securebase.studies.base import Finding, Study, StudyResult
from securebase.studies.store import TABLES_FOLDER

REPORT_FILE = "report.html"

#: what each verdict means, in the reader's words
VERDICTS = {
    "supported": "the 95% interval lies wholly on the side the claim predicts",
    "not shown": "the 95% interval includes zero: this run cannot tell the claimed direction from none",
    "contradicted": "the 95% interval lies wholly on the opposite side: the model says the reverse",
}
CLAIM_TITLES = {
    "S1": "Responding consistently, appropriately, sensitively, warmly and reliably reduces anxiety",
    "S2": "With anxiety reduced, the child feels secure and explores, plays and learns",
    "S3": "Attachment behaviours move from crying, reaching and smiling to approaching and words",
    "S4": "Consistent care from the early weeks: the child relaxes, trusts and explores",
    "S5": "Repairing ruptures is a key to security",
    "S6": "The key benefit is exploration and development, not comfort alone",
    "S7": "A teacher can be a secure base at school",
    "S8": "Security is not fixed: it can be lost or formed at any age",
    "S9": "Secure adults explore new opportunities",
    "S10": "Recognising figures willing and able to be a secure base",
    "S11": "Collaborating in a mutually rewarding relationship, exchanging roles",
    "S12": "Attachment styles emerge from experience",
}


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def _estimate(finding: Finding) -> str:
    e = finding.estimate
    return f"{_number(e.value)} [{_number(e.low)}, {_number(e.high)}]"


def _rows(findings: Sequence[Finding], studies: Sequence[str] | None = None) -> list[dict[str, object]]:
    """The findings as rows of the findings table (with the study of each, for the table of every finding)."""
    return [
        {
            "finding": f,
            "predicts": "above zero" if f.expected > 0 else "below zero",
            "estimate": _estimate(f),
            "study": studies[i] if studies else None,
        }
        for i, f in enumerate(findings)
    ]


def _tally(verdicts: Sequence[str]) -> list[tuple[str, int]]:
    """(verdict, how many) for each verdict that occurs, in the order of VERDICTS."""
    return [(v, verdicts.count(v)) for v in VERDICTS if verdicts.count(v)]


def describe_constants(calibration: Calibration) -> str:
    """Which constants the studies ran on: the calibration's file, date and fit (or the hand-set values)."""
    p = calibration.provenance
    if p.source is None:
        return (
            "the hand-set values of docs/model.md (no calibration file; `securebase validate` shows how "
            "they meet the published targets)"
        )
    within, total = p.within_range()
    method = p.method
    at = f" at the fit (n = {method['n']:,}, seed {method['seed']})" if {"n", "seed"} <= set(method) else ""
    fit = f"{within} of {total} published targets within range{at}" if total else "no fit recorded"
    score = f", score {p.score:.2f}" if p.score is not None else ""
    return f"the calibration {p.source} of {p.date or 'unknown date'} ({fit}{score}; constants {calibration.constants_hash()})"


def _claims(results: Sequence[StudyResult]) -> list[dict[str, object]]:
    """One row per claim: what the seed says in short, the studies, and how their findings came out."""
    rows = []
    for claim in sorted({c for r in results for c in r.claims}, key=lambda c: int(c[1:])):
        studies = [r for r in results if claim in r.claims]
        verdicts = [f.verdict for r in studies for f in r.findings if f.claim == claim]
        rows.append(
            {
                "claim": claim,
                "title": CLAIM_TITLES.get(claim, ""),
                "studies": [r.name for r in studies],
                "tally": _tally(verdicts),
            }
        )
    return rows


def _section(result: StudyResult, relative: str, study: Study, options: str = "") -> dict[str, object]:
    return {
        "result": result,
        "options": options,
        "study": study,
        "titles": "; ".join(CLAIM_TITLES.get(c, c) for c in result.claims),
        "image": data_uri(result.figure_png),
        "findings": _rows(result.findings),
        "tally": _tally([f.verdict for f in result.findings]),
        "tables": [
            {
                "name": name,
                "href": f"{relative}/{result.name}/{TABLES_FOLDER}/{name}.csv",
                "rows": len(table),
                "columns": [str(c) for c in table.columns],
            }
            for name, table in result.tables.items()
        ],
    }


def write_report(
    results: Sequence[StudyResult],
    out: Path,
    model: Calibration | str,
    elapsed_seconds: float | None = None,
    tables_folder: str = ".",
    filename: str = REPORT_FILE,
    lookup: Callable[[str], Study] = get_study,
) -> Path:
    """Write ``out/report.html`` for ``results`` (stored under ``out/<tables_folder>/<study>/``).

    ``model`` is the calibration the studies ran on (described by :func:`describe_constants`), or words
    that name the constants; ``lookup`` finds each result's study (its sentence and question).
    """
    from securebase._version import version

    options = ""  # what the re-run command needs beyond the study's size and seed: a calibration not shipped
    if isinstance(model, Calibration):
        source = model.provenance.source
        if source is not None and source != SHIPPED_SOURCE:
            options = f" --calibration {source}"
        model = describe_constants(model)

    findings = [f for r in results for f in r.findings]
    verdicts = [f.verdict for f in findings]
    page = render(
        "report.html",
        version=version(),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        took=f", in {elapsed_seconds / 60:.1f} minutes" if elapsed_seconds is not None else "",
        sizes=sorted({r.size for r in results}),
        seeds=sorted({r.seed for r in results}),
        model=model,
        verdicts=VERDICTS,
        counts=[(v, verdicts.count(v)) for v in VERDICTS],
        claims=_claims(results),
        findings=_rows(findings, [r.name for r in results for _ in r.findings]),
        sections=[_section(r, tables_folder, lookup(r.name), options) for r in results],
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / filename
    write_atomically(path, page)
    return path
