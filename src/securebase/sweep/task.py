"""One task of a sweep: a population run at one point with one seed, as a tidy table.

This module is all a worker needs to import (a local process or a Dask worker).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from securebase.engine.simulation import simulate
from securebase.model.parameters import ModelParameters
from securebase.scenario.schema import Scenario
from securebase.sweep.points import Task
from securebase.sweep.spec import Value


@dataclass(frozen=True)
class Job:
    """What a worker gets: the task, its point's scenario (overrides applied), the point's values, the constants."""

    task: Task
    scenario: Scenario
    values: dict[str, Value]
    params: ModelParameters
    kernel: str = "cpu"


def run_task(job: Job) -> pd.DataFrame:
    """The run's daily summary (one row per day) with ``point``, ``seed`` and one column per swept path in front.

    Depends only on the job: the same job gives the same table on any worker.
    """
    summary = simulate(job.scenario, seed=job.task.seed, params=job.params, kernel=job.kernel).summary
    front = pd.DataFrame({"point": job.task.point, "seed": job.task.seed, **job.values}, index=summary.index)
    return pd.concat([front, summary], axis=1)
