"""What a sweep file may say, as typed objects (pydantic), in the manner of ``scenario/schema.py``.

A sweep names a scenario, the parameters to vary (each a dotted path into the
scenario's data) and how: a ``grid`` of listed values, or a ``latin-hypercube``
of ``samples`` points between ``low`` and ``high``. Every point is run with
every seed. Anything not named here is an error, so a typo never passes silently.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from securebase.scenario.schema import NAME_PATTERN, FieldError, Strict

#: dotted segments: field names, figure names or list indices
PATH_PATTERN = r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$"

Value = bool | int | float | str


class Parameter(Strict):
    """One swept parameter: a ``path`` into the scenario, and ``values`` (grid) or ``low``/``high`` (hypercube)."""

    path: Annotated[str, Field(pattern=PATH_PATTERN)]
    values: Annotated[list[Value], Field(min_length=1)] | None = None
    low: Annotated[float, Field(allow_inf_nan=False)] | None = None
    high: Annotated[float, Field(allow_inf_nan=False)] | None = None
    #: draw whole numbers between low and high (both included)
    integer: bool = False

    @field_validator("values")
    @classmethod
    def _one_kind(cls, values: list[Value] | None) -> list[Value] | None:
        """All numbers, all strings or all booleans, so the parameter's column has one type; ints become floats
        when any value is a float."""
        if values is None:
            return None
        kinds = {
            "true or false" if isinstance(v, bool) else "a string" if isinstance(v, str) else "a number" for v in values
        }
        if len(kinds) > 1:
            raise FieldError("", values, "values of one kind: all numbers, all strings or all true/false")
        if any(isinstance(v, float) for v in values):
            values = [float(v) for v in values]
        for i, value in enumerate(values):
            if value in values[:i]:
                raise FieldError(f"[{i}]", value, "each value once")
        return values


class SweepSpec(Strict):
    """A whole sweep, as read from a TOML file."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    description: str = ""
    #: a built-in scenario name, or a scenario file's path relative to the sweep file
    scenario: Annotated[str, Field(min_length=1)]
    #: the seeds each point is run with, or how many (seeds 0, 1, ... n-1)
    seeds: int | list[int]  # (bounds checked below: constrained types in a union would blur its errors)
    design: Literal["grid", "latin-hypercube"] = "grid"
    #: points of a latin-hypercube design
    samples: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    #: seed of the latin-hypercube draw (the same seed gives the same points)
    design_seed: Annotated[int, Field(ge=0)] = 0
    #: where every run's step runs: cpu (compiled), cuda (a GPU) or readable (uncompiled, slow)
    kernel: Literal["cpu", "cuda", "readable"] = "cpu"
    parameters: Annotated[list[Parameter], Field(min_length=1, max_length=32)]

    @property
    def seed_list(self) -> list[int]:
        return list(range(self.seeds)) if isinstance(self.seeds, int) else list(self.seeds)

    @property
    def seed_count(self) -> int:
        """How many seeds each point runs with, without listing them."""
        return self.seeds if isinstance(self.seeds, int) else len(self.seeds)

    @field_validator("seeds")
    @classmethod
    def _unique_seeds(cls, seeds: int | list[int]) -> int | list[int]:
        if isinstance(seeds, int):
            if not 1 <= seeds <= 100_000:
                raise FieldError("", seeds, "a count of seeds from 1 to 100000, or a list of seeds")
            return seeds
        if not seeds:
            raise FieldError("", seeds, "at least one seed")
        for i, seed in enumerate(seeds):
            if seed < 0 or seed in seeds[:i]:
                raise FieldError(f"[{i}]", seed, "each seed once, 0 or greater")
        return seeds

    @model_validator(mode="after")
    def _check_design(self) -> SweepSpec:
        grid = self.design == "grid"
        if grid and self.samples is not None:
            raise FieldError("samples", self.samples, "no 'samples' in a grid design (only in 'latin-hypercube')")
        if not grid and self.samples is None:
            raise FieldError("samples", None, "the number of points of the latin-hypercube design", shown="no value")
        paths = [p.path for p in self.parameters]
        for i, parameter in enumerate(self.parameters):
            where = f"parameters[{i}]"
            if parameter.path in paths[:i]:
                raise FieldError(f"{where}.path", parameter.path, "each path once")
            if grid:
                for field in ("low", "high"):
                    if getattr(parameter, field) is not None:
                        raise FieldError(
                            f"{where}.{field}", getattr(parameter, field), "'values' in a grid design, not low/high"
                        )
                if parameter.integer:
                    raise FieldError(f"{where}.integer", True, "no 'integer' in a grid design (give the values)")
                if parameter.values is None:
                    raise FieldError(f"{where}.values", None, "a list of values in a grid design", shown="no value")
                continue
            if parameter.values is not None:
                raise FieldError(
                    f"{where}.values", parameter.values, "'low' and 'high' in a latin-hypercube design, not values"
                )
            for field in ("low", "high"):
                if getattr(parameter, field) is None:
                    raise FieldError(f"{where}.{field}", None, "a number in a latin-hypercube design", shown="no value")
            if parameter.high <= parameter.low:
                raise FieldError(f"{where}.high", parameter.high, f"a value greater than low ({parameter.low})")
            if parameter.integer and not (parameter.low.is_integer() and parameter.high.is_integer()):
                raise FieldError(f"{where}.low", parameter.low, "whole numbers for low and high when integer = true")
        return self
