"""The report of the seed's claims: one self-contained HTML page for every study run.

Everything a reader needs is in the page (figures embedded as data URIs, no
scripts, no network); the tidy tables sit beside it as CSV files so that any
figure can be redrawn.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from securebase.outputs import write_atomically
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
VERDICT_COLOURS = {"supported": "#2e7d32", "not shown": "#8a6d00", "contradicted": "#b71c1c"}

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

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 64rem; margin: 2rem auto;
       padding: 0 1rem; color: #1f1f1f; line-height: 1.5; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 3rem; border-top: 1px solid #ddd; padding-top: 1.5rem; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; font-size: .92rem; }
td, th { border: 1px solid #d0d0d0; padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
blockquote { margin: 1rem 0; padding: .6rem 1rem; border-left: 4px solid #7a9cc6; background: #f5f8fc; }
img { max-width: 100%; border: 1px solid #eee; } .meta { color: #555; font-size: .92rem; }
.verdict { font-weight: 600; white-space: nowrap; } .box { background: #fafafa; border: 1px solid #e3e3e3;
       padding: .6rem 1rem; margin: 1rem 0; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def _estimate(finding: Finding) -> str:
    e = finding.estimate
    return f"{_number(e.value)} [{_number(e.low)}, {_number(e.high)}]"


def _verdict(finding: Finding) -> str:
    colour = VERDICT_COLOURS[finding.verdict]
    return f"<span class='verdict' style='color:{colour}'>{_e(finding.verdict)}</span>"


def _expected(finding: Finding) -> str:
    return "above zero" if finding.expected > 0 else "below zero"


def _findings_table(findings: Sequence[Finding], with_study: dict[int, str] | None = None) -> str:
    head = (
        "<tr>"
        + ("<th>study</th>" if with_study else "")
        + (
            "<th>claim</th><th>statistic</th><th>claim predicts</th><th>estimate [95% interval]</th><th>verdict</th></tr>"
        )
    )
    rows = []
    for i, f in enumerate(findings):
        study = f"<td><a href='#{_e(with_study[i])}'>{_e(with_study[i])}</a></td>" if with_study else ""
        units = f" <span class='meta'>({_e(f.units)})</span>" if f.units else ""
        rows.append(
            f"<tr>{study}<td>{_e(f.claim)}</td><td>{_e(f.statistic)}{units}</td><td>{_expected(f)}</td>"
            f"<td class='num'>{_estimate(f)}</td><td>{_verdict(f)}</td></tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def describe_constants() -> str:
    """Which constants the studies ran on: the shipped calibration (with its date and fit) or the hand-set ones."""
    from securebase.calibration.shipped import shipped

    data = shipped()
    if data is None:
        return (
            "the hand-set values of docs/model.md (no calibration ships yet; `securebase validate` shows how "
            "they meet the published targets)"
        )
    fits = data.get("fit", {})
    within = sum(bool(f.get("within_range")) for f in fits.values())
    return (
        f"the shipped calibration of {data.get('date', '?')} (src/securebase/calibration/calibrated.toml; "
        f"{within} of {len(fits)} published targets within range, score {data.get('score', float('nan')):.2f})"
    )


def _claims_table(results: Sequence[StudyResult]) -> str:
    """One row per claim: what the seed says in short, the study, and how its findings came out."""
    rows = []
    claims = sorted({c for r in results for c in r.claims}, key=lambda c: int(c[1:]))
    for claim in claims:
        studies = [r for r in results if claim in r.claims]
        verdicts = [f.verdict for r in studies for f in r.findings if f.claim == claim]
        tally = ", ".join(
            f"<span class='verdict' style='color:{VERDICT_COLOURS[v]}'>{verdicts.count(v)} {v}</span>"
            for v in VERDICTS
            if verdicts.count(v)
        )
        links = ", ".join(f"<a href='#{_e(r.name)}'>{_e(r.name)}</a>" for r in studies)
        rows.append(
            f"<tr><td>{_e(claim)}</td><td>{_e(CLAIM_TITLES.get(claim, ''))}</td><td>{links}</td><td>{tally}</td></tr>"
        )
    head = "<tr><th>claim</th><th>the seed says, in short</th><th>study</th><th>findings</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _model_description(model: str) -> str:
    return f"<p class='meta'>Model constants: {_e(model)}.</p>"


def _section(result: StudyResult, relative: str, study: Study) -> str:
    claims = ", ".join(result.claims)
    titles = "; ".join(CLAIM_TITLES.get(c, c) for c in result.claims)
    image = base64.b64encode(result.figure_png).decode("ascii")
    tables = "".join(
        f"<li><a href='{_e(relative)}/{_e(result.name)}/{TABLES_FOLDER}/{_e(name)}.csv'>{_e(name)}.csv</a> "
        f"<span class='meta'>({len(table):,} rows; columns: {_e(', '.join(table.columns))})</span></li>"
        for name, table in result.tables.items()
    )
    verdicts = [f.verdict for f in result.findings]
    tally = ", ".join(f"{verdicts.count(v)} {v}" for v in VERDICTS if verdicts.count(v))
    return f"""
<h2 id="{_e(result.name)}">{_e(claims)}: {_e(titles)} <span class='meta'>(study <code>{_e(result.name)}</code>)</span></h2>
<p><b>The seed says:</b></p>
<blockquote>{_e(study.sentence)}</blockquote>
<p><b>The question.</b> {_e(study.question)}</p>
<p><b>What was simulated.</b> {_e(result.design)}</p>
<img alt="figure of the {_e(result.name)} study" src="data:image/png;base64,{image}">
<p><b>How to read it.</b> {_e(result.reading)}</p>
<p><b>Findings</b> ({_e(tally)}):</p>
{_findings_table(result.findings)}
<p class="meta">Re-run: <code>securebase study {_e(result.name)} --seed {result.seed}{" --quick" if result.size == "quick" else ""}</code>.
Tidy tables beside this report:</p>
<ul>{tables}</ul>
"""


def write_report(
    results: Sequence[StudyResult],
    out: Path,
    model: str | None = None,
    elapsed_seconds: float | None = None,
    tables_folder: str = ".",
    filename: str = REPORT_FILE,
    lookup: Callable[[str], Study] = get_study,
) -> Path:
    """Write ``out/report.html`` for ``results`` (stored under ``out/<tables_folder>/<study>/``).

    ``model`` names the constants the studies ran on (default: :func:`describe_constants`);
    ``lookup`` finds each result's study (its sentence and question).
    """
    from securebase import __version__

    findings = [f for r in results for f in r.findings]
    owners = dict(enumerate(r.name for r in results for _ in r.findings))
    verdicts = [f.verdict for f in findings]
    counts = ", ".join(f"<b>{verdicts.count(v)}</b> {v}" for v in VERDICTS)
    legend = "".join(
        f"<li><span class='verdict' style='color:{VERDICT_COLOURS[v]}'>{v}</span>: {_e(text)}</li>"
        for v, text in VERDICTS.items()
    )
    sizes = sorted({r.size for r in results})
    seeds = sorted({r.seed for r in results})
    took = f", in {elapsed_seconds / 60:.1f} minutes" if elapsed_seconds is not None else ""
    sections = "".join(_section(r, tables_folder, lookup(r.name)) for r in results)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>securebase: the seed's claims, simulated</title>
<style>{STYLE}</style></head><body>
<h1>The secure base system, simulated: the seed's claims put to the test</h1>
<p class="meta">securebase {_e(__version__)} · generated {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}{took} ·
size {_e("/".join(sizes))} · seed {_e(", ".join(map(str, seeds)))} · {len(results)} studies, {len(findings)} findings</p>
{_model_description(model or describe_constants())}
<div class="box">
<p>Each section below takes a sentence of the seed document (<i>secure base relationships</i>) and turns it into
an experiment on simulated children: the same children, sharing their random numbers, are raised under
conditions that differ only in what the sentence is about. A <b>finding</b> is one number that the sentence predicts
to be above (or below) zero, such as "exploration with prompt repair minus exploration with no repair",
with its 95% interval. Its verdict:</p>
<ul>{legend}</ul>
<p>The children are simulated by one model with one set of constants for every study (documented, with sources,
in <code>docs/model.md</code>); a study may change the adults and the situation, never how a child learns. A
verdict says what this model does; whether real children do the same is what the model's calibration to published
findings (<code>securebase validate</code>) speaks to.</p>
</div>
<h2 id="summary">Summary: {counts}</h2>
<p>By claim (a claim with several findings is supported only as far as each finding is):</p>
{_claims_table(results)}
<p>Every finding:</p>
{_findings_table(findings, owners)}
{sections}
</body></html>
"""
    out.mkdir(parents=True, exist_ok=True)
    path = out / filename
    write_atomically(path, page)
    return path
