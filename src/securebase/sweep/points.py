"""A sweep's design expanded into points, and points x seeds into tasks with stable ids.

Pure functions of the sweep spec: the same file always gives the same points, in
the same order, with the same ids.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from securebase.sweep.spec import SweepSpec, Value


@dataclass(frozen=True)
class Point:
    """One combination of parameter values, numbered in design order."""

    index: int
    values: dict[str, Value]  # by parameter path, in the order of the sweep file


@dataclass(frozen=True)
class Task:
    """One population run: a point with one seed."""

    id: str
    point: int
    seed: int


def count_points(spec: SweepSpec) -> int:
    """How many points ``expand`` gives, without making them."""
    if spec.design == "grid":
        return math.prod(len(p.values or []) for p in spec.parameters)
    return spec.samples or 0


def expand(spec: SweepSpec) -> list[Point]:
    """The design's points: the cartesian product of the values (the last parameter varies fastest),
    or ``samples`` latin-hypercube points drawn with ``design_seed``."""
    paths = [p.path for p in spec.parameters]
    if spec.design == "grid":
        combinations = itertools.product(*(p.values or [] for p in spec.parameters))
        return [Point(i, dict(zip(paths, combo, strict=True))) for i, combo in enumerate(combinations)]
    unit = _latin_hypercube(len(paths), spec.samples or 0, spec.design_seed)
    points = []
    for i, row in enumerate(unit):
        values: dict[str, Value] = {}
        for parameter, u in zip(spec.parameters, row, strict=True):
            low, high = parameter.low or 0.0, parameter.high or 0.0
            if parameter.integer:
                # low..high inclusive, each whole number an equal share of the unit interval
                values[parameter.path] = min(int(low) + math.floor(u * (high - low + 1)), int(high))
            else:
                values[parameter.path] = float(low + u * (high - low))
        points.append(Point(i, values))
    return points


def _latin_hypercube(dimensions: int, samples: int, seed: int) -> np.ndarray:
    generator = np.random.default_rng(seed)
    try:
        sampler = qmc.LatinHypercube(d=dimensions, rng=generator)
    except TypeError:  # scipy < 1.15 calls it seed; a Generator gives the same draws under either name
        sampler = qmc.LatinHypercube(d=dimensions, seed=generator)
    return sampler.random(samples)


def tasks(spec: SweepSpec, points: list[Point]) -> list[Task]:
    """Every point with every seed, point by point; ids like ``p0003-s1`` sort in that order within a seed."""
    width = max(4, len(str(len(points) - 1)))
    seeds = spec.seed_list  # once, not once per point
    return [Task(f"p{p.index:0{width}d}-s{seed}", p.index, seed) for p in points for seed in seeds]
