"""A short, self-contained HTML summary of one run, with its plots embedded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from securebase import statistics
from securebase.engine.results import Results
from securebase.model.state import BID_TYPES, STRATEGIES
from securebase.outputs import write_atomically
from securebase.plotting import Figure, figure_png, subplots
from securebase.report.pages import data_uri, render

STRATEGY_COLOURS = {"secure": "#3b7d4f", "avoidant": "#4c72b0", "ambivalent": "#dd8452", "disorganised": "#8c3b8c"}
STATE_PANELS = (
    ("anxiety", "Anxiety"),
    ("felt_security", "Felt security"),
    ("exploration", "Exploration"),
    ("competence", "Competence"),
)


def _png(fig: Figure) -> str:
    """The figure as a data URI, for the page's ``<img src>``."""
    return data_uri(figure_png(fig))


#: the x axis of every plot over time
TIME_LABEL = "day of the scenario"


def plot_state(summary: pd.DataFrame, caption_n: str) -> str:
    fig, axes = subplots(2, 2, figsize=(10, 6), sharex=True, layout="constrained")
    x, label = summary["day"], TIME_LABEL
    n = summary["children"].iloc[0]
    for ax, (column, title) in zip(axes.ravel(), STATE_PANELS, strict=True):
        mean, sd = summary[column], summary[f"{column}_sd"]
        ax.fill_between(x, (mean - sd).clip(0, 1), (mean + sd).clip(0, 1), alpha=0.2, label="± 1 sd across children")
        low, high = statistics.mean_bands(mean, sd, n)
        ax.fill_between(x, low, high, alpha=0.6, label="95% CI of the mean")
        ax.plot(x, mean, lw=0.6, alpha=0.6, label="daily mean")
        ax.plot(x, mean.rolling(7, min_periods=1, center=True).mean(), lw=1.8, color="black", label="7-day mean")
        ax.set_title(title)
        ax.set_ylim(0, 1)
    for ax in axes[1]:
        ax.set_xlabel(label)
    axes[0, 0].legend(loc="upper right", fontsize=8)
    fig.suptitle(f"Child state over time ({caption_n})")
    return _png(fig)


def plot_ruptures(summary: pd.DataFrame, caption_n: str) -> str:
    fig, ax = subplots(figsize=(10, 3.5))
    x, label = summary["day"], TIME_LABEL
    per_100 = 100.0 / summary["children"]
    for column, name in (
        ("adult_ruptures", "adult ruptures (temper, unfairness)"),
        ("tantrums", "tantrums (child ruptures)"),
        ("repairs", "repairs"),
        ("unrepaired_ruptures", "left unrepaired"),
    ):
        ax.plot(x, (summary[column] * per_100).rolling(7, min_periods=1).mean(), label=name)
    ax.set_xlabel(label)
    ax.set_ylabel("per 100 children per day")
    ax.set_title(f"Ruptures and repairs (7-day rolling mean; {caption_n})")
    ax.legend(fontsize=8, ncol=2)
    return _png(fig)


def plot_strategies(summary: pd.DataFrame, caption_n: str, title: str) -> str:
    fig, ax = subplots(figsize=(10, 3.5))
    x, label = summary["day"], TIME_LABEL
    shares = [summary[f"share_{s}"] for s in STRATEGIES]
    ax.stackplot(x, shares, labels=STRATEGIES, colors=[STRATEGY_COLOURS[s] for s in STRATEGIES], alpha=0.85)
    ax.set_ylim(0, 1)
    ax.set_xlabel(label)
    ax.set_ylabel("share of children")
    ax.set_title(f"{title} ({caption_n})")
    ax.legend(loc="lower left", fontsize=8, ncol=4)
    return _png(fig)


def plot_history(summary: pd.DataFrame, caption_n: str) -> str:
    """The years lived before the scenario, by age (weekly means)."""
    history = summary[summary["phase"] == "history"]
    weekly = history.groupby(history["day"] // 7).mean(numeric_only=True)
    fig, axes = subplots(1, 2, figsize=(11, 4), layout="constrained")
    for column, name in STATE_PANELS:
        axes[0].plot(weekly["age_years"], weekly[column], label=name)
    axes[0].set_ylim(0, 1)
    axes[0].set_xlabel("age (years)")
    axes[0].set_title("Child state before the scenario")
    axes[0].legend(fontsize=8)
    bids = weekly[[f"bids_{t}" for t in BID_TYPES]]
    bids = bids.div(bids.sum(axis=1).replace(0, np.nan), axis=0)
    axes[1].stackplot(weekly["age_years"], bids.T.values, labels=BID_TYPES, alpha=0.85)
    axes[1].set_ylim(0, 1)
    axes[1].set_xlabel("age (years)")
    axes[1].set_title("Bids by type (share of bids)")
    axes[1].legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle(f"Development from birth ({caption_n})")
    return _png(fig)


def estimate_text(value: float, low: float, high: float, percent: bool = False) -> str:
    """An estimate with its interval, "0.0504 [0.0497, 0.0511]": the fewest decimals (at least three, or one of
    a percentage) that show each end apart from the estimate wherever they differ, so that rounding never makes
    an interval look zero-width; "(exact)" where it is, "(no interval)" where there is none (one child)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return f"{value:.1%} (no interval)" if percent else f"{value:.3f} (no interval)"
    if low == value == high:
        return f"{value:.1%} (exact)" if percent else f"{value:.3f} (exact)"
    for decimals in range(1 if percent else 3, 16):
        shown = [f"{v:.{decimals}%}" if percent else f"{v:.{decimals}f}" for v in (value, low, high)]
        if (low == value or shown[1] != shown[0]) and (high == value or shown[2] != shown[0]):
            break
    return f"{shown[0]} [{shown[1]}, {shown[2]}]"


def _mean_text(values: pd.Series) -> str:
    return estimate_text(*statistics.mean(values.to_numpy(float)))


def write_summary(results: Results, path: Path, files: dict[str, Path] | None = None) -> Path:
    """Write the HTML summary of ``results`` to ``path``; returns the path."""
    scenario = results.scenario
    n = scenario.population.n_children
    caption_n = f"{scenario.name}, N = {n:,}, seed {results.seed}"
    summary = results.summary
    scenario_days = summary[summary["phase"] == "scenario"]
    children = results.children

    outcome_rows = [
        (f"{name} at the end (mean, 95% CI)", _mean_text(children[name]))
        for name in ("anxiety", "felt_security", "exploration", "competence")
    ]
    outcome_rows.append(("competence gained over the scenario (mean, 95% CI)", _mean_text(children["competence_gain"])))
    counts = children["strategy"].value_counts()
    for strategy in STRATEGIES:
        share = statistics.share(int(counts.get(strategy, 0)), len(children))
        outcome_rows.append((f"strategy with primary figure: {strategy} (95% CI)", estimate_text(*share, percent=True)))
    figure_rows = [
        (
            f"{spec.name} ({spec.role})",
            f"caregiving: {spec.caregiving if isinstance(spec.caregiving, str) else 'custom'}; "
            f"home {spec.availability.home:.0%}, school {spec.availability.school:.0%}"
            + (f"; from day {spec.from_day}" if spec.from_day is not None else "; from birth"),
        )
        for spec in scenario.figures
    ]
    relationships = results.relationships
    if relationships.empty:  # no child ever had a figure in its life (every figure left, or none entered)
        relationships = pd.DataFrame(columns=["day", "figure", "trust", "fear", "share_secure"])
    last = relationships[relationships["day"] == relationships["day"].max()]
    relation_rows = [
        (row.figure, f"trust {row.trust:.2f}, fear {row.fear:.2f}, secure with this figure {row.share_secure:.1%}")
        for row in last.itertuples()
    ]

    images = [
        (
            "What the children feel and do",
            (
                "Daily means over all children and episodes (thin line; school days and weekends alternate), "
                "with their 7-day mean (black). The pale band is the spread across children (± 1 sd); the dark "
                "band, the 95% confidence interval of the daily mean."
            ),
            plot_state(scenario_days, caption_n),
        ),
        (
            "Ruptures and repairs",
            (
                "Adult ruptures (losing temper, unfairness) and child tantrums, the repairs that followed (apology, "
                "soothing) and ruptures that closed unrepaired."
            ),
            plot_ruptures(scenario_days, caption_n),
        ),
        (
            "Strategy mix",
            (
                "Each child's strategy with its primary figure, read off the learned signalling gain and fear: open "
                "signalling (secure), suppressed (avoidant), amplified (ambivalent), fear of the figure (disorganised). "
                "No strategy is an input."
            ),
            plot_strategies(scenario_days, caption_n, "Strategy with the primary figure"),
        ),
    ]
    if (summary["phase"] == "history").any():
        images.append(
            (
                "Before the scenario",
                (
                    "The years each child lived at home before the scenario began, with the bid repertoire "
                    "changing with age (crying, smiling and reaching, then approaching and verbal support seeking)."
                ),
                plot_history(summary, caption_n),
            )
        )
    page = render(
        "summary.html",
        scenario=scenario,
        seed=results.seed,
        figure_rows=figure_rows,
        outcome_rows=outcome_rows,
        relation_rows=relation_rows,
        images=[{"title": title, "text": text, "src": src} for title, text, src in images],
        files=[str(p) for p in (files or {}).values()],
    )
    path = Path(path)
    write_atomically(path, page)
    return path
