"""Concurrent users writing to a server in another process, and an audit of what the database kept.

Used by benchmarks/practise_load.py (50 users for a minute) and tests/test_practise_load.py (a few users for a few
seconds, and a kill -9 during the writes). A *workload* is what one user writes: today the rehearsal's attempts
(each write a response to a moment, with a note that names the user and the write), and the journal's entries of
signed-in practitioners (accounts made first; each signs in through the sign-in form, then each write is an entry
about a child of their team, with a note naming the user and the write).

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
from sqlalchemy import create_engine, select, text

TOKEN = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def form_token(html: str, action: str) -> str | None:
    """The token of the form on the page that posts to ``action`` (a page may hold others: signing out)."""
    found = re.search(rf'action="{re.escape(action)}"[^>]*>\s*(?:<[^>]*>\s*)*?<input type="hidden" name="csrf" '
                      r'value="([0-9a-f]+)"', html)  # fmt: skip
    return found.group(1) if found else None


NOTE_PREFIX = "load "


class Workload(Protocol):
    """What one kind of write is: how a user gets ready (untimed), how they make one, and how to read back every
    one the database holds."""

    async def begin(self, client: httpx.AsyncClient, user: int) -> None:
        """What ``user`` does once before writing (signing in): not timed, and before the clock starts."""

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

    async def begin(self, client: httpx.AsyncClient, user: int) -> None:
        """Nothing: the rehearsal without accounts needs no sign-in."""

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


class JournalEntries:
    """The team server's journal: ``users`` practitioners (made in the database by :meth:`make_accounts`, before
    the load, in teams of ``TEAM_SIZE`` that share one child each) each sign in through the sign-in form (its CSRF
    token first), then each write is a moment's entry about their team's child (the child's page for its token,
    then the three taps' POST) with a note naming the user and the write."""

    PASSWORD = "a long enough passphrase for the load"
    TEAM_SIZE = 10
    NEEDS = ("comfort", "explore")
    MOVES = AttemptResponses.MOVES
    OUTCOMES = ("settled", "partly", "not-yet")

    def __init__(self) -> None:
        self.children: dict[int, int] = {}  # user -> the id of their team's child

    @staticmethod
    def username(user: int) -> str:
        return f"load{user:03d}"

    def make_accounts(self, database_url: str, users: int) -> None:
        """The practitioners and their teams' children, straight into the (migrated) database: an administrator's
        work before the practitioners arrive. One password hash for all (argon2 is slow by design)."""
        from sqlalchemy.orm import Session

        from securebase.web import accounts, db
        from securebase.web.migrate import upgrade

        upgrade(database_url)
        engine = db.make_engine(database_url)
        hashed = accounts.hash_password(self.PASSWORD)
        with Session(engine) as session:
            for user in range(users):
                team = accounts.team_named(session, f"Load {user // self.TEAM_SIZE}")
                child = session.scalar(select(db.Child).where(db.Child.team_id == team.id))
                if child is None:
                    child = db.Child(team_id=team.id, code=f"L{user // self.TEAM_SIZE}", created_at=db.now())
                    session.add(child)
                adult = db.User(username=self.username(user), password_hash=hashed, role="practitioner",
                                created_at=db.now())  # fmt: skip
                session.add(adult)
                session.flush()
                session.add(db.Membership(user_id=adult.id, team_id=team.id))
                self.children[user] = child.id
            session.commit()
        engine.dispose()

    async def begin(self, client: httpx.AsyncClient, user: int) -> None:
        """Sign in as a browser does: the sign-in page (its token, and the forms' cookie), then the form."""
        page = await client.get("/login")
        found = TOKEN.search(page.text)
        if page.status_code != 200 or found is None:
            raise AssertionError(f"/login answered {page.status_code} without a form: {page.text[:300]}")
        answer = await client.post("/login", data={"csrf": found.group(1), "username": self.username(user),
                                                   "password": self.PASSWORD})  # fmt: skip
        if answer.status_code != 303 or answer.headers.get("location") != "/journal":
            raise AssertionError(f"user {user} was not signed in: {answer.status_code} {answer.text[:300]}")

    async def write(self, client: httpx.AsyncClient, user: int, number: int) -> Hashable | None:
        child = self.children[user]
        page = await client.get(f"/journal/children/{child}")
        action = f"/journal/children/{child}/entries"
        token = form_token(page.text, action)
        if page.status_code != 200 or token is None:
            raise AssertionError(f"the child's page answered {page.status_code} without a form: {page.text[:300]}")
        note = f"{NOTE_PREFIX}u{user} n{number}"
        fields = {"csrf": token, "kind": "moment", "need": self.NEEDS[number % 2], "note": note,
                  "response": self.MOVES[(user + number) % len(self.MOVES)],
                  "outcome": self.OUTCOMES[number % len(self.OUTCOMES)]}  # fmt: skip
        answer = await client.post(action, data=fields)
        if answer.status_code != 303 or not answer.headers.get("location", "").startswith(f"/journal/children/{child}"):
            raise AssertionError(f"an entry was refused: {answer.status_code} {answer.text[:300]}")
        return (self.username(user), child, fields["need"], fields["response"], fields["outcome"], note)

    def stored(self, database_url: str) -> list[Hashable]:
        engine = create_engine(database_url)
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT u.username, e.child_id, v.need, v.response, v.outcome, v.note FROM journal_entries e "
                    "JOIN entry_versions v ON v.entry_id = e.id JOIN users u ON u.id = e.author_id "
                    "WHERE v.note LIKE :p"
                ),
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
    #: the seconds from when every user was ready to when the last stopped
    wall: float = 0.0
    #: users ready to write (past ``begin``: signed in), and when the last of them was (time.monotonic)
    ready: int = 0
    started: float = 0.0


async def _user(url: str, workload: Workload, user: int, users: int, seconds: float, start: asyncio.Event,
                load: Load) -> None:  # fmt: skip
    # an idle connection is dropped by the client after 2 s, before the server's keep-alive timeout (uvicorn's 5 s)
    # closes it: a user who signed in first waits for the others, and its first write on a connection the server
    # was closing just then ended in RemoteProtocolError (CI, PostgreSQL, 50 users), where a browser retries
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=httpx.Limits(keepalive_expiry=2.0)) as client:
        try:
            await workload.begin(client, user)
        except (httpx.TransportError, AssertionError) as error:
            load.errors.append(f"user {user}: could not begin: {type(error).__name__} {error}"[:300])
            return
        finally:
            load.ready += 1
            if load.ready == users:  # the clock starts when every user is ready (signed in)
                load.started = time.monotonic()
                start.set()
        await start.wait()
        deadline = load.started + seconds
        number = 0
        while time.monotonic() < deadline:
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


async def _run(url: str, workload: Workload, users: int, seconds: float, load: Load) -> Load:
    start = asyncio.Event()
    await asyncio.gather(*(_user(url, workload, u, users, seconds, start, load) for u in range(users)))
    load.wall = time.monotonic() - load.started
    return load


def run(url: str, workload: Workload, users: int, seconds: float, load: Load | None = None) -> Load:
    """``users`` users, once every one has begun (signed in), writing at once for ``seconds`` (each as fast as the
    server answers), from this thread; ``load`` (filled as they go: another thread may watch it) is returned."""
    return asyncio.run(_run(url, workload, users, seconds, load or Load()))


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
