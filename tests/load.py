"""Concurrent users writing to a server in another process, and an audit of what the database kept.

Used by benchmarks/practise_load.py (50 users for a minute) and tests/test_practise_load.py (a few users for a few
seconds, and a kill -9 during the writes). A *workload* is what one user writes: today the rehearsal's attempts
(each write a response to a moment, with a note that names the user and the write); the journal's entries plug in
as another class with the same two methods.

A write counts as **acknowledged** when the server answered it as saved (for a response: 303 to the next page).
The audit then reads every write the database holds: *lost* are acknowledged writes it does not hold, *duplicated*
are writes it holds more than once; writes it holds that were never acknowledged are the ones in flight when the
server died (allowed: the user did not see them saved).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from sqlalchemy import create_engine, text

TOKEN = re.compile(r'name="csrf" value="([0-9a-f]+)"')
NOTE_PREFIX = "load "


class Workload(Protocol):
    """What one kind of write is: how a user makes one, and how to read back every one the database holds."""

    async def write(self, client: httpx.AsyncClient, user: int, number: int) -> Hashable | None:
        """Make write ``number`` of ``user``; its identity when the server acknowledged it, else None."""

    def stored(self, database_url: str) -> list[Hashable]:
        """Every write of this workload the database holds (a write held twice is listed twice)."""


class AttemptResponses:
    """The rehearsal: each user plays attempts; each write is a response to the next moment, with a unique note."""

    SCENARIOS = ("drop-off", "setback")
    MOVES = ("comfort", "notice_name", "encourage", "help_little", "stay_close", "limit_warmly")

    def __init__(self) -> None:
        self.position: dict[int, tuple[str, int, int]] = {}  # user -> (attempt path, next moment, moments)

    async def _token(self, client: httpx.AsyncClient, path: str) -> tuple[str, str]:
        """The page at ``path`` once ready (past the "preparing" page) and its form token."""
        for _ in range(1200):
            page = await client.get(path)
            if "<title>Preparing" not in page.text:
                found = TOKEN.search(page.text)
                if page.status_code != 200 or found is None:
                    raise AssertionError(f"{path} answered {page.status_code} without a form: {page.text[:300]}")
                return page.text, found.group(1)
            await asyncio.sleep(0.1)
        raise AssertionError(f"{path} was still preparing after two minutes")

    async def write(self, client: httpx.AsyncClient, user: int, number: int) -> Hashable | None:
        attempt, moment, moments = self.position.get(user, ("", 0, 0))
        if not attempt or moment >= moments:
            _, token = await self._token(client, "/")
            started = await client.post("/attempts", data={"csrf": token, "scenario": self.SCENARIOS[user % 2]})
            if started.status_code != 303:
                raise AssertionError(f"no attempt started: {started.status_code} {started.text[:300]}")
            attempt, moment = started.headers["location"], 0
        page, token = await self._token(client, attempt)
        moments = int(re.search(r"Moment \d+ of (\d+)", page).group(1))
        note = f"{NOTE_PREFIX}u{user} n{number}"
        move = self.MOVES[(user + number) % len(self.MOVES)]
        answer = await client.post(f"{attempt}/moments/{moment}", data={"csrf": token, "response": move, "note": note})
        if answer.status_code != 303:
            raise AssertionError(f"a response was refused: {answer.status_code} {answer.text[:300]}")
        self.position[user] = (attempt, moment + 1, moments)
        return (attempt.rsplit("/", 1)[-1], moment, move, note)

    def stored(self, database_url: str) -> list[Hashable]:
        engine = create_engine(database_url)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT attempt_id, moment, response, note FROM choices WHERE note LIKE :p"),
                {"p": f"{NOTE_PREFIX}%"},
            ).all()
        engine.dispose()
        return [tuple(row) for row in rows]


@dataclass
class Load:
    """What the users did: every acknowledged write, the seconds each took, and the users stopped by an error."""

    acknowledged: list[Hashable] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0


async def _user(url: str, workload: Workload, user: int, deadline: float, stop: asyncio.Event, load: Load) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        number = 0
        while time.monotonic() < deadline and not stop.is_set():
            started = time.monotonic()
            try:
                done = await workload.write(client, user, number)
            except httpx.TransportError as error:  # the server went away
                load.errors.append(f"user {user}: the server went away ({type(error).__name__})")
                return
            except AssertionError as error:  # the server refused a write or answered with no form
                load.errors.append(f"user {user}: refused: {error}"[:300])
                return
            if done is not None:
                load.acknowledged.append(done)
                load.seconds.append(time.monotonic() - started)
            number += 1


async def _run(url: str, workload: Workload, users: int, seconds: float, stop: asyncio.Event) -> Load:
    load = Load()
    started = time.monotonic()
    await asyncio.gather(*(_user(url, workload, u, started + seconds, stop, load) for u in range(users)))
    load.wall = time.monotonic() - started
    return load


def run(url: str, workload: Workload, users: int, seconds: float, stop: asyncio.Event | None = None) -> Load:
    """``users`` users writing at once for ``seconds`` (each as fast as the server answers), from this thread."""
    return asyncio.run(_run(url, workload, users, seconds, stop or asyncio.Event()))


@dataclass(frozen=True)
class Audit:
    lost: list[Hashable]
    duplicated: list[Hashable]
    unacknowledged: list[Hashable]


def audit(acknowledged: list[Hashable], stored: list[Hashable]) -> Audit:
    held, seen = Counter(stored), set(acknowledged)
    return Audit(
        lost=[w for w in acknowledged if w not in held],
        duplicated=[w for w, n in held.items() if n > 1],
        unacknowledged=[w for w in held if w not in seen],
    )
