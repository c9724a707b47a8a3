"""`securebase report --quick` end to end: every study, one page, tidy tables beside it, resumable."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from markupsafe import escape

from securebase.cli import main
from securebase.studies import STUDY_NAMES


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
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


def test_every_finding_states_its_minimum_effect_and_s8_s12_are_constrained_by_calibration(report_dir):
    out, _ = report_dir
    page = (out / "report.html").read_text(encoding="utf-8")
    for name in STUDY_NAMES:
        for finding in json.loads((out / name / "result.json").read_text())["findings"]:
            assert finding["minimum_effect"] > 0
            assert finding["minimum_effect_reason"].strip()
            assert str(escape(finding["minimum_effect_reason"])) in page
    badge = '<span class="badge constrained">constrained by calibration</span>'
    by_claim = page[page.index('id="summary"') : page.index("Every finding")]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr><td>(S\d+)</td>.*?</tr>", by_claim, re.DOTALL)}
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


def test_ctrl_c_keeps_finished_studies_and_says_how_to_resume(tmp_path, monkeypatch):
    from securebase.studies import suite

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
