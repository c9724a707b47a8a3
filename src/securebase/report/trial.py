"""The trial page (``trial.html``): the design in words, a figure per outcome, the estimates, the power curve.

``securebase trial`` and ``securebase.run_trial`` write it through :func:`run_trial`; the tables and the
simulation are ``securebase.trials``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from securebase.calibration.calibration import Calibration
from securebase.plotting import figure_png, subplots
from securebase.report.pages import data_uri, render
from securebase.trials.catalogue import INSTRUMENTS
from securebase.trials.run import TrialResult
from securebase.trials.run import run_trial as _run_trial
from securebase.trials.simulate import is_binary, outcome_class, own_arm
from securebase.trials.spec import AgeDraw, Change


def _age(age: float | AgeDraw) -> str:
    if isinstance(age, AgeDraw):
        if age.uniform is not None:
            return f"each child at its own age, uniform from {age.uniform[0]:g} to {age.uniform[1]:g} months"
        return f"each child at its own age, normal with mean {age.normal[0]:g} and sd {age.normal[1]:g} months"
    return f"{float(age):g} months"


def describe_change(change: Change) -> str:
    """A change of care in words."""
    share = "" if change.probability >= 1 else f" (for {change.probability:.0%} of the children)"
    if change.kind == "change":
        units = {"set": "to", "add": "by", "logit": "by (logit units)", "sd": f"by (SDs of {change.instrument})"}
        traits = ", ".join(f"{name} {units[change.mode]} {value:g}" for name, value in change.traits.items())
        until = "for good" if change.until_age_months is None else f"until {change.until_age_months:g} months"
        ramp = f", reached over {change.ramp_days} days" if change.ramp_days else ""
        return f"{change.figure}'s {traits}, from {_age(change.from_age_months)} {until}{ramp}{share}"
    what = {"replace": "a new person drawn from {c} takes {f}'s place", "add": "{f} (drawn from {c}) enters",
            "remove": "{f} leaves"}[change.kind]  # fmt: skip
    caregiving = change.caregiving if isinstance(change.caregiving, str) or change.caregiving is None else "a table"
    return f"{what.format(f=change.figure, c=caregiving)} at {_age(change.at_age_months)}{share}"


def _interval(value: float, low: float, high: float) -> str:
    return f"{value:.3g} [{low:.3g}, {high:.3g}]" if np.isfinite(low) else f"{value:.3g}"


def _outcome_figure(result: TrialResult, measure: str) -> str:
    """Each arm's distribution (classes, or the reading) of the children randomised to it."""
    trial = result.trial
    seen = own_arm(result.outcomes)
    seen = seen[seen["measure"] == measure]
    arms = trial.arm_names
    fig, ax = subplots(figsize=(8, 3.6), layout="constrained")
    if is_binary(trial, measure):
        spec = next(m for m in trial.spec.measures if m.name == measure)
        classes = list(INSTRUMENTS[spec.instrument].classes)
        width = 0.8 / len(arms)
        for i, arm in enumerate(arms):
            shares = seen.loc[seen["arm"] == arm, "classification"].value_counts(normalize=True)
            ax.bar(np.arange(len(classes)) + i * width, [shares.get(c, 0.0) for c in classes], width, label=arm)
        ax.set_xticks(np.arange(len(classes)) + 0.4 - width / 2, classes)
        ax.set_ylabel("share of children")
    else:
        data = [seen.loc[seen["arm"] == arm, "value"].to_numpy(float) for arm in arms]
        ax.boxplot(data, tick_labels=arms)
        ax.set_ylabel(INSTRUMENTS[next(m.instrument for m in trial.spec.measures if m.name == measure)].name)
    ax.set_title(measure)
    if is_binary(trial, measure):
        ax.legend(fontsize=8)
    return data_uri(figure_png(fig))


def _power_figure(curve: pd.DataFrame) -> str:
    fig, ax = subplots(figsize=(8, 3.6), layout="constrained")
    for arm, group in curve.groupby("arm", sort=False):
        below, above = group["power"] - group["low"], group["high"] - group["power"]
        ax.errorbar(group["n_per_arm"], group["power"], yerr=[below, above], marker="o", capsize=3, label=arm)
    ax.axhline(0.8, color="#888", linestyle="--", linewidth=1, label="80% power")
    ax.set_xscale("log")
    sizes = sorted(curve["n_per_arm"].unique())
    ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
    ax.minorticks_off()
    ax.set_ylim(0, 1)
    ax.set_xlabel("children per arm")
    ax.set_ylabel("probability of a significant result")
    ax.legend(fontsize=8)
    return data_uri(figure_png(fig))


def trial_page(result: TrialResult) -> str:
    """The self-contained HTML page of a finished trial."""
    trial, spec = result.trial, result.trial.spec
    scenario = trial.scenario
    design = [
        f"{spec.n_per_arm:,} children per arm in {len(spec.arms)} arms, randomised (seed {result.seed}); "
        "the population "
        f"is scenario '{spec.population.scenario}'"
        + (f" with the caregiving of its {spec.population.figure or scenario.figures[0].name} replaced by "
           f"{spec.population.caregiving if isinstance(spec.population.caregiving, str) else 'a table'}"
           if spec.population.caregiving is not None else "")
        + f", followed from {trial.start_months:g} to {trial.end_months:.3g} months.",
        (f"Primary outcome: {spec.analysis.primary}; secondary: {', '.join(spec.outcomes[1:]) or 'none'}; "
         f"two-sided tests at alpha = {spec.analysis.alpha:g}."),
    ]  # fmt: skip
    arm_rows = [
        (arm.name + (f": {arm.description}" if arm.description else ""),
         "; ".join(describe_change(c) for c in arm.changes) or "no change (usual care)")
        for arm in spec.arms
    ]  # fmt: skip
    measure_rows = [
        (m.name, f"{m.instrument} of {m.figure}, at {_age(m.at_age_months)}"
         + (f" (outcome: share classified {outcome_class(m)})" if INSTRUMENTS[m.instrument].kind == "classification"
            else ""))
        for m in spec.measures
    ]  # fmt: skip
    estimate_rows = [
        {"outcome": r.outcome, "role": r.role, "arm": r.arm, "sample": r.sample, "statistic": r.statistic,
         "estimate": _interval(r.value, r.low, r.high), "p": "" if not np.isfinite(r.p_value) else f"{r.p_value:.3g}",
         "n": f"{r.n_arm:,}, {r.n_control:,}"}
        for r in result.estimates.itertuples()
    ]  # fmt: skip
    images = [
        {"title": f"Outcome: {m}", "text": "Children randomised to each arm.", "src": _outcome_figure(result, m)}
        for m in spec.outcomes
    ]
    power_rows, power_summary, power_text = [], [], ""
    if result.power_curve is not None:
        curve = result.power_curve
        power_text = (
            f"The probability that a trial of N children per arm finds the primary outcome ({spec.analysis.primary}) "
            f"significant at alpha = {spec.analysis.alpha:g}: {spec.power.replicates} trials simulated afresh (new "
            "children, new randomisation) for each N; 95% Wilson intervals."
        )
        images.append({"title": "Power curve", "text": "The dashed line is 80% power; the table below has the figures.",
                       "src": _power_figure(curve)})  # fmt: skip
        power_rows = [
            {"arm": r.arm, "n": f"{r.n_per_arm:,}", "replicates": r.replicates,
             "power": _interval(r.power, r.low, r.high), "estimate": f"{r.mean_estimate:.3g}"}
            for r in curve.itertuples()
        ]  # fmt: skip
        for arm, group in curve.groupby("arm", sort=False):
            needed = group["n_for_80_percent"].iloc[0]
            power_summary.append(
                f"{arm}: 80% power at about {needed:,.0f} children per arm (interpolated between the sizes run)."
                if np.isfinite(needed)
                else f"{arm}: 80% power is not reached at the sizes run (up to {group['n_per_arm'].max():,} per arm)."
            )
    record = result.manifest
    provenance = [
        ("trial file", f"{record.get('trial_file', '')} (sha256 {trial.file_hash[:16]}...)"),
        ("seed", str(result.seed)),
        ("calibration", f"{record.get('calibration')} ({record.get('calibration_source') or 'shipped'})"),
        ("securebase", f"{record.get('securebase_version')} (commit {record.get('securebase_commit') or 'unknown'})"),
    ]
    return render(
        "trial.html", name=spec.name, description=spec.description, design=design, arm_rows=arm_rows,
        measure_rows=measure_rows, control=spec.control, estimate_rows=estimate_rows, images=images,
        power_rows=power_rows, power_summary=power_summary, power_text=power_text, provenance=provenance,
    )  # fmt: skip


def run_trial(
    trial: str | Path,
    out: str | Path,
    calibration: Calibration | str | Path | None = None,
    seed: int | None = None,
    resume: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = False,
) -> TrialResult:
    """Run the trial file ``trial`` into ``out`` (tables and ``trial.html``): ``securebase.run_trial``.

    ``calibration``: a Calibration, a calibration file, or None for the shipped one.
    """
    from securebase.calibration.calibration import Calibration as _Calibration

    if calibration is None:
        calibration = _Calibration.shipped()
    elif not isinstance(calibration, _Calibration):
        calibration = _Calibration.load(calibration)
    return _run_trial(trial, out, calibration, seed=seed, resume=resume, scheduler=scheduler, workers=workers,
                      progress=progress, page=trial_page)  # fmt: skip
