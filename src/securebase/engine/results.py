"""The tables a run produces, and writing them to disk (parquet, with a metadata file)."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from securebase.model.parameters import ModelParameters
from securebase.scenario.schema import Scenario

#: the columns every measurement row has (each instrument adds its own)
MEASUREMENT_KEYS = ["measure", "child", "day", "age_years"]


@dataclass
class Results:
    """Tidy tables of one run. Every column is named in the glossary's words.

    - ``summary``: one row per day, population means and counts;
    - ``relationships``: one row per day and figure, over the children who know it;
    - ``children``: one row per child at the end;
    - ``child_figures``: one row per child and figure at the end;
    - ``trajectories``: one row per child and recorded day (only when asked for);
    - ``measurements``: one row per child measured by a scheduled instrument (an empty table when none was);
    - ``school_outcomes``: one row per child, its school outcomes (only for a scenario with classes).
    """

    scenario: Scenario
    seed: int
    params: ModelParameters
    summary: pd.DataFrame
    relationships: pd.DataFrame
    children: pd.DataFrame
    child_figures: pd.DataFrame
    trajectories: pd.DataFrame | None = None
    #: the scheduled measurements (Simulation.schedule): one row per child measured; empty (with its key columns)
    #: when none were scheduled, so that code reading it needs no special case
    measurements: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MEASUREMENT_KEYS))
    #: a scenario with classes: one row per child, its school outcomes from day 0 (model/classroom.py COLUMNS)
    school_outcomes: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = {
            "summary": self.summary,
            "relationships": self.relationships,
            "children": self.children,
            "child_figures": self.child_figures,
        }
        if self.trajectories is not None:
            tables["trajectories"] = self.trajectories
        if len(self.measurements):
            tables["measurements"] = self.measurements
        if self.school_outcomes is not None:
            tables["school_outcomes"] = self.school_outcomes
        return tables

    def metadata(self) -> dict:
        from securebase._version import code_record

        return {
            **code_record(),
            "scenario": self.scenario.name,
            "seed": self.seed,
            "n_children": self.scenario.population.n_children,
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "model_parameters": self.params.to_dict(),
            "scenario_definition": self.scenario.model_dump(mode="json"),
        }

    def save(self, folder: Path, **extra: object) -> dict[str, Path]:
        """Write every table as parquet plus ``run.json`` (with ``extra`` in it), each atomically; the paths written."""
        from securebase.outputs import atomic_target, write_atomically

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = {}
        for name, table in self.tables().items():
            path = folder / f"{name}.parquet"
            with atomic_target(path) as temporary:
                table.to_parquet(temporary, index=False)
            written[name] = path
        meta = folder / "run.json"
        write_atomically(meta, json.dumps({**self.metadata(), **extra}, indent=2))
        written["metadata"] = meta
        return written
