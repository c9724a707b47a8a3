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
from securebase.trials.analysis import format_p
from securebase.trials.catalogue import INSTRUMENTS
from securebase.trials.run import TrialResult
from securebase.trials.run import run_trial as _run_trial
from securebase.trials.simulate import COVARIATES, comparisons, headline_parts, is_binary, outcome_class, own_arm
from securebase.trials.spec import AgeDraw, Change, TrialSpec, age_bounds


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


EFFECTS_TEXT = (
    "Filled: the every-child (paired) effect, every child under both arms: the model's effect, with no allocation "
    "noise. Open: what the randomised trial estimated (each child under its own arm); the gap is allocation noise. "
    "95% intervals."
)
ARMS_TEXT = "The children randomised to each arm (their differences include allocation noise)."


def ended_before_measures(spec: TrialSpec) -> list[str]:
    """A sentence for each change of care that ends (its traits go back) before a measure: what that measure sees
    is what outlasts the change, often little (the home-visiting example's change ends at 9 months)."""
    notes = []
    for arm in spec.arms:
        for change in arm.changes:
            if change.kind != "change" or change.until_age_months is None:
                continue
            later = [m.name for m in spec.measures if age_bounds(m.at_age_months)[0] >= change.until_age_months]
            if later:
                notes.append(
                    f"In arm {arm.name}, the change of {change.figure}'s care ends at {change.until_age_months:g} "
                    f"months (the traits go back), before {', '.join(later)}: what these measure is what outlasts "
                    "the change, not the change itself."
                )
    return notes


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
        ax.legend()
    return data_uri(figure_png(fig))


def _effects_figure(result: TrialResult, measure: str) -> str:
    """The main figure: each comparison's every-child (paired) effect, with the randomised trial's estimate beside
    it; the gap between them is allocation noise (who happened to be randomised where)."""
    binary = is_binary(result.trial, measure)
    difference = "risk difference" if binary else "mean difference"
    table = result.estimates
    rows = table[(table["outcome"] == measure) & (table["statistic"] == difference)]
    pairs = comparisons(result.trial)
    scale = 100.0 if binary else 1.0
    fig, ax = subplots(figsize=(8, 1.2 + 0.55 * len(pairs)), layout="constrained")
    for position, (arm, reference, _) in enumerate(pairs):
        for sample, offset, style in (("every child", -0.12, "o"), ("randomised", 0.12, "s")):
            found = rows[(rows["arm"] == arm) & (rows["control"] == reference) & (rows["sample"] == sample)]
            if found.empty:
                continue
            row = found.iloc[0]
            value, low, high = scale * row["value"], scale * row["low"], scale * row["high"]
            ax.errorbar(value, position + offset, xerr=[[value - low], [high - value]], fmt=style, capsize=3,
                        color="#1f4e89" if sample == "every child" else "#b0651c",
                        markerfacecolor="#1f4e89" if sample == "every child" else "white",
                        label=sample if position == 0 else None)  # fmt: skip
    ax.axvline(0.0, color="#888", linewidth=1)
    ax.set_yticks(range(len(pairs)), [f"{arm} vs {reference}" for arm, reference, _ in pairs])
    ax.invert_yaxis()
    ax.set_xlabel(f"{measure}: " + ("difference in the share (percentage points)" if binary else "mean difference"))
    fig.legend(loc="outside upper center", ncol=2, frameon=False)  # above the axes: never over a point
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
    ax.legend()
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
    table = result.estimates
    paired = {
        (r.outcome, r.arm, r.control, r.statistic): r.value for r in table.itertuples() if r.sample == "every child"
    }
    estimate_rows = [
        {"outcome": r.outcome, "role": r.role, "comparison": f"{r.arm} vs {r.control}", "contrast":
         r.comparison == "contrast", "sample": r.sample, "statistic": r.statistic,
         "estimate": _interval(r.value, r.low, r.high), "p": format_p(r.p_value),
         "noise": (f"{r.value - paired[(r.outcome, r.arm, r.control, r.statistic)]:+.3g}"
                   if r.sample == "randomised" and (r.outcome, r.arm, r.control, r.statistic) in paired else ""),
         "n": f"{r.n_arm:,}, {r.n_control:,}", "flags": r.flags}
        for r in table.itertuples()
    ]  # fmt: skip
    flag_rows = [row for row in estimate_rows if row["flags"]]
    images = []
    for m in spec.outcomes:
        images.append({"title": f"Effect on {m}", "text": EFFECTS_TEXT, "src": _effects_figure(result, m)})
        images.append({"title": f"Outcome: {m}, by arm", "text": ARMS_TEXT, "src": _outcome_figure(result, m)})
    moderation_rows = [
        {"comparison": f"{r.arm} vs {r.control}", "moderator": r.moderator.replace("_", " "), "sample": r.sample,
         "group": r.group, "statistic": r.statistic, "estimate": _interval(r.value, r.low, r.high),
         "p": format_p(r.p_value), "n": f"{r.n:,}"}
        for r in result.moderation.itertuples()
    ]  # fmt: skip
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
        headlines=headline_parts(trial, table), flag_rows=flag_rows, moderation_rows=moderation_rows,
        primary=spec.analysis.primary, covariates=", ".join(c.replace("_", " ") for c in COVARIATES),
        notes=ended_before_measures(spec),
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
