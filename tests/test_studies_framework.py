"""The study framework: statistics, verdicts, the result contract, storage and the HTML report."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import SHIPPED, tiny_png
from scipy import stats

from securebase.report.claims import write_report
from securebase.studies import (
    STUDY_NAMES,
    ContractError,
    Estimate,
    Finding,
    MinimumEffect,
    Study,
    StudyResult,
    check_result,
)
from securebase.studies import statistics as st
from securebase.studies.store import load, provenance, save, stored

#: a minimum effect for the hand-made findings
SMALL = MinimumEffect(0.05, "5 points on a 0-1 scale")

FAKE = Study(
    name="fake",
    claims=("S1",),
    sentence="A sentence <of> the seed.",
    question="Does it work?",
    run=lambda size, seed, calibration, progress: RESULT,
)
RESULT = StudyResult(
    name="fake",
    claims=("S1",),
    size="quick",
    seed=3,
    design="two arms, N = 10 children each, 30 days, seed 3",
    findings=[
        Finding(
            "S1",
            "anxiety, high minus low consistency",
            Estimate(-0.2, -0.3, -0.1),
            expected=-1,
            units="0-1",
            minimum_effect=SMALL,
        ),
        Finding("S1", "exploration, high minus low consistency", Estimate(0.05, -0.01, 0.11), minimum_effect=SMALL),
    ],
    tables={"children": pd.DataFrame({"child": [0, 1], "arm": ["low", "high"], "anxiety": [0.4, 0.2]})},
    figure_png=tiny_png(),
    reading="Lower is calmer.",
)


def test_welch_interval_agrees_with_scipys_test():
    rng = np.random.default_rng(0)
    for shift in (0.0, 0.1, 0.3):
        a, b = rng.normal(shift, 1.0, 200), rng.normal(0.0, 2.0, 150)
        e = st.mean_difference(a, b)
        p = stats.ttest_ind(a, b, equal_var=False).pvalue
        assert (e.low > 0 or e.high < 0) == (p < 0.05)
        assert e.value == pytest.approx(a.mean() - b.mean())


def test_interval_coverage_of_a_share_difference_is_near_95_percent():
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(400):
        e = st.share_difference(rng.random(80) < 0.3, rng.random(120) < 0.2)
        covered += e.low <= 0.1 <= e.high
    assert 0.91 <= covered / 400 <= 0.99


def test_slope_and_correlation_intervals_contain_the_truth():
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, 2000)
    y = 0.5 * x + rng.normal(0, 0.1, 2000)
    assert st.slope(x, y).low < 0.5 < st.slope(x, y).high
    r = st.correlation(x, y)
    assert r.low < np.corrcoef(x, y)[0, 1] < r.high
    assert st.share(np.array([True] * 3 + [False] * 7)).low > 0


@pytest.mark.parametrize(
    ("interval", "expected", "verdict"),
    [
        ((0.1, 0.0, 0.2), 1, "not shown"),
        ((0.1, 0.05, 0.2), 1, "supported"),
        ((0.1, 0.05, 0.2), -1, "contradicted"),
        ((-0.1, -0.2, -0.05), -1, "supported"),
    ],
)
def test_verdict_follows_the_interval_and_the_claimed_sign(interval, expected, verdict):
    assert Finding("S1", "x", Estimate(*interval), expected=expected, minimum_effect=SMALL).verdict == verdict


def test_an_estimate_outside_its_interval_is_refused():
    with pytest.raises(ValueError, match="does not contain"):
        Estimate(1.0, 0.0, 0.5)


def test_contract_checker_names_the_problem():
    check_result(FAKE, RESULT)
    bad = StudyResult(**{**RESULT.__dict__, "findings": []})
    with pytest.raises(ContractError, match="fake: no findings"):
        check_result(FAKE, bad)
    other_claim = StudyResult(**{**RESULT.__dict__, "findings": [Finding("S7", "x", Estimate(0, -1, 1), minimum_effect=SMALL)]})
    with pytest.raises(ContractError, match="S7"):
        check_result(FAKE, other_claim)
    no_seed = StudyResult(**{**RESULT.__dict__, "design": "two arms"})
    with pytest.raises(ContractError, match="N and the seed"):
        check_result(FAKE, no_seed)


def test_a_stored_result_reads_back_and_is_reused_only_with_the_same_provenance(tmp_path):
    meta = provenance("quick", 3, SHIPPED)
    folder = save(RESULT, tmp_path, meta)
    back = load(folder)
    assert [f.verdict for f in back.findings] == [f.verdict for f in RESULT.findings]
    assert back.findings[0].estimate == RESULT.findings[0].estimate
    pd.testing.assert_frame_equal(back.tables["children"], RESULT.tables["children"])
    assert back.figure_png == RESULT.figure_png
    assert stored(tmp_path, "fake", meta) is not None
    assert stored(tmp_path, "fake", provenance("full", 3, SHIPPED)) is None
    assert stored(tmp_path, "fake", provenance("quick", 4, SHIPPED)) is None
    changed = dataclasses.replace(
        SHIPPED, params=SHIPPED.params.with_changes(learning_rate=SHIPPED.params.learning_rate * 2)
    )
    assert stored(tmp_path, "fake", provenance("quick", 3, changed)) is None
    recoded = dataclasses.replace(SHIPPED, coding=dataclasses.replace(SHIPPED.coding, class_cut=4.0))
    assert stored(tmp_path, "fake", provenance("quick", 3, recoded)) is None
    # the same constants from another file are reused; another version of the code is not
    assert stored(tmp_path, "fake", {**meta, "calibration": "elsewhere.toml"}) is not None
    assert stored(tmp_path, "fake", {**meta, "version": meta["version"] + ".post1"}) is None
    assert stored(tmp_path, "fake", {**meta, "commit": "0" * 40}) is None
    assert json.loads((folder / "result.json").read_text())["findings"][1]["verdict"] == "not shown"
    assert not list(tmp_path.glob(".*partial"))


def test_report_is_self_contained_and_shows_every_verdict(tmp_path):
    save(RESULT, tmp_path, provenance("quick", 3, SHIPPED))
    page = write_report([RESULT], tmp_path, model="test constants", lookup=lambda name: FAKE).read_text()
    assert "A sentence &lt;of&gt; the seed." in page  # quoted, escaped
    assert "data:image/png;base64," in page
    assert "supported" in page
    assert "not shown" in page
    assert "N = 10" in page
    assert "seed 3" in page
    assert "fake/tables/children.csv" in page
    assert "<script" not in page
    assert "src='http" not in page
    assert 'src="http' not in page


def test_every_study_name_is_a_module_defining_its_study():
    from securebase.studies import get_study

    with pytest.raises(KeyError, match="expected one of"):
        get_study("nonsense")
    for name in STUDY_NAMES:
        study = get_study(name)
        assert study.name == name
        assert study.sentence
        assert study.question
        assert study.claims


#: the seed document lives beside the repository (../shared), not in it: a clean clone (CI) has no copy
SEED_TEXT = Path(__file__).resolve().parents[2] / "shared" / "seed" / "secure-base-relationships.txt"


@pytest.mark.skipif(not SEED_TEXT.is_file(), reason="the seed document is not beside the repository")
def test_every_study_quotes_the_seed_exactly():
    from securebase.studies import get_study

    seed = " ".join(SEED_TEXT.read_text(encoding="utf-8").split())
    for name in STUDY_NAMES:
        for passage in get_study(name).sentence.split(" … "):  # an ellipsis joins passages that are apart
            assert " ".join(passage.split()) in seed, (name, passage)


def test_run_studies_reuses_a_stored_study_only_on_the_same_constants(tmp_path, monkeypatch):
    from securebase.studies import suite

    ran = []

    def run(size, seed, calibration, progress):
        ran.append(calibration.constants_hash())
        return RESULT

    monkeypatch.setattr(suite, "get_study", lambda name: dataclasses.replace(FAKE, run=run))
    other = dataclasses.replace(SHIPPED, params=SHIPPED.params.with_changes(soothing=0.2))
    messages = []
    for calibration in (SHIPPED, SHIPPED, other, other, SHIPPED):
        suite.run_studies(
            ["fake"],
            tmp_path,
            calibration,
            size="quick",
            seed=3,
            resume=True,
            show_progress=False,
            report=messages.append,
        )
    assert ran == [SHIPPED.constants_hash(), other.constants_hash(), SHIPPED.constants_hash()]
    assert messages == ["fake: stored result reused"] * 2  # the second run on each set of constants
