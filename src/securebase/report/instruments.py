"""Figures of the instruments: the Strange Situation's episode pattern per classification."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from securebase.instruments.ssp_coding import CLASS_STRATEGY, CLASSES
from securebase.instruments.strange_situation import EPISODE_NAMES
from securebase.plotting import PANELS, save_figure, subplots


def plot_ssp_pattern(behaviour: pd.DataFrame, path: Path, caption: str) -> Path:
    """Mean behaviour in each of the eight episodes, one line per classification (with its n)."""
    fig, axes = subplots(2, 3, figsize=(13, 7), sharex=True, layout="constrained")
    means = behaviour.groupby(["classification", "episode"]).mean(numeric_only=True)
    counts = behaviour.groupby("classification")["child"].nunique()
    x = range(len(EPISODE_NAMES))
    for ax, (column, title) in zip(axes.ravel(), PANELS, strict=True):
        for cls in CLASSES:
            if cls not in counts:
                continue
            series = means.loc[cls].reindex(EPISODE_NAMES)[column]
            ax.plot(x, series.values, marker="o", label=f"{cls} ({CLASS_STRATEGY[cls]}, n={counts[cls]})")
        ax.set_title(title)
        ax.set_xticks(list(x), [f"{i + 1}" for i in x])
        for separation in (3, 5, 6):  # episodes 4, 6, 7: the caregiver is away
            ax.axvspan(separation - 0.5, separation + 0.5, color="grey", alpha=0.12)
    for ax in axes[1]:
        ax.set_xlabel("episode (grey: caregiver away)")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Strange Situation: behaviour by episode and classification ({caption})")
    return save_figure(fig, path)
