"""Figures for files: the one low home of securebase's plotting helpers.

Every figure securebase draws (a study's, a run summary's, the instruments')
is a :class:`matplotlib.figure.Figure` made here, never through pyplot, and is
rendered by the Agg canvas directly. So importing securebase, or drawing with
it, leaves the user's matplotlib backend as it was (a notebook's inline
backend, a window): no ``matplotlib.use``, no figures left in pyplot's list.

This module imports nothing of securebase, so that every package (studies,
report, calibration) can use it without an arrow pointing up.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = [
    "PANELS",
    "PNG_SIGNATURE",
    "Axes",
    "Figure",
    "figure_png",
    "save_figure",
    "subplot_mosaic",
    "subplots",
]

#: the Strange Situation's behaviour scales, one panel each: (column of the behaviour table, title)
PANELS: tuple[tuple[str, str], ...] = (
    ("exploration", "Exploration"),
    ("distress", "Distress shown"),
    ("proximity_seeking", "Proximity seeking"),
    ("avoidance", "Avoidance"),
    ("resistance", "Resistance"),
    ("disorganisation", "Disorganisation"),
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: the resolution of every figure written
DPI = 110


def new_figure(figsize: tuple[float, float] | None = None, layout: str | None = None) -> Figure:
    """An empty figure drawn by the Agg canvas, outside pyplot (nothing global is touched)."""
    fig = Figure(figsize=figsize, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def subplots(
    nrows: int = 1,
    ncols: int = 1,
    *,
    figsize: tuple[float, float] | None = None,
    layout: str | None = None,
    **kwargs: Any,
) -> tuple[Figure, Any]:
    """Like ``pyplot.subplots`` (same arguments and return), but outside pyplot."""
    fig = new_figure(figsize, layout)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def subplot_mosaic(
    mosaic: Sequence[Sequence[str]] | str,
    *,
    figsize: tuple[float, float] | None = None,
    layout: str | None = None,
    **kwargs: Any,
) -> tuple[Figure, dict[str, Axes]]:
    """Like ``pyplot.subplot_mosaic`` (same arguments and return), but outside pyplot."""
    fig = new_figure(figsize, layout)
    return fig, fig.subplot_mosaic(mosaic, **kwargs)


def _release(fig: Figure) -> None:
    """Drop a figure that pyplot made (the tests' or a user's) from pyplot's list; ours are in no list."""
    if getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt

        plt.close(fig)


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (and released)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    _release(fig)
    return buffer.getvalue()


def save_figure(fig: Figure, path: Path) -> Path:
    """Write the figure to ``path`` (its format from the suffix) and release it; returns the path."""
    fig.savefig(path, dpi=DPI)
    _release(fig)
    return Path(path)
