"""The literature beside the model (issue 28): published effects with their sources, and the conversions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from securebase.studies import literature
from securebase.studies.base import Estimate, Finding, MinimumEffect, StudyResult

METRICS = {"d", "r", "percentage points", "odds ratio"}


@pytest.fixture(scope="module")
def results_by_study(quick_study) -> dict[str, StudyResult]:
    """The quick run of each study with a published effect (the session's: each quick study runs once)."""
    names = sorted({p.study for p in literature.PUBLISHED})
    return {name: quick_study(name) for name in names}


@pytest.fixture(scope="module")
def statistics_by_study(results_by_study) -> dict[str, set[str]]:
    """The findings' statistics of each study with a published effect."""
    return {name: {f.statistic for f in result.findings} for name, result in results_by_study.items()}


@pytest.mark.parametrize("published", literature.PUBLISHED, ids=lambda p: f"{p.claim}-{p.statistic[:30]}")
def test_each_published_effect_has_its_source_and_where(published):
    assert published.metric in METRICS
    assert published.source.strip()
    assert published.where.strip()
    assert published.note.strip()
    assert published.claim.startswith("S")
    assert (published.low is None) == (published.high is None)
    if published.low is not None:
        assert published.low <= published.value <= published.high


def test_each_published_effect_names_a_finding_of_its_study(statistics_by_study):
    for published in literature.PUBLISHED:
        assert published.statistic in statistics_by_study[published.study], published


def test_every_published_effect_is_converted_on_a_real_run(results_by_study):
    """Each published effect finds its finding in a quick run, and the run has what its conversion needs."""
    for published in literature.PUBLISHED:
        result = results_by_study[published.study]
        converted = [c for cs in literature.compare(result).values() for c in cs if c.published == published]
        assert len(converted) == 1, published
        (comparison,) = converted
        assert comparison.model is not None, comparison.conversion
        assert comparison.model.low <= comparison.model.value <= comparison.model.high


def test_the_issue_s_candidates_are_there():
    """Groh et al. 2012 (internalising, d 0.15) and Fearon et al. 2010 (externalising, d 0.31), read in their abstracts."""
    values = {(p.source.split(",")[0], p.metric, p.value) for p in literature.PUBLISHED}
    assert ("Groh", "d", 0.15) in values
    assert ("Fearon", "d", 0.31) in values


def d_finding(words: str, value: float, low: float, high: float, units: str = "standard deviations") -> Finding:
    return Finding(
        claim="S13",
        statistic=f"{words} at 6-7 years, coded secure (B) at 12 months minus the others (Cohen's d)",
        estimate=Estimate(value, low, high),
        expected=-1,
        units=units,
        minimum_effect=MinimumEffect(0.2, "hand-made"),
    )


def made(name: str, findings: list[Finding], tables: dict[str, pd.DataFrame] | None = None) -> StudyResult:
    return StudyResult(name, ("S13",), "quick", 1, "N = 1, seed 1", findings, tables or {}, b"", "")


def test_a_problem_outcome_s_d_is_turned_to_insecure_minus_secure():
    internalising = d_finding("internalising: withdrawal and worry", -0.29, -0.41, -0.17)
    (comparison,) = literature.compare(made("life-course", [internalising]))[0]
    assert comparison.published.value == 0.15
    assert comparison.model == Estimate(0.29, 0.17, 0.41)
    assert "insecure minus secure" in comparison.conversion


def test_a_competence_outcome_s_d_keeps_its_sign():
    friendships = d_finding("reciprocated friendships at the end of the year", 0.08, -0.04, 0.2)
    (comparison,) = literature.compare(made("life-course", [friendships]))[0]
    assert comparison.model == Estimate(0.08, -0.04, 0.2)


def test_a_finding_not_in_d_is_not_converted_and_says_why():
    points = d_finding("internalising: withdrawal and worry", -0.1, -0.2, 0.0, units="points on a 0-1 scale")
    (comparison,) = literature.compare(made("life-course", [points]))[0]
    assert comparison.model is None
    assert "no SD" in comparison.conversion


def styles_b(value: float = 0.7) -> Finding:
    return Finding(
        claim="S12",
        statistic="share coded B (secure) at 12 months: responsive care minus the other three patterns pooled",
        estimate=Estimate(value, value - 0.05, value + 0.05),
        units="share of children",
        minimum_effect=MinimumEffect(0.05, "hand-made"),
    )


def test_a_share_difference_becomes_phi_from_the_children_table():
    # 100 responsive children, 80 coded B; 300 of the other patterns, 60 coded B: a 2x2 table with a known phi
    patterns = ["responsive"] * 100 + ["rejecting"] * 300
    classes = ["B"] * 80 + ["A"] * 20 + ["B"] * 60 + ["A"] * 240
    children = pd.DataFrame({"care_pattern": patterns, "classification": classes})
    (comparison,) = literature.compare(made("styles", [styles_b()], {"children": children}))[0]
    a, b, c, d = 80, 20, 60, 240
    phi = (a * d - b * c) / np.sqrt((a + b) * (c + d) * (a + c) * (b + d))
    assert comparison.model.value == pytest.approx(phi)
    assert comparison.model.low < phi < comparison.model.high
    assert comparison.published.metric == "r"
    assert "phi" in comparison.conversion


def test_phi_without_the_children_table_is_not_converted():
    (comparison,) = literature.compare(made("styles", [styles_b()]))[0]
    assert comparison.model is None
    assert "table" in comparison.conversion


def learning(value: float = 0.3) -> Finding:
    return d_finding("learning: competence gained over the year", value, value - 0.1, value + 0.1)


def test_learning_becomes_a_point_biserial_r_from_the_school_children_table():
    classes = np.array(["B"] * 60 + ["A"] * 25 + ["C"] * 15)
    gained = np.where(classes == "B", 0.1, 0.05) + np.linspace(0.0, 0.04, classes.size)
    school = pd.DataFrame({"infant_classification": classes, "learning": gained})
    comparisons = literature.compare(made("life-course", [learning()], {"school_children": school}))[0]
    (comparison,) = [c for c in comparisons if c.published.metric == "r"]
    r = np.corrcoef((classes == "B").astype(float), gained)[0, 1]
    assert comparison.published.source.startswith("van IJzendoorn")
    assert comparison.model.value == pytest.approx(r)
    assert comparison.model.low < r < comparison.model.high
    assert "point-biserial" in comparison.conversion


def test_learning_without_the_school_children_table_is_not_converted():
    (comparison,) = literature.compare(made("life-course", [learning()]))[0]
    assert comparison.model is None
    assert "table" in comparison.conversion


def continuity_finding() -> Finding:
    return Finding(
        claim="S8",
        statistic="continuity of security from 4 to 16 years (r, observed), stable minus changing care",
        estimate=Estimate(0.2, 0.1, 0.3),
        units="correlation",
        minimum_effect=MinimumEffect(0.05, "hand-made"),
    )


def test_stability_is_the_stable_care_r_from_1_to_4_years_of_the_continuity_table():
    rows = [
        (arm, a, b, r)
        for arm, shift in (("stable care", 0.0), ("changing care", -0.1))
        for (a, b), r in (((1.0, 4.0), 0.31), ((4.0, 6.0), 0.5), ((4.0, 16.0), 0.2))
        for r in [r + shift]
    ]
    continuity = pd.DataFrame(rows, columns=["arm", "from_age_years", "to_age_years", "r_observed"])
    continuity["r_observed_low"] = continuity["r_observed"] - 0.05
    continuity["r_observed_high"] = continuity["r_observed"] + 0.05
    (comparison,) = literature.compare(made("life-course", [continuity_finding()], {"continuity": continuity}))[0]
    assert comparison.published.source.startswith("Opie")
    assert comparison.model == Estimate(0.31, 0.26, 0.36)
    assert "not the finding's difference" in comparison.conversion


def test_stability_without_the_continuity_table_is_not_converted():
    (comparison,) = literature.compare(made("life-course", [continuity_finding()]))[0]
    assert comparison.model is None
    assert "continuity table" in comparison.conversion


def test_findings_without_a_published_effect_are_left_out():
    other = Finding(
        claim="S8",
        statistic="secure state of mind at 19 years, children whose parent's care improved minus the same children",
        estimate=Estimate(0.1, 0.0, 0.2),
        minimum_effect=MinimumEffect(0.2, "hand-made"),
    )
    assert literature.compare(made("life-course", [other])) == {}
    assert literature.compare(made("repair", [styles_b()])) == {}


def _first_author_and_year(reference: str) -> tuple[str, str]:
    import re

    surname = reference.split(",")[0].strip()
    return surname, re.search(r"\((\d{4})\)", reference).group(1)


@pytest.mark.parametrize("published", literature.PUBLISHED, ids=lambda p: f"{p.claim}-{p.statistic[:30]}")
def test_a_figure_the_model_was_fitted_to_is_marked_as_a_calibration_target(published):
    """A published figure that is also a calibration target (its first author and year, and its value, in
    targets.toml) is no independent comparison: it must name that target, and a named target must exist."""
    import tomllib
    from importlib import resources

    targets = tomllib.loads(resources.files("securebase.calibration").joinpath("targets.toml").read_text("utf-8"))
    surname, year = _first_author_and_year(published.source)
    fitted = sorted(
        name
        for name, target in targets.items()
        if f"{surname}" in target.get("source", "") and year in target.get("source", "")
        and target.get("value") == pytest.approx(published.value)
    )  # fmt: skip
    assert fitted == ([published.calibration_target] if published.calibration_target else [])


def test_the_report_marks_a_fitted_figure_apart(tmp_path, monkeypatch):
    from securebase.report import claims

    fitted = next(p for p in literature.PUBLISHED if p.calibration_target)
    comparison = literature.Comparison(fitted, Estimate(0.5, 0.4, 0.6), "phi")
    assert claims._comparison(comparison)["standing"] == claims.FITTED
    assert claims._published_line(comparison)[0] == claims.FITTED
    independent = next(p for p in literature.PUBLISHED if not p.calibration_target)
    assert claims._comparison(literature.Comparison(independent, None, "none"))["standing"] == claims.NOT_FITTED
