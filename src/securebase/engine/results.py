"""The tables a run produces, and writing them to disk (parquet, with a metadata file)."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from securebase.model.parameters import ModelParameters
from securebase.scenario.schema import Scenario


@dataclass
class Results:
    """Tidy tables of one run. Every column is named in the glossary's words.

    - ``summary``: one row per day, population means and counts;
    - ``relationships``: one row per day and figure, over the children who know it;
    - ``children``: one row per child at the end;
    - ``child_figures``: one row per child and figure at the end;
    - ``trajectories``: one row per child and recorded day (only when asked for).
    """

    scenario: Scenario
    seed: int
    params: ModelParameters
    summary: pd.DataFrame
    relationships: pd.DataFrame
    children: pd.DataFrame
    child_figures: pd.DataFrame
    trajectories: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = {
            "summary": self.summary,
            "relationships": self.relationships,
            "children": self.children,
            "child_figures": self.child_figures,
        }
        if self.trajectories is not None:
            tables["trajectories"] = self.trajectories
        return tables

    def metadata(self) -> dict:
        from securebase._version import code_version

        code = code_version()
        return {
            "securebase_version": code["version"],
            "securebase_commit": code["commit"],
            "scenario": self.scenario.name,
            "seed": self.seed,
            "n_children": self.scenario.population.n_children,
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "model_parameters": self.params.to_dict(),
            "scenario_definition": self.scenario.model_dump(mode="json"),
        }

    def save(self, folder: Path, extra: dict | None = None) -> dict[str, Path]:
        """Write every table as parquet plus ``run.json`` (with ``extra`` added to it); returns the paths written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = {}
        for name, table in self.tables().items():
            path = folder / f"{name}.parquet"
            table.to_parquet(path, index=False)
            written[name] = path
        meta = folder / "run.json"
        meta.write_text(json.dumps({**self.metadata(), **(extra or {})}, indent=2), encoding="utf-8")
        written["metadata"] = meta
        return written
