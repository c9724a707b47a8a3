"""Virtual trials: arms of changes of care, a measurement schedule, the analysis and the power curve (docs/trials.md).

The names below are imported on first use: checking a trial file loads neither the kernels nor the executor.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "Trial": "securebase.trials.load",
    "TrialError": "securebase.trials.load",
    "build_trial": "securebase.trials.load",
    "load_trial": "securebase.trials.load",
    "TrialResult": "securebase.trials.run",
    "TrialStopped": "securebase.trials.run",
    "run_trial": "securebase.trials.run",
    "TrialSpec": "securebase.trials.spec",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'securebase.trials' has no attribute {name!r}")


__all__ = ["Trial", "TrialError", "TrialResult", "TrialSpec", "TrialStopped", "build_trial", "load_trial", "run_trial"]
