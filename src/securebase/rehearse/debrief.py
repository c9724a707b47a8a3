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
    """The child as the trainee met them and at the end of the term: ``key`` at the first moment's opening, before
    any response (its ``{key}_before`` field: exploration, anxiety), and the mean of ``key`` over the last ``part``
    moments played.

    The start precedes the treatment: the first moments' own values already hold the trainee's first responses,
    so a change measured from them cannot see a cost paid at once (docs/rehearse.md, "Directions"). The end is
    averaged over several moments because one moment's situation moves it by more than a term of care does.
    """
    if not trace:
        return (0.0, 0.0)
    before = f"{key}_before"
    if before not in trace[0]:
        raise KeyError(f"arc: the trace has no {before!r} field for key {key!r} (the opening's value)")
    k = max(1, min(part, len(trace)))
    return (float(trace[0][before]), fmean(m[key] for m in trace[-k:]))
