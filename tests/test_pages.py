"""The HTML pages (a run's summary, the report of the studies) come from templates with one stylesheet."""

from __future__ import annotations

import importlib.resources
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from helpers import small, tiny_png

from securebase import simulate
from securebase.report.claims import write_report
from securebase.report.summary import estimate_text, write_summary
from securebase.studies import Estimate, Finding, MinimumEffect, Study, StudyResult

SCRIPT = "<script>alert('x')</script>"


STUDY = Study(
    name="hostile",
    claims=("S1", "S5"),
    sentence=f"A sentence with {SCRIPT} in it & more.",
    question="Is <b>this</b> escaped?",
    run=lambda size, seed, params, progress: RESULT,
)
RESULT = StudyResult(
    name="hostile",
    claims=("S1", "S5"),
    size="quick",
    seed=2,
    design="one arm, N = 5 children, seed 2",
    findings=[
        Finding(
            "S1",
            f"anxiety {SCRIPT}",
            Estimate(-0.2, -0.3, -0.1),
            expected=-1,
            units="<i>units</i>",
            minimum_effect=MinimumEffect(0.05, f"a reason {SCRIPT}"),
        ),
        Finding("S5", "trust, repair minus none", Estimate(-0.1, -0.2, -0.05), minimum_effect=MinimumEffect(0.05, "r")),
        Finding("S5", "fear, repair minus none", Estimate(0.0, -0.1, 0.1), minimum_effect=MinimumEffect(0.05, "r")),
    ],
    tables={"children": pd.DataFrame({"child": [0, 1], "anxiety": [0.4, 0.2]})},
    figure_png=tiny_png(),
    reading=f"Read it {SCRIPT}.",
)


def stylesheet() -> str:
    return (importlib.resources.files("securebase.report") / "templates" / "style.css").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report")
    return write_report([RESULT], out, model=f"constants {SCRIPT}", lookup=lambda name: STUDY).read_text("utf-8")


@pytest.fixture(scope="module")
def summary_page(tmp_path_factory) -> str:
    scenario = small("school-year", n_children=30, days=3, start_age_years=4.0)
    scenario = scenario.model_copy(update={"description": f"described {SCRIPT}"})
    results = simulate(scenario, seed=1)
    path = tmp_path_factory.mktemp("summary") / "summary.html"
    return write_summary(results, path, files={"children": Path("children <1>.parquet")}).read_text("utf-8")


@pytest.mark.parametrize("page", ["report_page", "summary_page"])
def test_pages_are_rendered_self_contained_and_escaped(page: str, request: pytest.FixtureRequest) -> None:
    html = request.getfixturevalue(page)
    assert html.startswith("<!doctype html>")
    for syntax in ("{{", "}}", "{%", "%}", "{#"):
        assert syntax not in html
    assert "<script" not in html  # the hostile text is shown, escaped; the page runs nothing
    assert "&lt;script&gt;" in html
    assert "<link" not in html
    assert "src='http" not in html
    assert 'src="http' not in html
    assert stylesheet().strip() in html  # the one stylesheet, inlined
    assert html.count("<style>") == 1


def test_the_report_shows_the_studys_text_and_verdicts(report_page: str) -> None:
    assert "A sentence with &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; in it &amp; more." in report_page
    assert "Is &lt;b&gt;this&lt;/b&gt; escaped?" in report_page
    assert "(&lt;i&gt;units&lt;/i&gt;)" in report_page
    assert 'id="hostile"' in report_page
    assert '<span class="verdict verdict-supported">supported</span>' in report_page
    assert '<span class="verdict verdict-not-shown">not shown</span>' in report_page
    assert '<span class="verdict verdict-contradicted">contradicted</span>' in report_page
    assert "<b>1</b> supported, <b>1</b> not shown, <b>1</b> contradicted" in report_page
    assert "-0.2 [-0.3, -0.1]" in report_page
    assert "./hostile/tables/children.csv" in report_page
    assert "securebase study hostile --seed 2 --quick" in report_page
    assert report_page.count("data:image/png;base64,") == 1


def test_the_summary_shows_the_run(summary_page: str) -> None:
    assert "described &lt;script&gt;" in summary_page
    assert "<code>children &lt;1&gt;.parquet</code>" in summary_page
    for heading in ("Figures", "At the end", "What the children feel and do", "Strategy mix", "Before the scenario"):
        assert f"<h2>{heading}</h2>" in summary_page
    assert "N = 30 children, seed 1" in summary_page
    assert summary_page.count("data:image/png;base64,") == 4


def test_jinja2_is_a_dependency_and_the_templates_are_package_data() -> None:
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text("utf-8"))
    assert any(d.replace(" ", "").startswith("jinja2>=3.1") for d in pyproject["project"]["dependencies"])
    templates = importlib.resources.files("securebase.report") / "templates"
    for name in ("base.html", "tables.html", "report.html", "summary.html", "style.css"):
        assert (templates / name).is_file(), name


def test_the_report_and_the_docs_count_the_targets_in_range_from_the_shipped_file() -> None:
    from securebase.calibration.calibration import Calibration
    from securebase.report.claims import describe_constants

    shipped = Calibration.shipped()
    within, total = shipped.provenance.within_range()
    for name, fit in shipped.provenance.fit.items():  # the recorded verdicts agree with the recorded values
        low, high = fit["range"]
        assert fit["within_range"] == (low <= fit["simulated"] <= high), name
    assert f"{within} of {total} published targets within range" in describe_constants(shipped)
    docs = " ".join((Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text("utf-8").split())
    quoted = re.search(r"The fit it records \(n = ([\d,]+), seed (\d+)\) puts (\d+) of (\d+) targets in range", docs)
    assert quoted, "docs/model.md §13 no longer quotes the shipped file's count"
    method = shipped.provenance.method
    assert quoted.groups() == (f"{method['n']:,}", str(method["seed"]), str(within), str(total))


@pytest.mark.parametrize(
    ("value", "low", "high", "percent", "shown"),
    [
        (0.0504, 0.0497, 0.0511, False, "0.0504 [0.0497, 0.0511]"),  # "0.050 [0.050, 0.050]" before
        (0.5, 0.4, 0.6, False, "0.500 [0.400, 0.600]"),
        (0.05, 0.05, 0.05, False, "0.050 (exact)"),
        (0.0, 0.0, 0.0123, True, "0.0% [0.0%, 1.2%]"),
        (0.05031, 0.04995, 0.0511, True, "5.03% [5.00%, 5.11%]"),
        (0.1, float("nan"), float("nan"), False, "0.100 (no interval)"),
    ],
)
def test_an_estimate_is_shown_with_ends_that_differ_where_they_do(
    value: float, low: float, high: float, percent: bool, shown: str
) -> None:
    assert estimate_text(value, low, high, percent=percent) == shown


def test_the_summarys_intervals_never_look_zero_width(summary_page: str) -> None:
    intervals = re.findall(r"(-?[\d.]+%?) \[(-?[\d.]+%?), (-?[\d.]+%?)\]", summary_page)
    assert len(intervals) >= 5  # the four states, competence gained, the strategies (some may be exact)
    for value, low, high in intervals:
        assert not (low == value == high), (value, low, high)
