"""Verdicts against the minimum effect that would matter, and claims constrained by calibration."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import SHIPPED, tiny_png

from securebase.calibration.measure import targets
from securebase.report.claims import CONSTRAINED, write_report
from securebase.studies import (
    STUDY_NAMES,
    ContractError,
    Estimate,
    Finding,
    MinimumEffect,
    Study,
    StudyResult,
    check_result,
    get_study,
)
from securebase.studies.base import verdict
from securebase.studies.store import load, provenance, save

TENTH = MinimumEffect(0.1, "a tenth of the scale")
SMALL = MinimumEffect(0.05, "5 points on a 0-1 scale")
RESULT = StudyResult(
    name="fake",
    claims=("S1",),
    size="quick",
    seed=3,
    design="two arms, N = 10 children each, 30 days, seed 3",
    findings=[
        Finding("S1", "anxiety, high minus low", Estimate(-0.2, -0.3, -0.1), expected=-1, minimum_effect=SMALL),
        Finding("S1", "exploration, high minus low", Estimate(0.05, -0.01, 0.11), minimum_effect=TENTH),
    ],
    tables={"children": pd.DataFrame({"child": [0, 1], "anxiety": [0.4, 0.2]})},
    figure_png=tiny_png(),
    reading="Lower is calmer.",
)
FAKE = Study(name="fake", claims=("S1",), sentence="A sentence.", question="Does it?", run=lambda *args: RESULT)


@pytest.mark.parametrize(
    ("interval", "expected", "outcome"),
    [
        # wholly beyond the minimum in the claimed direction
        ((0.3, 0.2, 0.4), 1, "supported"),
        ((-0.3, -0.4, -0.2), -1, "supported"),
        # boundary: an end exactly at the minimum excludes every effect below it
        ((0.3, 0.1, 0.5), 1, "supported"),
        ((-0.3, -0.5, -0.1), -1, "supported"),
        ((0.1, 0.1, 0.1), 1, "supported"),
        # just short of the minimum: the interval reaches effects too small to matter
        ((0.3, 0.0999, 0.5), 1, "not shown"),
        # excludes zero, but every effect in it is too small to matter
        ((0.05, 0.01, 0.09), 1, "not shown"),
        ((-0.05, -0.09, -0.01), -1, "not shown"),
        # includes zero
        ((0.0, -0.2, 0.2), 1, "not shown"),
        ((0.05, -0.01, 0.3), 1, "not shown"),
        # the reverse, large enough to matter
        ((-0.3, -0.4, -0.2), 1, "contradicted"),
        ((0.3, 0.2, 0.4), -1, "contradicted"),
        ((-0.3, -0.4, -0.1), 1, "contradicted"),
        # the reverse, but not beyond the minimum: not shown, not contradicted
        ((-0.05, -0.09, -0.01), 1, "not shown"),
        ((-0.2, -0.3, -0.0999), 1, "not shown"),
    ],
)
def test_verdict_needs_the_interval_beyond_the_minimum_effect(interval, expected, outcome):
    estimate = Estimate(*interval)
    assert verdict(estimate, expected, TENTH.value) == outcome
    assert Finding("S1", "x", estimate, expected=expected, minimum_effect=TENTH).verdict == outcome


def test_an_interval_that_excludes_zero_is_not_enough():
    """The rule this replaces called any interval clear of zero supported: here 0.01..0.09 is too small."""
    small = Finding("S1", "x", Estimate(0.05, 0.01, 0.09), minimum_effect=TENTH)
    assert small.verdict == "not shown"
    assert "within the minimum effect" in small.why_not_shown
    reaches = Finding("S1", "x", Estimate(0.2, 0.05, 0.35), minimum_effect=TENTH)
    assert "excludes zero (claimed direction)" in reaches.why_not_shown
    wide = Finding("S1", "x", Estimate(0.0, -0.3, 0.3), minimum_effect=TENTH)
    assert "includes zero" in wide.why_not_shown
    assert Finding("S1", "x", Estimate(0.3, 0.2, 0.4), minimum_effect=TENTH).why_not_shown == ""


@pytest.mark.parametrize("value", [0.0, -0.1, float("nan"), float("inf")])
def test_a_minimum_effect_must_be_a_size_above_zero(value):
    with pytest.raises(ValueError, match="above zero"):
        MinimumEffect(value, "a reason")


def test_a_minimum_effect_needs_a_reason():
    with pytest.raises(ValueError, match="no reason"):
        MinimumEffect(0.05, "  ")


def test_a_finding_without_a_minimum_effect_cannot_be_made():
    with pytest.raises(TypeError, match="minimum_effect"):
        Finding("S1", "x", Estimate(0.1, 0.0, 0.2))  # type: ignore[call-arg]


def _study_modules():
    return [importlib.import_module(f"securebase.studies.{name.replace('-', '_')}") for name in STUDY_NAMES]


def _declared_minimums(module) -> list[MinimumEffect]:
    found = []
    for name, value in vars(module).items():
        if name.isupper() and isinstance(value, MinimumEffect):
            found.append(value)
        elif name.isupper() and isinstance(value, dict) and any(isinstance(v, MinimumEffect) for v in value.values()):
            found.extend(value.values())
    return found


@pytest.mark.parametrize("module", _study_modules(), ids=STUDY_NAMES)
def test_every_finding_of_every_study_declares_a_minimum_effect_with_a_reason(module):
    """Each Finding(...) in a study's code names a minimum effect, from constants declared in the module."""
    tree = ast.parse(inspect.getsource(module))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Finding"
    ]
    assert calls, f"{module.__name__} makes no Finding"
    for call in calls:
        keywords = {k.arg: k.value for k in call.keywords}
        assert "minimum_effect" in keywords, f"{module.__name__}, line {call.lineno}: no minimum_effect"
        # a module constant (or an entry of one), not a number made up inside the analysis
        names = {n.id for n in ast.walk(keywords["minimum_effect"]) if isinstance(n, ast.Name)}
        assert any(n.isupper() for n in names), f"{module.__name__}, line {call.lineno}: not a module constant"
    declared = _declared_minimums(module)
    assert declared
    for minimum in declared:
        assert minimum.value > 0
        assert minimum.reason.strip(), minimum
        assert "\n" not in minimum.reason, minimum  # one line
        assert len(minimum.reason) <= 160, minimum


def test_the_minimum_effects_are_keyed_by_the_outcomes_they_judge():
    from securebase.studies import repair, responsiveness, school

    assert set(school.S7_MINIMUM) == {column for column, *_ in school.OUTCOMES}
    assert set(repair.S5_MINIMUM) == {column for column, *_ in repair.OUTCOMES}
    assert set(responsiveness.S2_MINIMUM) == {column for column, _ in responsiveness.OUTCOMES[1:]}


def test_the_calibration_constrained_claims_name_targets_that_exist():
    known = {t.name for t in targets()}
    constrained = {}
    for name in STUDY_NAMES:
        study = get_study(name)
        for claim, names in study.calibration_targets.items():
            assert claim in study.claims
            assert names, (name, claim)
            assert set(names) <= known, (name, claim, set(names) - known)
            constrained[claim] = names
    # today the plasticity targets constrain S8 and the emergence targets S12, and nothing else
    assert set(constrained) == {"S8", "S12"}
    assert set(constrained["S8"]) == {n for n in known if n.startswith("change_at_")}
    assert set(constrained["S12"]) == {n for n in known if n.startswith("emergence_")}


def test_the_contract_refuses_targets_declared_for_a_claim_the_study_does_not_test():
    wrong = dataclasses.replace(FAKE, calibration_targets={"S8": ("change_at_2_years",)})
    with pytest.raises(ContractError, match="S8"):
        check_result(wrong, RESULT)


def test_a_stored_result_keeps_each_findings_minimum_effect(tmp_path):
    back = load(save(RESULT, tmp_path, provenance("quick", 3, SHIPPED)))
    assert [f.minimum_effect for f in back.findings] == [f.minimum_effect for f in RESULT.findings]


def test_the_report_shows_minimum_effects_and_marks_constrained_claims(tmp_path):
    constrained = dataclasses.replace(FAKE, calibration_targets={"S1": ("emergence_rejecting_A",)})
    page = write_report([RESULT], tmp_path, model="test constants", lookup=lambda name: constrained).read_text()
    statistic = {t.name: t.statistic for t in targets()}["emergence_rejecting_A"]
    assert "5 points on a 0-1 scale" in page  # the reason beside each finding
    # the minimum, signed in the claimed direction
    assert '<span class="num" title="5 points on a 0-1 scale">-0.05</span>' in page
    assert '<span class="num" title="a tenth of the scale">+0.1</span>' in page
    assert page.count(f'<span class="badge constrained">{CONSTRAINED}</span>') >= 4  # key, claim row, section, rows
    assert "S1 is constrained by calibration." in page
    assert f"<code>emergence_rejecting_A</code>: {statistic}" in page
    # the headline counts the independent claims and findings only: here there are none
    assert '<h2 id="summary">The 1 claim: none counted</h2>' in page
    assert "<b>0</b> independent findings" in page
    words = " ".join(page.split())  # the page's text, its line breaks as spaces
    assert "2 findings of the claims constrained by calibration (1 supported, 1 not shown), not counted" in words
    independent = write_report([RESULT], tmp_path / "plain", model="test constants", lookup=lambda name: FAKE)
    plain = independent.read_text()
    assert "is constrained by calibration." not in plain
    assert '<h2 id="summary">The 1 claim: <b>1</b> partly supported</h2>' in plain
    assert "<b>2</b> independent findings, 1 supported, 1 not shown, 0 contradicted" in " ".join(plain.split())


def test_a_hand_made_effect_is_judged_on_its_own_scale():
    """A true correlation of .05 is 'not shown' against r = .1 even with an interval clear of zero."""
    from securebase.studies import statistics as st

    rng = np.random.default_rng(4)
    x = rng.normal(size=40_000)
    y = 0.05 * x + np.sqrt(1 - 0.05**2) * rng.normal(size=40_000)
    r = st.correlation(x, y)
    assert r.low > 0
    assert verdict(r, 1, 0.1) == "not shown"
    assert verdict(r, 1, 0.02) == "supported"


def test_docs_list_every_minimum_effect_with_its_reason():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "studies.md").read_text("utf-8")
    for name, module in zip(STUDY_NAMES, _study_modules(), strict=True):
        for minimum in _declared_minimums(module):
            assert f"| {minimum.value:g} | {minimum.reason} |" in docs, (name, minimum)
