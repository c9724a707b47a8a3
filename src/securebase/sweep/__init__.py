"""Sweeps: a grid or latin hypercube over scenario parameters x seeds, each point a population run,
the results one parquet dataset written as runs finish, resumable after any interruption."""

from securebase.sweep.dataset import read_dataset
from securebase.sweep.load import Sweep, SweepError, load_sweep
from securebase.sweep.run import SweepRun, SweepStopped, run_sweep

__all__ = ["Sweep", "SweepError", "SweepRun", "SweepStopped", "load_sweep", "read_dataset", "run_sweep"]
