"""The report of the seed's claims: one self-contained HTML page for every study run.

Everything a reader needs is in the page (figures embedded as data URIs, no
scripts, no network); the tidy tables sit beside it as CSV files so that any
figure can be redrawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from securebase.calibration.calibration import SHIPPED_SOURCE, Calibration
from securebase.calibration.measure import Target, targets
from securebase.outputs import write_atomically
from securebase.plotting import displayed_width, png_size
from securebase.report.pages import data_uri, render
from securebase.studies import get_study, literature, plausibility
from securebase.studies.base import Finding, Study, StudyResult
from securebase.studies.claims import CLAIM_VERDICTS, ClaimVerdict, claim_verdict, identical_groups, merged_statistic
from securebase.studies.literature import Comparison
from securebase.studies.plausibility import Flag
from securebase.studies.store import FIGURE_FILE, TABLES_FOLDER

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


def in_metric(metric: str, value: float, low: float | None = None, high: float | None = None) -> str:
    """An effect in its published metric: "d 0.15 [0.06, 0.24]", "12 percentage points", "OR 1.8"."""
    interval = f" [{_number(low)}, {_number(high)}]" if low is not None and high is not None else ""
    if metric == "percentage points":
        return f"{_number(value)}{interval} percentage points"
    return f"{'OR' if metric == 'odds ratio' else metric} {_number(value)}{interval}"


def short_source(source: str) -> str:
    """A reference in short, "Groh et al. 2012", from its full form "Groh, A. M., Roisman, G. I., ... (2012). ..."."""
    year = re.search(r"\b(?:19|20)\d{2}\b", source)
    authors = source[: year.start()] if year else source
    surname = re.split(r"[,(]", authors, maxsplit=1)[0].strip() or source
    several = "&" in authors or " and " in authors or "et al" in authors or authors.count(",") > 2
    return f"{surname}{' et al.' if several else ''}{' ' + year.group(0) if year else ''}"


#: how a published figure stands beside the model: an independent comparison, or a figure the model was fitted to
NOT_FITTED = "for comparison, not fitted"
FITTED = "a calibration target: fitted, no independent comparison"


def _standing(comparison: Comparison) -> str:
    return FITTED if comparison.published.calibration_target else NOT_FITTED


def _published_line(comparison: Comparison) -> tuple[str, str]:
    """The claim-level line, with how the figure stands: "published: d 0.15 (Groh et al. 2012); model: d -0.29"."""
    p = comparison.published
    model = in_metric(p.metric, comparison.model.value) if comparison.model is not None else "not convertible"
    return _standing(comparison), f"published: {in_metric(p.metric, p.value)} ({short_source(p.source)}); model: {model}"


def _rows(
    findings: Sequence[Finding],
    constrained: Sequence[bool],
    studies: Sequence[str] | None = None,
    flagged: Sequence[Sequence[Flag]] | None = None,
    compared: Sequence[Sequence[Comparison]] | None = None,
) -> list[dict[str, object]]:
    """The findings as rows of a findings table; findings of one claim whose estimates agree to 4 decimals are one
    row naming each (``merged``), with the union of their flags and published comparisons."""
    rows = []
    for group in identical_groups(findings):
        f = findings[group[0]]
        rows.append(
            {
                "finding": f,
                "statistic": merged_statistic([findings[i].statistic for i in group]),
                "merged": len(group),
                "predicts": "above zero" if f.expected > 0 else "below zero",
                "estimate": _estimate(f),
                "minimum": _minimum(f),
                "constrained": CONSTRAINED if constrained[group[0]] else "",
                "study": studies[group[0]] if studies else None,
                "flags": list(dict.fromkeys(x for i in group for x in (flagged[i] if flagged else ()))),
                "compared": list(dict.fromkeys(x for i in group for x in (compared[i] if compared else ()))),
            }
        )
        rows[-1]["comparisons"] = [_comparison(c) for c in rows[-1]["compared"]]
    return rows


def _comparison(comparison: Comparison) -> dict[str, str]:
    """A published comparison as the page says it, in the published metric."""
    p, m = comparison.published, comparison.model
    return {
        "standing": _standing(comparison),
        "published": in_metric(p.metric, p.value, p.low, p.high),
        "model": in_metric(p.metric, m.value, m.low, m.high) if m is not None else "not convertible",
        "conversion": comparison.conversion,
        "note": p.note.rstrip(".") + "." if p.note else "",
        "source": p.source,
        "where": p.where,
    }


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


def claim_verdicts(results: Sequence[StudyResult], lookup: Callable[[str], Study] = get_study) -> list[dict]:
    """One entry per claim the results test, in claim order: its findings (identical ones told once), whether the
    calibration constrains it (every finding's study declares so), and its verdict by :func:`claim_verdict`."""
    entries = []
    for claim in sorted({c for r in results for c in r.claims}, key=lambda c: int(c[1:])):
        found = [(r, f) for r in results for f in r.findings if f.claim == claim]
        groups = identical_groups([f for _, f in found])
        verdict = claim_verdict([found[g[0]][1].verdict for g in groups])
        if len(groups) < len(found):  # said, so that the count of findings agrees with the tables beneath
            told_once = f"{len(found) - len(groups)} identical to another told once"
            verdict = ClaimVerdict(verdict.verdict, f"{verdict.why} ({told_once})")
        entries.append(
            {
                "claim": claim,
                "verdict": verdict,
                "constrained": bool(found) and all(lookup(r.name).constrained_by_calibration(claim) for r, _ in found),
            }
        )
    return entries


def _claims(
    results: Sequence[StudyResult],
    studies: dict[str, Study],
    known: dict[str, Target],
    flagged: dict[str, dict[int, list[Flag]]],
    compared: dict[str, dict[int, list[Comparison]]],
) -> list[dict[str, object]]:
    """One entry per claim: what the seed says in short, its verdict, the studies, its findings (with their flags
    and published comparisons), the calibration targets that constrain its direction (if any)."""
    entries = []
    for entry in claim_verdicts(results, studies.__getitem__):
        claim = entry["claim"]
        mine = [r for r in results if claim in r.claims]
        found = [(r, i, f) for r in mine for i, f in enumerate(r.findings) if f.claim == claim]
        rows = _rows(
            [f for _, _, f in found],
            [bool(studies[r.name].constrained_by_calibration(claim)) for r, _, _ in found],
            [r.name for r, _, _ in found],
            [flagged[r.name].get(i, []) for r, i, _ in found],
            [compared[r.name].get(i, []) for r, i, _ in found],
        )
        entries.append(
            {
                **entry,
                "title": CLAIM_TITLES.get(claim, ""),
                "studies": [r.name for r in mine],
                "rows": rows,
                "tally": _tally([row["finding"].verdict for row in rows]),
                "published": list(dict.fromkeys(_published_line(c) for row in rows for c in row["compared"])),
                "flags": sum(len(row["flags"]) for row in rows),
                "constraints": list(
                    {t["name"]: t for r in mine for t in _constraints(studies[r.name], claim, known)}.values()
                ),
            }
        )
    return entries


def _section(
    result: StudyResult, relative: str, study: Study, known: dict[str, Target], options: str = ""
) -> dict[str, object]:
    width, height = png_size(result.figure_png)
    shown = displayed_width(width)
    return {
        "result": result,
        "options": options,
        "study": study,
        "titles": "; ".join(CLAIM_TITLES.get(c, c) for c in result.claims),
        "image": data_uri(result.figure_png),
        "image_width": shown,
        "image_height": round(height * shown / width),
        "image_href": f"{relative}/{result.name}/{FIGURE_FILE}",
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
    # looked up through the modules, so that a test can put in hand-made flags and comparisons
    flagged = {r.name: plausibility.flags(r) for r in results}
    compared = {r.name: literature.compare(r) for r in results}
    findings = [f for r in results for f in r.findings]
    constrained = [bool(studies[r.name].constrained_by_calibration(f.claim)) for r in results for f in r.findings]
    # the counts leave out what the model was fitted to show: a direction it was fitted to show is no evidence
    independent = [f.verdict for f, c in zip(findings, constrained, strict=True) if not c]
    dependent = [f.verdict for f, c in zip(findings, constrained, strict=True) if c]
    claims = _claims(results, studies, known, flagged, compared)
    headline = [c["verdict"].verdict for c in claims if not c["constrained"]]
    page = render(
        "report.html",
        version=version(),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        took=f", in {elapsed_seconds / 60:.1f} minutes" if elapsed_seconds is not None else "",
        sizes=sorted({r.size for r in results}),
        seeds=sorted({r.seed for r in results}),
        model=model,
        verdicts=VERDICTS,
        claim_verdicts=CLAIM_VERDICTS,
        constrained_label=CONSTRAINED,
        not_fitted=NOT_FITTED,
        claim_counts=[(v, headline.count(v)) for v in CLAIM_VERDICTS if headline.count(v)],
        constrained_claims=[c["claim"] for c in claims if c["constrained"]],
        counts=[(v, independent.count(v)) for v in VERDICTS],
        constrained_counts=_tally(dependent),
        claims=claims,
        finding_count=len(findings),
        findings=_rows(findings, constrained, [r.name for r in results for _ in r.findings]),
        sections=[_section(r, tables_folder, studies[r.name], known, options) for r in results],
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / filename
    write_atomically(path, page)
    return path
