"""The debrief's figures from a trace: the key moments, "next time, try", the trainee's profile, ruptures and
repair, miscues read, the arc of the term, all with one definition of the end of the term (``end``)."""

from __future__ import annotations

from collections import Counter
from statistics import fmean, pstdev
from typing import Any

from securebase.model.state import QUALITIES
from securebase.rehearse.cues import Cues
from securebase.rehearse.repertoire import index_of, response

Trace = list[dict[str, Any]]

#: the end of the term, for every figure of the debrief: the mean over the last three moments played (one
#: moment's situation moves a value by more than a term of care does, so a single moment is not the end)
END_MOMENTS = 3
END_WORDS = "the mean of the last three moments played"
#: a difference in trust plus felt security a few moments on below this is no real difference (a choice as good)
KEY_GAIN = 0.02


def end(values: list[float]) -> float:
    """The end of the term (``END_WORDS``): the mean of the last ``END_MOMENTS`` values (fewer if fewer)."""
    if not values:
        raise ValueError("end: no moments played")
    return fmean(values[-END_MOMENTS:])


def key_moments(alternatives: list[dict[str, Any]], count: int = 3, least: float = KEY_GAIN) -> list[dict[str, Any]]:
    """The moments where the expert practice's choice, for what the trainee saw, would have helped most a few
    moments on (``replay.expert_alternatives``), largest first: at most ``count``, each gaining at least ``least``."""
    helped = [a for a in alternatives if a["gain"] >= least]
    return sorted(helped, key=lambda a: (-a["gain"], a["moment"]))[:count]


def next_time(alternatives: list[dict[str, Any]], count: int = 2, least: float = KEY_GAIN) -> list[dict[str, Any]]:
    """Advice from the trainee's own choices: the responses the expert practice would have chosen where the
    trainee chose otherwise and it mattered, by how much they would have helped in all. Each: ``try`` (a
    response key), ``instead_of`` (the trainee's responses there, most used first), ``moments`` (0-based),
    ``gain`` and ``why``."""
    by_response: dict[str, dict[str, Any]] = {}
    for a in alternatives:
        if a["gain"] < least:
            continue
        advice = by_response.setdefault(a["expert"], {"try": a["expert"], "instead_of": {}, "moments": [], "gain": 0.0})
        advice["instead_of"][a["chosen"]] = advice["instead_of"].get(a["chosen"], 0) + 1
        advice["moments"].append(a["moment"])
        advice["gain"] += a["gain"]
    ranked = sorted(by_response.values(), key=lambda d: -d["gain"])[:count]
    for advice in ranked:
        advice["instead_of"] = sorted(advice["instead_of"], key=lambda k: -advice["instead_of"][k])
        advice["why"] = response(index_of(advice["try"])).why.rstrip(".")  # the repertoire's reason, one source
    return ranked


def over_the_term(trace: Trace, expert_played: Trace, least: float = KEY_GAIN) -> dict[str, Any] | None:
    """Advice from the pattern of the term, where no single choice shows it: the expert practice's own term on the
    same child and random numbers (``replay.play_policy`` with ``policies.expert``), over as many moments as were
    played, against the trainee's, both at the end of the term (``end``) in trust plus felt security.

    A child who hides its need (an avoidant child's deactivation, docs/model.md) learns from what it is given
    slowly: one moment replayed with another response changes little within ``replay.HORIZON`` moments, while a
    term of it changes much (the expert's term on the new-avoidant child doubles trust; a term of turning away
    leaves it where it started). None where the expert's term ends less than ``least`` higher, or where the
    trainee already chose the expert's most used response most; otherwise ``try`` (the expert's most used response
    key), ``instead_of`` (the trainee's responses where they differed from it, most used first), ``times`` (how
    often the expert chose it), ``moments`` (how many were compared), ``gain``, ``played`` and ``expert_then``
    (trust and felt security at the end) and ``why``."""
    count = min(len(trace), len(expert_played))
    if count == 0:
        return None
    mine, theirs = trace[:count], expert_played[:count]

    def ends(t: Trace) -> dict[str, float]:
        return {key: end([m[key] for m in t]) for key in ("trust", "felt_security")}

    played, expert_then = ends(mine), ends(theirs)
    gain = sum(expert_then.values()) - sum(played.values())
    expert_uses = Counter(m["response"] for m in theirs)
    own_uses = Counter(m["response"] for m in mine)
    favourite = max(expert_uses, key=lambda k: (expert_uses[k], k))
    if gain < least or max(own_uses, key=lambda k: (own_uses[k], k)) == favourite:
        return None
    instead = Counter(m["response"] for m in mine if m["response"] != favourite)
    return {
        "try": favourite,
        "instead_of": sorted(instead, key=lambda k: (-instead[k], k)),
        "times": expert_uses[favourite],
        "moments": count,
        "gain": gain,
        "played": played,
        "expert_then": expert_then,
        "why": response(index_of(favourite)).why.rstrip("."),
    }


def compared(mine: float, theirs: float) -> str:
    """Plain words for a value next to the expert practice's: about the same, a little or well below or above."""
    difference = mine - theirs
    if abs(difference) < 0.03:
        return "about the same as"
    size = "a little" if abs(difference) < 0.1 else "well"
    return f"{size} {'below' if difference < 0 else 'above'}"


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
    """Ruptures with the trainee counted over the same events, so that they reconcile: ``felt`` (every rupture
    open when a moment began, whatever opened it: a sharp response, a tantrum, the scripted start, a sharp moment
    in the days between; and one the last response played opened, ``still_open``) = ``repaired`` (the response
    then mended it) + ``left_unrepaired`` (it closed it unmended) + ``still_open``. Ruptures opened and settled
    within the days between moments are the model's and not counted. ``sharp`` (the trainee's responses felt as
    a rupture) and ``tantrums`` say where they came from; they are not a separate count to add."""
    met = [m for m in trace if Cues.from_vector(m["cue_levels"]).left_difficult]
    latencies = [m["repair_latency_days"] for m in met if m["repair_latency_days"] is not None]
    still_open = int(bool(trace) and trace[-1]["rupture_opened"])
    return {
        "felt": len(met) + still_open,
        "repaired": len(latencies),
        "left_unrepaired": len(met) - len(latencies),
        "still_open": still_open,
        "sharp": sum(m["rupture_opened"] for m in trace),
        "tantrums": sum(m["tantrum"] for m in trace),
        "mean_latency_days": fmean(latencies) if latencies else None,
    }


def miscue_summary(trace: Trace) -> dict[str, int]:
    return {"miscues": sum(m["miscue"] for m in trace), "read": sum(m["miscue_read"] for m in trace)}


def arc(trace: Trace, key: str = "exploration", part: int = END_MOMENTS) -> tuple[float, float]:
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
