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
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = [
    "PANELS",
    "PNG_SIGNATURE",
    "Axes",
    "Figure",
    "displayed_width",
    "figure_png",
    "label_px",
    "png_size",
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
#: the widest a figure is shown on a page, in CSS pixels: the report's column (style.css, body max-width 64rem at
#: 16 px); a wider PNG is shown scaled down to it, a narrower one at its own width (1 PNG pixel a CSS pixel)
DISPLAY_WIDTH_PX = 1024
#: the smallest a label may be shown, in CSS pixels at DISPLAY_WIDTH_PX: figure_png raises smaller fonts to it
MIN_LABEL_PX = 10.0


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


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, from its header."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def displayed_width(png_width: int) -> int:
    """The width in CSS pixels at which a page shows a PNG ``png_width`` pixels wide (see DISPLAY_WIDTH_PX)."""
    return min(png_width, DISPLAY_WIDTH_PX)


def _texts(fig: Figure) -> list[Text]:
    """The figure's texts that are drawn: visible, not empty (tick labels as last drawn)."""
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and t.figure is not None]


def label_px(fig: Figure, png: bytes, dpi: float = DPI) -> float:
    """The smallest text of ``fig`` (drawn as ``png``) in CSS pixels where the page shows it: its size in points
    x dpi / 72 gives PNG pixels, times the displayed width over the PNG's width."""
    width, _ = png_size(png)
    smallest = min((t.get_fontsize() for t in _texts(fig)), default=float("inf"))
    return smallest * dpi / 72 * displayed_width(width) / width


def _raise_small_fonts(fig: Figure, points: float) -> None:
    """Every text of ``fig`` at least ``points`` (tick labels through tick_params, so new ticks follow)."""
    for axes in fig.axes:
        for axis, name in ((axes.xaxis, "x"), (axes.yaxis, "y")):
            for which, ticks in (("major", axis.get_majorticklabels()), ("minor", axis.get_minorticklabels())):
                if ticks and min(t.get_fontsize() for t in ticks) < points:
                    axes.tick_params(axis=name, which=which, labelsize=max(points, *(t.get_fontsize() for t in ticks)))
    for text in _texts(fig):
        if text.get_fontsize() < points:
            text.set_fontsize(points)


def _wrap_wide_titles(fig: Figure) -> None:
    """Panel titles wider than their panel (once fonts were raised) broken into lines, so that they do not run
    into their neighbours' (the layout engine then makes room for the extra lines)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for axes in fig.axes:
        room = axes.get_window_extent(renderer).width
        for title in (axes.title,):  # the centre title: the one set_title sets
            text, wide = title.get_text(), title.get_window_extent(renderer).width
            if text.strip() and wide > 1.1 * room:  # a little overhang meets no neighbour
                longest = max(len(line) for line in text.splitlines())
                title.set_text(
                    "\n".join(textwrap.fill(line, max(12, int(longest * room / wide))) for line in text.splitlines())
                )


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (and released), its smallest label at least MIN_LABEL_PX where the page shows it.

    A figure wider than the page's column is shown scaled down (DISPLAY_WIDTH_PX), its labels with it: small fonts
    are raised until every label is MIN_LABEL_PX there (drawn again; the layout engine makes room).
    """
    for _ in range(4):  # raising fonts may widen the figure a little: measured again
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
        png = buffer.getvalue()
        shown = label_px(fig, png)
        if shown >= MIN_LABEL_PX:
            break
        width, _ = png_size(png)
        # 5% to spare, for the width the larger fonts add
        _raise_small_fonts(fig, 1.05 * MIN_LABEL_PX * 72 / DPI * width / displayed_width(width))
        _wrap_wide_titles(fig)
    _release(fig)
    return png


def save_figure(fig: Figure, path: Path) -> Path:
    """Write the figure to ``path`` (its format from the suffix) and release it; returns the path."""
    fig.savefig(path, dpi=DPI)
    _release(fig)
    return Path(path)
