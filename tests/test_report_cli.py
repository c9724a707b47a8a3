"""`securebase report --quick` end to end: every study, one page, tidy tables beside it, resumable."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

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
