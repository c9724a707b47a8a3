"""Timeline charts as data for the SVG templates (no plotting library in the request path)."""

from __future__ import annotations

from dataclasses import dataclass

from securebase.rehearse.debrief import END_WORDS, end

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 560, 220, 44, 12, 12, 34

#: colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by dashes as well
STYLES = (
    ("#1b5e9e", ""),
    ("#8a4b00", "6 4"),
    ("#2e7d32", "2 3"),
    ("#6a1b9a", "10 3 2 3"),
    ("#5d5d5d", "1 2"),
)


@dataclass
class Line:
    label: str
    points: str
    colour: str
    dash: str
    #: the value at the end of the term, as every figure of the debrief defines it (``debrief.end``)
    end: float


@dataclass
class Chart:
    title: str
    description: str
    lines: list[Line]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT
    top: int = TOP


def chart(title: str, series: dict[str, list[float]], moments: int) -> Chart:
    """A chart of values in [0, 1] by moment (1..moments), one line per series."""
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def x(m: int) -> float:
        return LEFT + span_x * (m / max(1, moments - 1))

    def y(v: float) -> float:
        return TOP + span_y * (1.0 - min(max(v, 0.0), 1.0))

    lines = []
    for (label, values), (colour, dash) in zip(series.items(), STYLES, strict=False):
        points = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in enumerate(values))
        lines.append(Line(label, points, colour, dash, end(values) if values else 0.0))
    summary = "; ".join(
        f"{label}: {values[0]:.2f} at the first moment, {end(values):.2f} at the end"
        for label, values in series.items()
        if values
    )
    every = max(1, moments // 7)
    return Chart(
        title=title,
        description=f"{title} at each moment of the term (the end: {END_WORDS}). {summary}.",
        lines=lines,
        x_ticks=[(x(m), str(m + 1)) for m in range(0, moments, every)],
        y_ticks=[(y(v), tick_label(v)) for v in (0.0, 0.25, 0.5, 0.75, 1.0)],
    )


def tick_label(value: float) -> str:
    """A gridline's label, as exact as the gridline: 0, 0.25, 0.5, 0.75, 1 (never rounded to another value)."""
    return f"{value:g}"
