"""The practice journal's words and figures: what an entry can say, rupture-to-repair times, the week's reflective
summary, the figure map, and which rehearsal drill fits the moments that are hard for this adult.

Every figure is about the adult's own side of the relationship (their responses, their repairs) or a count of
what they saw; none is a score of the child. The qualities of a response are the rehearsal's repertoire's
(``responses.toml``), so a journal entry and a rehearsed moment mean the same.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from securebase.model.state import QUALITIES
from securebase.rehearse.practice import DRILLS
from securebase.rehearse.repertoire import Response, index_of, keys, response
from securebase.web import db

KINDS = ("moment", "rupture", "repair", "exploration", "figure")
NEEDS = {"comfort": "Comfort", "explore": "Support to explore"}
OUTCOMES = {"settled": "It helped", "partly": "Partly", "not-yet": "Not yet"}
EVENTS = {"hard-thing": "Tried something hard", "peer": "Approached a peer", "setback": "Recovered from a setback"}
FIGURES = {"me": "Me", "adult": "Another adult", "peer": "A friend", "nobody": "No one yet"}
PLACES = {"arrival": "Arrival", "classroom": "Classroom", "playground": "Playground", "lunch": "Lunch",
          "home": "Home", "elsewhere": "Elsewhere"}  # fmt: skip
#: which drill rehearses the kind of moment: a need for comfort that did not settle (reading what a child shows),
#: a need to explore that did not (helping just enough), a rupture left long or unrepaired (repair). Only the kind
#: of moment picks the drill: nothing of a real child enters the simulation.
DRILL_FOR = {"comfort": "miscues", "explore": "hard-task", "rupture": "repair"}
#: a response fits a need to explore when its support of exploration is at least this, without taking over (the
#: repertoire's numbers: notice and name, stay close, encourage, help a little); a modelling choice
EXPLORE_SUPPORT_FIT = 0.6
#: a repair later than this counts as a rupture left long (a modelling choice: within the same day's session)
LONG_REPAIR = timedelta(hours=4)


def fits(need: str, chosen: Response) -> bool:
    """Whether a response fits the need the adult saw: comfort, a response that attends to distress (the
    repertoire's ``attends_to_need``); exploring, one that supports it (EXPLORE_SUPPORT_FIT) without taking over."""
    if need == "comfort":
        return chosen.attends_to_need
    return chosen.exploration_support >= EXPLORE_SUPPORT_FIT and chosen.intrusiveness < 0.5


def entry_problem(kind: str, fields: dict[str, str]) -> str | None:
    """Why an entry's fields are not what its kind takes (naming the field, the value and the choices), or None."""
    wanted = {
        "moment": {"need": NEEDS, "response": dict.fromkeys(keys()), "outcome": OUTCOMES},
        "rupture": {},
        "repair": {},
        "exploration": {"event": EVENTS},
        "figure": {"figure": FIGURES, "place": PLACES},
    }.get(kind)
    if wanted is None:
        return f"kind {kind[:20]!r} is not one of {', '.join(KINDS)}"
    for name, choices in wanted.items():
        value = fields.get(name) or ""
        if value not in choices:
            return f"{name} {value[:40]!r} is not one of {', '.join(choices)}"
    return None


@dataclass(frozen=True)
class Repair:
    rupture_at: datetime
    #: None: not repaired (yet)
    repaired_at: datetime | None

    @property
    def time(self) -> timedelta | None:
        return None if self.repaired_at is None else self.repaired_at - self.rupture_at


def repairs(entries: list[db.JournalEntry]) -> list[Repair]:
    """Each rupture with the repair that mended it: the first repair after it in the same adult's journal of the
    same child. A repair with no rupture open before it mends nothing and is not counted; a second rupture before a
    repair opens a second one (one repair then mends both)."""
    by_pair: dict[tuple[int, int], list[db.JournalEntry]] = {}
    for entry in sorted(entries, key=lambda e: db.aware(e.occurred_at)):
        if entry.kind in ("rupture", "repair"):
            by_pair.setdefault((entry.author_id, entry.child_id), []).append(entry)
    found: list[Repair] = []
    for sequence in by_pair.values():
        open_ruptures: list[datetime] = []
        for entry in sequence:
            at = db.aware(entry.occurred_at)
            if entry.kind == "rupture":
                open_ruptures.append(at)
            else:
                found += [Repair(opened, at) for opened in open_ruptures]
                open_ruptures = []
        found += [Repair(opened, None) for opened in open_ruptures]
    return sorted(found, key=lambda r: r.rupture_at)


def duration_words(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    if minutes < 1:  # "0 minutes" read as if no repair time had been taken at all
        return "under a minute"
    if minutes < 60:
        return f"{minutes} minute{'s' * (minutes != 1)}"
    hours = minutes / 60
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass
class Summary:
    """One adult's week (or any span) of entries, strengths first."""

    start: date
    end: date
    entries: int = 0
    moments: int = 0
    needs: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    #: moments whose response fitted the need the adult saw (:func:`fits`)
    fitted: int = 0
    #: the five qualities of the responses chosen, as means (the repertoire's numbers)
    qualities: dict[str, float] = field(default_factory=dict)
    responses: Counter = field(default_factory=Counter)
    ruptures: int = 0
    repaired: int = 0
    median_repair: timedelta | None = None
    events: Counter = field(default_factory=Counter)
    figures: Counter = field(default_factory=Counter)
    places: Counter = field(default_factory=Counter)
    #: the figure map: how often the child turned to whom, where ((figure, place) -> count)
    figure_map: Counter = field(default_factory=Counter)
    strengths: list[str] = field(default_factory=list)
    reflect: list[str] = field(default_factory=list)
    drill: str | None = None


def summary(entries: list[db.JournalEntry], start: date, end: date) -> Summary:
    """The entries that occurred from ``start`` up to (not including) ``end``: counts, the qualities of the
    responses, repair times, exploration and the figure map, and the words of a reflective summary."""
    inside = [e for e in entries if start <= db.aware(e.occurred_at).date() < end]
    found = Summary(start=start, end=end, entries=len(inside))
    chosen, fitted = [], 0
    for entry in inside:
        version = entry.current
        if entry.kind == "moment":
            found.moments += 1
            found.needs[version.need] += 1
            found.outcomes[version.outcome] += 1
            found.responses[version.response] += 1
            chosen.append(response(index_of(version.response)))
            fitted += fits(version.need, chosen[-1])
        elif entry.kind == "exploration":
            found.events[version.event] += 1
        elif entry.kind == "figure":
            found.figures[version.figure] += 1
            found.places[version.place] += 1
            found.figure_map[version.figure, version.place] += 1
    found.fitted = fitted
    if chosen:
        found.qualities = {q: sum(getattr(r, q) for r in chosen) / len(chosen) for q in QUALITIES}
    spans = [r for r in repairs(entries) if start <= r.rupture_at.date() < end]
    found.ruptures = len(spans)
    times = [r.time for r in spans if r.time is not None]
    found.repaired = len(times)
    found.median_repair = median(times) if times else None
    found.strengths, found.reflect = _words(found)
    found.drill = hardest(inside, spans)
    return found


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _words(found: Summary) -> tuple[list[str], list[str]]:
    """What went well first, then what to reflect on: about the adult's responses, never a verdict on the child."""
    strengths, reflect = [], []
    if found.fitted:
        strengths.append(f"{found.fitted} of your {_count(found.moments, 'response')} fitted what the child needed.")
    if found.outcomes["settled"]:
        strengths.append(f"{_count(found.outcomes['settled'], 'moment')} went as you hoped.")
    if found.repaired:
        when = duration_words(found.median_repair) if found.median_repair is not None else ""
        strengths.append(
            f"You repaired {found.repaired} of {_count(found.ruptures, 'rupture')}; the median time to repair was {when}."
        )
    if found.events:
        seen = ", ".join(f"{EVENTS[k].lower()} ({n})" for k, n in found.events.items())
        strengths.append(f"You saw {_count(sum(found.events.values()), 'step')} of exploration: {seen}.")
    if found.figures["me"]:
        strengths.append(f"The child turned to you {_count(found.figures['me'], 'time')}.")
    if found.qualities:
        best = max(found.qualities, key=found.qualities.get)
        strengths.append(f"Your responses were strongest in {best}.")
    left = found.ruptures - found.repaired
    if left:
        reflect.append(f"{_count(left, 'rupture')} not repaired yet: what might reconnect you?")
    if found.outcomes["not-yet"]:
        reflect.append(f"{_count(found.outcomes['not-yet'], 'moment')} did not settle yet: what was the child showing, "
                       "and what did they need?")  # fmt: skip
    if found.moments > found.fitted:
        reflect.append(f"{_count(found.moments - found.fitted, 'response')} did not fit the need you saw; was that a "
                       "choice?")  # fmt: skip
    return strengths, reflect


def hardest(entries: list[db.JournalEntry], spans: list[Repair]) -> str | None:
    """The drill for the kind of moment most often hard for this adult in ``entries`` (a moment that did not settle,
    by the need; a rupture unrepaired or repaired after LONG_REPAIR), or None when none was hard."""
    hard: Counter = Counter()
    for entry in entries:
        if entry.kind == "moment" and entry.current.outcome == "not-yet":
            hard[entry.current.need] += 1
    hard["rupture"] += sum(r.time is None or r.time > LONG_REPAIR for r in spans)
    kind, count = max(hard.items(), key=lambda item: (item[1], item[0]), default=(None, 0))
    return DRILL_FOR[kind] if count and kind in DRILL_FOR else None


def weekly(entries: list[db.JournalEntry], weeks: int, last: date) -> list[Summary]:
    """The ``weeks`` weeks up to the one holding ``last``, oldest first (for the meeting page's plots)."""
    monday = week_of(last)
    return [summary(entries, monday - timedelta(weeks=w), monday - timedelta(weeks=w - 1))
            for w in range(weeks - 1, -1, -1)]  # fmt: skip


def drill_title(key: str | None) -> str | None:
    return DRILLS[key].title if key in DRILLS else None
