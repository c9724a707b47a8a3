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
from securebase.calibration.measure import Target, targets
from securebase.outputs import write_atomically
from securebase.report.pages import data_uri, render
from securebase.studies import get_study
from securebase.studies.base import Finding, Study, StudyResult
from securebase.studies.store import TABLES_FOLDER

REPORT_FILE = "report.html"

#: what each verdict means, in the reader's words
VERDICTS = {
    "supported": (
        "the 95% interval lies wholly beyond the minimum effect that would matter, on the side the claim predicts"
    ),
    "not shown": (
        "the 95% interval includes zero, or it excludes zero but reaches effects smaller than the minimum that would "
        "matter: this run does not show an effect of the claimed direction large enough to matter"
    ),
    "contradicted": (
        "the 95% interval lies wholly beyond the minimum effect on the opposite side: the model shows the reverse, "
        "large enough to matter"
    ),
}
#: what marks a claim whose direction the calibration targets already require
CONSTRAINED = "constrained by calibration"
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
    # the seed's opening question (not in MODEL.md's table of claims S1-S12)
    "S13": "How a secure base affects relationships later on in life",
}


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def _estimate(finding: Finding) -> str:
    e = finding.estimate
    return f"{_number(e.value)} [{_number(e.low)}, {_number(e.high)}]"


def _minimum(finding: Finding) -> str:
    """The minimum effect that would matter, signed in the claimed direction."""
    return f"{'+' if finding.expected > 0 else '-'}{_number(finding.minimum_effect.value)}"


def _rows(
    findings: Sequence[Finding], constrained: Sequence[bool], studies: Sequence[str] | None = None
) -> list[dict[str, object]]:
    """The findings as rows of the findings table (with the study of each, for the table of every finding)."""
    return [
        {
            "finding": f,
            "predicts": "above zero" if f.expected > 0 else "below zero",
            "estimate": _estimate(f),
            "minimum": _minimum(f),
            "constrained": CONSTRAINED if constrained[i] else "",
            "study": studies[i] if studies else None,
        }
        for i, f in enumerate(findings)
    ]


def _constraints(study: Study, claim: str, known: dict[str, Target]) -> list[dict[str, str]]:
    """The calibration targets that constrain ``claim``'s direction: name and what each requires."""
    return [
        {"name": name, "statistic": known[name].statistic if name in known else "(not in targets.toml)"}
        for name in study.constrained_by_calibration(claim)
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


def _claims(
    results: Sequence[StudyResult], studies: dict[str, Study], known: dict[str, Target]
) -> list[dict[str, object]]:
    """One row per claim: what the seed says in short, the studies, how their findings came out, and the
    calibration targets that constrain its direction (if any)."""
    rows = []
    for claim in sorted({c for r in results for c in r.claims}, key=lambda c: int(c[1:])):
        mine = [r for r in results if claim in r.claims]
        verdicts = [f.verdict for r in mine for f in r.findings if f.claim == claim]
        rows.append(
            {
                "claim": claim,
                "title": CLAIM_TITLES.get(claim, ""),
                "studies": [r.name for r in mine],
                "tally": _tally(verdicts),
                "constraints": [t for r in mine for t in _constraints(studies[r.name], claim, known)],
            }
        )
    return rows


def _section(
    result: StudyResult, relative: str, study: Study, known: dict[str, Target], options: str = ""
) -> dict[str, object]:
    return {
        "result": result,
        "options": options,
        "study": study,
        "titles": "; ".join(CLAIM_TITLES.get(c, c) for c in result.claims),
        "image": data_uri(result.figure_png),
        "findings": _rows(result.findings, [bool(study.constrained_by_calibration(f.claim)) for f in result.findings]),
        "constrained": [
            {"claim": claim, "targets": _constraints(study, claim, known)}
            for claim in result.claims
            if study.constrained_by_calibration(claim)
        ],
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

    studies = {r.name: lookup(r.name) for r in results}
    known = {t.name: t for t in targets()}
    findings = [f for r in results for f in r.findings]
    constrained = [bool(studies[r.name].constrained_by_calibration(f.claim)) for r in results for f in r.findings]
    # the headline counts only the independent findings: a direction the model was fitted to show is no evidence
    independent = [f.verdict for f, c in zip(findings, constrained, strict=True) if not c]
    dependent = [f.verdict for f, c in zip(findings, constrained, strict=True) if c]
    page = render(
        "report.html",
        version=version(),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        took=f", in {elapsed_seconds / 60:.1f} minutes" if elapsed_seconds is not None else "",
        sizes=sorted({r.size for r in results}),
        seeds=sorted({r.seed for r in results}),
        model=model,
        verdicts=VERDICTS,
        constrained_label=CONSTRAINED,
        counts=[(v, independent.count(v)) for v in VERDICTS],
        constrained_counts=_tally(dependent),
        claims=_claims(results, studies, known),
        findings=_rows(findings, constrained, [r.name for r in results for _ in r.findings]),
        sections=[_section(r, tables_folder, studies[r.name], known, options) for r in results],
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / filename
    write_atomically(path, page)
    return path
