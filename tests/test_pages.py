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
    assert "<b>1</b> supported, <b>1</b> contradicted</h2>" in report_page  # by claim: S1, S5
    assert "<b>3</b> independent findings, 1 supported, 1 not shown, 1 contradicted" in " ".join(report_page.split())
    assert "A sentence with &lt;script&gt;" in report_page.split("<h2")[-2]  # the study's text folded in its section
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


def _claim_sections(page: str) -> dict[str, str]:
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<section class="claim" id="(S\d+)">.*?</section>', page, re.DOTALL)
    }


def test_the_report_opens_with_one_verdict_per_claim(report_page: str) -> None:
    summary = report_page[report_page.index('id="summary"') : report_page.index('<nav class="toc">')]
    rows = re.findall(r'<tr class="claim-row"><td><a href="#(S\d+)">.*?</tr>', summary, re.DOTALL)
    assert rows == ["S1", "S5"]
    verdicts = re.findall(r'class="verdict claim-verdict verdict-[a-z-]+">([a-z ]+)</span>', summary)
    assert verdicts == ["supported", "contradicted"]  # S5: one contradicted, one not shown, none supported
    sections = _claim_sections(report_page)
    assert list(sections) == ["S1", "S5"]
    assert "0 of 2 findings supported, 1 contradicted" in sections["S5"]
    assert 'href="#S5"' in report_page[report_page.index('<nav class="toc">') :]  # the contents link each claim


def _result_with(findings: list[Finding], name: str = "hostile") -> StudyResult:
    return StudyResult(**{**RESULT.__dict__, "name": name, "findings": findings})


def test_identical_findings_are_one_row_naming_both(tmp_path: Path) -> None:
    def caregiver(who: str, value: float) -> Finding:
        return Finding(
            "S5",
            f"trust 1 year after care worsened ({who}), secure history",
            Estimate(value, -0.8749, -0.7147),
            expected=-1,
            minimum_effect=MinimumEffect(0.05, "r"),
        )

    same, new = caregiver("the same caregiver", -0.81), caregiver("a new caregiver", -0.81000001)
    other = Finding(
        "S1",
        "anxiety",
        Estimate(-0.81, -0.8749, -0.7147),
        expected=-1,
        minimum_effect=RESULT.findings[0].minimum_effect,
    )
    page = write_report([_result_with([other, same, new])], tmp_path, model="m", lookup=lambda name: STUDY).read_text(
        "utf-8"
    )
    s5 = _claim_sections(page)["S5"]
    assert s5.count("<tr>") == 1 + 1  # the header and one row for both caregivers
    assert "after care worsened (the same caregiver / a new caregiver), secure history" in s5
    assert "the model does not tell these conditions apart" in s5
    assert "Model v3, part 2" in s5
    assert "its one finding supported (1 identical to another told once)" in s5
    assert "the model does not tell" not in _claim_sections(page)["S1"]  # same numbers, another claim: not merged


def test_flags_and_published_comparisons_are_shown_beside_their_findings(tmp_path: Path, monkeypatch) -> None:
    from securebase.studies import literature, plausibility

    published = literature.PublishedEffect(
        claim="S1",
        study="hostile",
        statistic=RESULT.findings[0].statistic,
        metric="d",
        value=0.15,
        low=0.06,
        high=0.24,
        source="Groh, A. M., Roisman, G. I., van IJzendoorn, M. H., & Fearon, R. P. (2012). <Child Development>",
        where="table 2, p. 598",
        note="internalising, insecure minus secure",
    )
    comparison = literature.Comparison(published, Estimate(-0.29, -0.41, -0.17), "mean difference over the pooled SD")
    flag = plausibility.Flag("implausibly large", "moves 3.5 published SDs <b>")
    monkeypatch.setattr(plausibility, "flags", lambda result: {0: [flag]} if result.name == "hostile" else {})
    monkeypatch.setattr(literature, "compare", lambda result: {0: [comparison]})
    page = write_report([RESULT], tmp_path, model="m", lookup=lambda name: STUDY).read_text("utf-8")
    s1, s5 = _claim_sections(page)["S1"], _claim_sections(page)["S5"]
    assert '<span class="badge flag">implausibly large</span>' in s1
    assert "moves 3.5 published SDs &lt;b&gt;" in s1
    assert "for comparison, not fitted" in s1
    assert "published: d 0.15 (Groh et al. 2012); model: d -0.29" in s1  # the claim's one line
    assert "<b>d 0.15 [0.06, 0.24]</b>" in s1
    assert "<b>d -0.29 [-0.41, -0.17]</b>" in s1
    assert "mean difference over the pooled SD" in s1
    assert "table 2, p. 598" in s1
    assert "&lt;Child Development&gt;" in s1
    assert "1 flagged" in page[page.index('id="summary"') : page.index('<nav class="toc">')]
    assert "flag" not in s5.replace("flagged", "")
    assert "not fitted" not in s5


@pytest.mark.parametrize(
    ("source", "short"),
    [
        ("Groh, A. M., Roisman, G. I., van IJzendoorn, M. H., & Fearon, R. P. (2012). Title.", "Groh et al. 2012"),
        ("Kerns, K. A. (1996). Title.", "Kerns 1996"),
        ("Fearon, R. P. and Belsky, J. (2010). Title.", "Fearon et al. 2010"),
    ],
)
def test_a_source_is_named_in_short(source: str, short: str) -> None:
    from securebase.report.claims import short_source

    assert short_source(source) == short


def _column_css_px() -> float:
    """The report's column in CSS pixels, from the stylesheet (body max-width in rem, at the browser's 16 px)."""
    rule = re.search(r"body \{[^}]*max-width: ([\d.]+)rem", stylesheet())
    assert rule, "style.css no longer sets the body's max-width in rem"
    return float(rule.group(1)) * 16


@pytest.mark.parametrize("figsize", [(17, 5), (6, 3)])
def test_a_figures_smallest_label_is_at_least_10_css_px_where_the_report_shows_it(figsize, tmp_path: Path) -> None:
    from matplotlib.text import Text

    from securebase.plotting import DPI, figure_png, png_size, subplots

    fig, axes = subplots(1, 3, figsize=figsize, layout="constrained")
    for ax in axes:
        ax.plot([0, 1, 2], [1, 0, 2], label="a line")
        ax.set_xticks([0, 1, 2], ["no repair", "slow", "prompt"], fontsize=6)
        ax.set_ylabel("share secure (B)", fontsize=7)
        ax.legend(fontsize=6, title="arm", title_fontsize=6)
    fig.suptitle("a caption", fontsize=8)
    png = figure_png(fig)
    width, _ = png_size(png)
    # as the page shows it: the img's width attribute, never stretched past the column nor shrunk below it (CSS)
    result = StudyResult(**{**RESULT.__dict__, "figure_png": png})
    page = write_report([result], tmp_path, model="m", lookup=lambda name: STUDY).read_text("utf-8")
    shown = int(re.search(r'<img alt="figure of the hostile study" src="[^"]+" width="(\d+)"', page).group(1))
    assert shown == min(width, _column_css_px())
    assert re.search(r"\.figure img \{[^}]*max-width: none", stylesheet())  # shown at that width, scrolled if need be
    drawn = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(drawn) > 10  # ticks, labels, legends, title: what was measured is what was drawn
    smallest_points = min(t.get_fontsize() for t in drawn)
    assert smallest_points * DPI / 72 * shown / width >= 10
