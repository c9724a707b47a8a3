"""Virtual trials: arms of changes of care, a measurement schedule, the analysis and the power curve (docs/trials.md)."""

from securebase.trials.load import Trial, TrialError, build_trial, load_trial
from securebase.trials.run import TrialResult, TrialStopped, run_trial
from securebase.trials.spec import TrialSpec

__all__ = ["Trial", "TrialError", "TrialResult", "TrialSpec", "TrialStopped", "build_trial", "load_trial", "run_trial"]
