"""`securebase report --quick` end to end: every study, one page, tidy tables beside it, resumable."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import share_quick_studies
from markupsafe import escape

from securebase import plotting
from securebase.cli import main
from securebase.studies import STUDY_NAMES


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory, quick_study):
    """The quick report at seed 1, its studies taken from the session's (each quick study runs once a session)."""
    out = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as patch:
        share_quick_studies(patch, quick_study)
        result = CliRunner().invoke(main, ["report", "--quick", "--seed", "1", "--out", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_report_has_every_study_and_every_finding(report_dir):
    out, output = report_dir
    page = (out / "report.html").read_text(encoding="utf-8")
    for name in STUDY_NAMES:
        document = json.loads((out / name / "result.json").read_text())
        assert f'id="{name}"' in page
        assert document["provenance"]["size"] == "quick"
        for finding in document["findings"]:
            assert finding["low"] <= finding["value"] <= finding["high"]
            assert finding["verdict"] in ("supported", "not shown", "contradicted")
        tables = list((out / name / "tables").glob("*.csv"))
        assert tables
        assert all(len(pd.read_csv(t)) > 0 for t in tables)
    assert page.count("data:image/png;base64,") == len(STUDY_NAMES)
    assert "findings:" in output


def _claim_rows(page: str) -> dict[str, str]:
    """The headline table's rows by claim."""
    by_claim = page[page.index('id="summary"') : page.index('<nav class="toc">')]
    rows = re.finditer(r'<tr class="claim-row"><td><a href="#(S\d+)">.*?</tr>', by_claim, re.DOTALL)
    return {m.group(1): m.group(0) for m in rows}


def test_the_report_opens_with_13_claims_one_verdict_each(report_dir):
    out, output = report_dir
    page = (out / "report.html").read_text(encoding="utf-8")
    rows = _claim_rows(page)
    assert list(rows) == [f"S{i}" for i in range(1, 14)]
    verdict = re.compile(
        r'class="verdict claim-verdict verdict-[a-z-]+">(supported|partly supported|not shown|contradicted)<'
    )
    for claim, row in rows.items():
        assert len(verdict.findall(row)) == 1, claim
        assert f'id="{claim}"' in page  # its section, with the findings beneath
    counted = [verdict.search(row).group(1) for claim, row in rows.items() if claim not in ("S8", "S12")]
    heading = re.search(r'<h2 id="summary">The 13 claims: (.*?)</h2>', page).group(1)
    assert sum(int(n) for n in re.findall(r"<b>(\d+)</b>", heading)) == len(counted) == 11
    for name in set(counted):
        assert f"<b>{counted.count(name)}</b> {name}" in heading
    console = re.findall(r"^  (S\d+) +(supported|partly supported|not shown|contradicted) ", output, re.MULTILINE)
    assert [(c, v) for c, v in console if c not in ("S8", "S12")] == [
        (c, verdict.search(row).group(1)) for c, row in rows.items() if c not in ("S8", "S12")
    ]
    assert re.search(r"^13 claims: .*; besides, S8, S12 constrained by calibration", output, re.MULTILINE)


def test_every_study_figures_smallest_label_is_at_least_10_px_at_1280(report_dir, quick_study):
    from matplotlib.text import Text

    out, _ = report_dir
    page = (out / "report.html").read_text(encoding="utf-8")
    final = quick_study.drawings  # figure_png's last drawing of each figure is the one it returns
    for name in STUDY_NAMES:
        png = (out / name / "figure.png").read_bytes()
        assert png in final, name
        fig = final[png]
        width = int.from_bytes(png[16:20], "big")  # the PNG header's width
        shown = int(re.search(rf'alt="figure of the {name} study" src="[^"]+" width="(\d+)"', page).group(1))
        assert shown == min(width, 1024)  # the page's column at 1280 px (style.css: 64rem), never wider
        points = min(t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip())
        assert points * plotting.DPI / 72 * shown / width >= 10, name


def test_every_finding_states_its_minimum_effect_and_s8_s12_are_constrained_by_calibration(report_dir):
    out, _ = report_dir
    page = (out / "report.html").read_text(encoding="utf-8")
    for name in STUDY_NAMES:
        for finding in json.loads((out / name / "result.json").read_text())["findings"]:
            assert finding["minimum_effect"] > 0
            assert finding["minimum_effect_reason"].strip()
            assert str(escape(finding["minimum_effect_reason"])) in page
    badge = '<span class="badge constrained">constrained by calibration</span>'
    rows = _claim_rows(page)
    assert len(rows) == 13  # S1-S12 and S13, the seed's opening question (life-course)
    assert {claim for claim, row in rows.items() if badge in row} == {"S8", "S12"}
    assert "S8 is constrained by calibration." in page
    assert "S12 is constrained by calibration." in page
    assert "<code>change_at_14_years</code>" in page
    assert "<code>emergence_frightening_D</code>" in page


def test_resume_reuses_every_stored_study(report_dir):
    out, _ = report_dir
    before = {name: (out / name / "result.json").read_text() for name in STUDY_NAMES}
    result = CliRunner().invoke(
        main, ["report", "--quick", "--seed", "1", "--out", str(out), "--no-progress", "--resume"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("stored result reused") == len(STUDY_NAMES)
    assert before == {name: (out / name / "result.json").read_text() for name in STUDY_NAMES}


def test_ctrl_c_keeps_finished_studies_and_says_how_to_resume(tmp_path, monkeypatch, quick_study):
    from securebase.studies import suite

    share_quick_studies(monkeypatch, quick_study)  # the first study is the session's, not run again
    real = suite.get_study

    def interrupted_after_the_first(name):
        if name != STUDY_NAMES[0]:
            raise KeyboardInterrupt
        return real(name)

    monkeypatch.setattr(suite, "get_study", interrupted_after_the_first)
    result = CliRunner().invoke(main, ["report", "--quick", "--out", str(tmp_path), "--no-progress"])
    assert result.exit_code == 130
    assert "--resume" in result.output
    assert (tmp_path / STUDY_NAMES[0] / "result.json").is_file()
    assert not (tmp_path / STUDY_NAMES[1]).exists()
