"""Virtual trials (securebase.trials, `securebase trial`): tables, reproducibility, the null arm, the power curve
against the closed form, and resuming after a stop."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

import securebase
from securebase.trials import load_trial

REPO = Path(__file__).resolve().parents[1]

POPULATION = """
name = "tiny"
[population]
n_children = 10
start_age_years = 1.0
history = "none"
[[figures]]
name = "parent"
caregiving = "normative"
availability = { home = 0.9 }
[schedule]
days = 30
episodes_per_day = 4
"""

TRIAL = """
name = "tiny-trial"
seed = 3
n_per_arm = {n}
[population]
scenario = "population.toml"
months = 1
[[arms]]
name = "control"
[[arms]]
name = "nothing"
description = "an arm that changes nothing <script>alert(1)</script>"
[[arms]]
name = "rejecting"
[[arms.changes]]
kind = "replace"
figure = "parent"
caregiving = "rejecting"
at_age_months = {{ uniform = [12, 12.5] }}
[[measures]]
name = "secure"
instrument = "model-strategy"
figure = "parent"
at_age_months = 13
[[measures]]
name = "trust"
instrument = "model-trust"
figure = "parent"
at_age_months = {{ uniform = [12.5, 13] }}
[[measures]]
name = "sensitivity"
instrument = "observed-sensitivity"
figure = "parent"
at_age_months = 12.9
[analysis]
primary = "secure"
secondary = ["trust", "sensitivity"]
contrasts = [["rejecting", "nothing"]]
{power}
"""


#: two arms and one measure: what the power curve needs, and little else (each replicate is a new trial)
SIMPLE = """
name = "simple-trial"
n_per_arm = {n}
[population]
scenario = "population.toml"
months = 1
[[arms]]
name = "control"
[[arms]]
name = "rejecting"
[[arms.changes]]
kind = "replace"
figure = "parent"
caregiving = "rejecting"
at_age_months = 12
[[measures]]
name = "secure"
instrument = "model-strategy"
figure = "parent"
at_age_months = 13
[analysis]
primary = "secure"
{power}
"""


def write_trial(folder: Path, n: int = 40, power: str = "", text: str = TRIAL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "population.toml").write_text(POPULATION, encoding="utf-8")
    path = folder / "trial.toml"
    path.write_text(text.format(n=n, power=power), encoding="utf-8")
    return path


def test_a_trial_writes_its_page_and_tables_and_the_same_seed_gives_the_same_tables(tmp_path: Path) -> None:
    path = write_trial(tmp_path)
    first = securebase.run_trial(path, out=tmp_path / "a")
    second = securebase.run_trial(path, out=tmp_path / "b")
    pd.testing.assert_frame_equal(first.outcomes, second.outcomes)
    pd.testing.assert_frame_equal(first.estimates, second.estimates)
    other = securebase.run_trial(path, out=tmp_path / "c", seed=4)
    assert not other.outcomes["value"].equals(first.outcomes["value"])
    for name in ("outcomes", "estimates"):
        assert (tmp_path / "a" / f"{name}.parquet").is_file()
        assert (tmp_path / "a" / f"{name}.csv").is_file()
    page = (tmp_path / "a" / "trial.html").read_text(encoding="utf-8")
    assert "tiny-trial" in page
    assert "the model's predictions" in page
    assert "<img" in page
    assert page.startswith("<!doctype html>")
    assert "<script" not in page  # the file's text is shown escaped, and the page runs nothing
    assert "&lt;script&gt;" in page
    style = (Path(securebase.__file__).parent / "report" / "templates" / "style.css").read_text(encoding="utf-8")
    assert style.strip() in page  # the report's one stylesheet, inlined
    assert page.count("<style>") == 1
    for syntax in ("{{", "}}", "{%", "%}"):
        assert syntax not in page
    record = json.loads((tmp_path / "a" / "trial.json").read_text(encoding="utf-8"))
    assert record["trial_file_sha256"] == load_trial(path).file_hash
    assert len(record["trial_file_sha256"]) == 64
    assert record["seed"] == 3
    assert record["calibration"] == securebase.default_calibration().constants_hash()
    table = pd.read_parquet(tmp_path / "a" / "estimates.parquet")
    assert set(table["trial_file_sha256"]) == {record["trial_file_sha256"]}
    assert set(table["seed"]) == {3}
    # randomised: each arm has n_per_arm children, each child in one arm
    outcomes = first.outcomes
    seen = outcomes[(outcomes["arm"] == outcomes["assigned"]) & (outcomes["measure"] == "trust")]
    assert seen.groupby("arm").size().to_dict() == {"control": 40, "nothing": 40, "rejecting": 40}
    assert seen["child"].is_unique


def test_an_arm_that_changes_nothing_equals_the_control_bit_for_bit(tmp_path: Path) -> None:
    result = securebase.run_trial(write_trial(tmp_path, n=20), out=tmp_path / "out")
    outcomes = result.outcomes.sort_values(["measure", "child"])
    by_arm = {
        arm: group.drop(columns=["arm", "assigned"]).reset_index(drop=True) for arm, group in outcomes.groupby("arm")
    }
    pd.testing.assert_frame_equal(by_arm["nothing"], by_arm["control"])  # every child, every measure, every bit
    assert not by_arm["rejecting"]["value"].equals(by_arm["control"]["value"])
    # each child placed on its own day: the trust read at a child's own age differs by child in the placed arm
    assert outcomes[outcomes["measure"] == "trust"]["day"].nunique() > 5


def closed_form_power(p1: float, p0: float, n: int, alpha: float = 0.05) -> float:
    """Two-sided pooled two-proportion z-test with n per arm (e.g. Fleiss et al. 2003, eq. 4.14)."""
    z = stats.norm.ppf(1 - alpha / 2)
    pooled = (p1 + p0) / 2
    null_se = math.sqrt(2 * pooled * (1 - pooled) / n)
    se = math.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / n)
    delta = abs(p1 - p0)
    return float(stats.norm.cdf((delta - z * null_se) / se) + stats.norm.cdf((-delta - z * null_se) / se))


@pytest.mark.slow
def test_the_power_curve_matches_the_closed_form_within_monte_carlo_error(tmp_path: Path) -> None:
    replicates = 200
    power = f"[power]\nn_per_arm = [20, 40, 80]\nreplicates = {replicates}"
    path = write_trial(tmp_path, n=3000, power=power, text=SIMPLE)
    result = securebase.run_trial(path, out=tmp_path / "out", workers=1)
    every = result.outcomes[result.outcomes["measure"] == "secure"]
    p0 = every.loc[every["arm"] == "control", "value"].mean()  # every child of 6,000: the shares replicates draw from
    p1 = every.loc[every["arm"] == "rejecting", "value"].mean()
    assert abs(p1 - p0) > 0.1
    curve = result.power_curve[result.power_curve["arm"] == "rejecting"]
    assert curve["power"].is_monotonic_increasing or curve["power"].diff().min() > -0.1
    for row in curve.itertuples():
        expected = closed_form_power(p1, p0, row.n_per_arm)
        allowed = 3 * math.sqrt(expected * (1 - expected) / replicates) + 0.03  # Monte Carlo error; p0, p1 estimated
        assert abs(row.power - expected) < allowed, (row.n_per_arm, row.power, expected)


#: replicates of the stopped trial, by the size of the slow tests (conftest.py: --slow-size): enough that it is
#: stopped after 3 and before the last, few enough that the resume's process does not redo a long run
STOPPED_REPLICATES = {"small": 20, "full": 150}


@pytest.mark.slow
def test_a_stopped_trial_keeps_its_finished_tasks_and_resumes(tmp_path: Path, slow_size: str) -> None:
    replicates = STOPPED_REPLICATES[slow_size]
    power = f"[power]\nn_per_arm = [10, 20]\nreplicates = {replicates}"
    path = write_trial(tmp_path, n=40, power=power, text=SIMPLE)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "securebase",
        "trial",
        str(path),
        "--out",
        str(out),
        "--workers",
        "1",
        "--no-progress",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while len(list((out / "tasks").glob("replicate-*.parquet"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "resume with: securebase trial" in stderr
    assert "Traceback" not in stderr
    kept = {p.name: p.stat().st_mtime_ns for p in (out / "tasks").glob("*.parquet")}
    assert "trial.parquet" in kept
    assert 3 <= len(kept) < replicates + 1  # the trial's table, and some of the replicates: not all
    assert not (out / "trial.html").exists()
    again = subprocess.run([*command, "--resume"], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    assert (out / "trial.html").is_file()
    for name, mtime in kept.items():  # the finished tasks were kept, not redone
        assert (out / "tasks" / name).stat().st_mtime_ns == mtime
    assert len(pd.read_parquet(out / "power.parquet")["replicate"].unique()) == replicates


@pytest.mark.parametrize("path", sorted((REPO / "examples").glob("trial-*.toml")), ids=lambda p: p.stem)
def test_the_example_trials_are_valid(path: Path) -> None:
    trial = load_trial(path)
    assert len(trial.spec.arms) >= 2
    text = path.read_text(encoding="utf-8")
    assert "prediction" in text  # each says its results are the model's predictions
    assert "never used to tune the model" in text


def test_there_are_the_example_trials_the_docs_name() -> None:
    names = {p.stem for p in (REPO / "examples").glob("trial-*.toml")}
    docs = (REPO / "docs" / "trials.md").read_text(encoding="utf-8")
    assert len(names) >= 5
    for name in names:
        assert f"{name}.toml" in docs


def test_the_video_feedback_change_lasts_and_the_home_visiting_one_is_said_to_revert() -> None:
    video = load_trial(REPO / "examples" / "trial-video-feedback.toml")
    lasting = next(arm for arm in video.spec.arms if arm.name == "video-feedback")
    assert all(change.until_age_months is None for change in lasting.changes)
    assert video.spec.contrast_pairs(video.arm_names) == [("video-feedback", "video-feedback-fading")]
    home = REPO / "examples" / "trial-home-visiting.toml"
    ends = [c.until_age_months for arm in load_trial(home).spec.arms for c in arm.changes]
    assert 9 in ends
    assert "REVERTS at 9 months" in home.read_text(encoding="utf-8")
    from securebase.report.trial import ended_before_measures

    notes = ended_before_measures(load_trial(home).spec)
    assert len(notes) == 1
    assert "ends at 9 months" in notes[0]
    assert "secure-12m" in notes[0]
    placement = load_trial(REPO / "examples" / "trial-placement-age.toml")
    assert ("placed-30m", "placed-6m") in placement.spec.contrast_pairs(placement.arm_names)


def test_an_arm_can_bring_a_figure_the_population_lacks(tmp_path: Path) -> None:
    text = SIMPLE.replace(
        """[[arms.changes]]
kind = "replace"
figure = "parent"
caregiving = "rejecting"
at_age_months = 12""",
        """[[arms.changes]]
kind = "add"
figure = "mentor"
caregiving = "responsive"
availability = {{ home = 0.5 }}
at_age_months = {{ uniform = [12.1, 12.5] }}""",
    ).replace('instrument = "model-strategy"\nfigure = "parent"', 'instrument = "model-trust"\nfigure = "mentor"')
    result = securebase.run_trial(write_trial(tmp_path, n=15, text=text), out=tmp_path / "out")
    trust = result.outcomes.set_index(["arm", "child"])["value"]
    control, added = trust.loc["control"], trust.loc["rejecting"]
    assert (control == control.iloc[0]).all()  # never met: the newborn prior, untouched
    assert (added != control).all()  # met at the child's own age, and learned since


def test_a_contrast_between_two_arms_is_analysed_like_an_arm_against_the_control(tmp_path: Path) -> None:
    from statsmodels.stats import proportion

    from securebase import statistics as methods

    result = securebase.run_trial(write_trial(tmp_path), out=tmp_path / "out")
    table = result.estimates
    contrast = table[(table["comparison"] == "contrast") & (table["outcome"] == "secure")]
    assert set(zip(contrast["arm"], contrast["control"], strict=True)) == {("rejecting", "nothing")}
    against_control = table[(table["comparison"] == "vs control") & (table["outcome"] == "secure")]
    assert set(contrast["statistic"]) == set(against_control["statistic"])  # the same statistics, both samples
    outcomes = result.outcomes
    seen = outcomes[(outcomes["arm"] == outcomes["assigned"]) & (outcomes["measure"] == "secure")]
    hits = {arm: int(seen.loc[seen["arm"] == arm, "value"].sum()) for arm in ("rejecting", "nothing")}
    sizes = {arm: int((seen["arm"] == arm).sum()) for arm in ("rejecting", "nothing")}
    randomised = contrast[(contrast["sample"] == "randomised") & (contrast["statistic"] == "risk difference")].iloc[0]
    low, high = proportion.confint_proportions_2indep(
        hits["rejecting"], sizes["rejecting"], hits["nothing"], sizes["nothing"], method="newcomb", compare="diff"
    )
    assert randomised["value"] == pytest.approx(hits["rejecting"] / sizes["rejecting"] - hits["nothing"] / 40)
    assert (randomised["low"], randomised["high"]) == pytest.approx((low, high), rel=1e-9)
    every = outcomes[outcomes["measure"] == "secure"].pivot(index="child", columns="arm", values="value")
    paired = methods.paired_share_difference(every["rejecting"] == 1.0, every["nothing"] == 1.0)
    row = contrast[contrast["sample"] == "every child"].iloc[0]
    assert (row["value"], row["low"], row["high"]) == pytest.approx(tuple(paired))
    readings = table[(table["outcome"] == "trust") & (table["sample"] == "every child")]
    assert readings["changed"].isna().all()  # "the class changed" is a share's, not a reading's
    assert (contrast[contrast["sample"] == "every child"]["changed"] >= 0).all()
    page = (tmp_path / "out" / "trial.html").read_text(encoding="utf-8")
    assert "rejecting vs nothing" in page
    assert "Between two arms, rejecting changed" in page


def test_the_page_opens_with_a_headline_naming_the_arms_and_the_primary_outcome(tmp_path: Path) -> None:
    securebase.run_trial(write_trial(tmp_path), out=tmp_path / "out")
    page = (tmp_path / "out" / "trial.html").read_text(encoding="utf-8")
    headline = page.index('<p class="headline"><strong>In this virtual trial, rejecting')
    assert page.index('<p class="headline"><strong>In this virtual trial, nothing') < headline  # one per arm, in order
    assert headline < page.index("<h2>")  # at the top, before the design
    sentence = page[headline : page.index("</p>", headline)]
    assert "In this virtual trial, rejecting changed" in sentence
    assert "(secure, model-strategy)" in sentence
    assert "compared with control" in sentence
    assert "allocation noise" in sentence
    assert "Effect on secure" in page  # the paired effect's figure
    assert "Who benefits: moderators of secure" in page


def test_the_outcome_tables_carry_the_childs_covariates_the_same_in_every_arm(tmp_path: Path) -> None:
    from securebase.trials.simulate import COVARIATES

    result = securebase.run_trial(write_trial(tmp_path, n=15), out=tmp_path / "out")
    written = pd.read_parquet(tmp_path / "out" / "outcomes.parquet")
    assert set(COVARIATES) <= set(written.columns)
    assert "age_years" in written.columns
    per_child = written.groupby("child")[list(COVARIATES)].nunique()
    assert (per_child == 1).all().all()  # taken before the fork: a moderator, not an outcome
    assert written["negative_emotionality"].nunique() > 1
    moderation = pd.read_parquet(tmp_path / "out" / "moderation.parquet")
    assert set(moderation["moderator"]) == {"negative_emotionality", "soothability"}
    assert set(moderation["arm"]) == {"nothing", "rejecting"}
    assert len(result.moderation) == len(moderation)


def test_the_trial_command_says_the_headline_at_the_size_asked(tmp_path: Path) -> None:
    path = write_trial(tmp_path, n=40, text=SIMPLE)
    from click.testing import CliRunner

    from securebase.cli import main

    # in this process (click's CliRunner): a trial without a power curve runs here, nothing needs a process
    done = CliRunner().invoke(main, ["trial", str(path), "--out", str(tmp_path / "out"), "--no-progress",
                                     "--n-per-arm", "12"])  # fmt: skip
    assert done.exit_code == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("In this virtual trial, rejecting changed the share classified secure")
    assert "compared with control" in first
    outcomes = pd.read_parquet(tmp_path / "out" / "outcomes.parquet")
    assert (outcomes["arm"] == outcomes["assigned"]).sum() == 2 * 12


def test_the_headline_says_each_flag_once_and_no_class_flag_for_a_reading() -> None:
    from securebase.trials.simulate import headlines

    trial = load_trial(REPO / "examples" / "trial-integration-teacher.toml")
    head = {"outcome": "trust-in-teacher-end-of-year", "role": "primary", "comparison": "vs control",
            "arm": "integration-teacher", "control": "ordinary-teacher", "n_arm": 50, "n_control": 50}  # fmt: skip
    flag = "p < 1e-10: shown as a bound (its digits say nothing); weigh the effect, not the p"
    table = pd.DataFrame([
        {**head, "sample": "randomised", "statistic": "mean difference", "value": 0.2, "low": 0.1, "high": 0.3,
         "p_value": 1e-40, "flags": flag},
        {**head, "sample": "randomised", "statistic": "Cohen's d", "value": 1.5, "low": 1.2, "high": 1.8,
         "p_value": 1e-40, "flags": f"{flag}; beyond published trials: |d| = 1.5"},
        {**head, "sample": "every child", "statistic": "mean difference", "value": 0.18, "low": 0.17, "high": 0.19,
         "p_value": math.nan, "changed": math.nan, "flags": ""},
    ])  # fmt: skip
    (sentence,) = headlines(trial, table)
    assert sentence.count("p < 1e-10: shown as a bound") == 1
    assert "beyond published trials" in sentence
    assert "every child: the class changed" not in sentence


def test_the_page_lists_every_flagged_estimate(tmp_path: Path) -> None:
    result = securebase.run_trial(write_trial(tmp_path, n=60, text=SIMPLE), out=tmp_path / "out")
    page = (tmp_path / "out" / "trial.html").read_text(encoding="utf-8")
    flagged = result.estimates[result.estimates["flags"] != ""]
    assert not flagged.empty  # a rejecting carer for every child: effects beyond any published trial
    assert f"<summary>{len(flagged)} estimate" in page
    assert page.count('<span class="badge flag"') == len(flagged)
    assert "implausibly large: odds ratio" in page
    written = pd.read_csv(tmp_path / "out" / "estimates.csv", keep_default_na=False)
    assert written["flags"].tolist() == result.estimates["flags"].tolist()
