"""The debrief's figures from a trace: the trainee's profile, repair latency, miscues read, the arc of the term."""

from __future__ import annotations

from statistics import fmean, pstdev
from typing import Any

from securebase.model.state import QUALITIES

Trace = list[dict[str, Any]]


def profile(trace: Trace) -> dict[str, float]:
    """The five qualities, support of exploration and intrusiveness of the responses chosen, as means over the moments.

    Consistency is the mean of the responses' consistency, less how much their warmth varied: an adult
    who alternates warm and cold responses is not consistent, whatever each response is (a modelling choice).
    """
    if not trace:
        return {}
    means = {q: fmean(m[f"quality_{q}"] for m in trace) for q in (*QUALITIES, "exploration_support", "intrusiveness")}
    means["consistency"] = max(0.0, means["consistency"] - pstdev([m["quality_warmth"] for m in trace]))
    return means


def repair_summary(trace: Trace) -> dict[str, Any]:
    latencies = [m["repair_latency_days"] for m in trace if m["repair_latency_days"] is not None]
    return {
        "ruptures": sum(m["rupture_opened"] for m in trace),
        "tantrums": sum(m["tantrum"] for m in trace),
        "repaired": sum(m["repaired"] for m in trace),
        "left_unrepaired": sum(m["left_unrepaired"] for m in trace),
        "mean_latency_days": fmean(latencies) if latencies else None,
    }


def miscue_summary(trace: Trace) -> dict[str, int]:
    return {"miscues": sum(m["miscue"] for m in trace), "read": sum(m["miscue_read"] for m in trace)}


def arc(trace: Trace, key: str = "exploration", part: int = 3) -> tuple[float, float]:
    """Mean of ``key`` over the first and the last ``part`` moments of the term."""
    if not trace:
        return (0.0, 0.0)
    k = max(1, min(part, len(trace) // 2 or 1))
    return (fmean(m[key] for m in trace[:k]), fmean(m[key] for m in trace[-k:]))
