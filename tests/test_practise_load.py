"""Many users writing at once lose and duplicate nothing, and a server killed with SIGKILL during the writes loses
no write it acknowledged (tests/load.py): the rehearsal's responses (``securebase rehearse``), and the journal's
entries of signed-in practitioners (``securebase practise``: 50 of them, as issue 27 asks, for a few seconds here,
for a minute with --slow-size full; benchmarks/practise_load.py runs the full size too)."""

from __future__ import annotations

import asyncio
import signal
import threading
import time

import httpx
import pytest
from load import AttemptResponses, JournalEntries, Load, audit, run
from rehearse_client import Server

USERS = 8
SECONDS = 4.0
#: the practitioners of issue 27's load test, and how long they write: at the small size, and at the full one
PRACTITIONERS = 50
JOURNAL_SECONDS = {"small": 10.0, "full": 60.0}


def test_concurrent_users_lose_and_duplicate_nothing(database_url: str) -> None:
    server = Server(database_url)
    try:
        workload = AttemptResponses()
        load = run(server.url, workload, users=USERS, seconds=SECONDS)
    finally:
        server.stop()
    assert load.errors == []
    assert len(load.acknowledged) >= USERS  # every user wrote
    found = audit(load.acknowledged, workload.stored(database_url))
    assert found.lost == []
    assert found.duplicated == []
    assert found.unacknowledged == []  # nothing was in flight: the users stopped, then the server


@pytest.mark.slow
def test_fifty_signed_in_practitioners_lose_and_duplicate_no_entry(database_url: str, slow_size: str) -> None:
    """Issue 27's load test: 50 practitioners, each signed in through the form, logging entries at once."""
    server = Server(database_url, command="practise")
    workload = JournalEntries()
    try:
        workload.make_accounts(database_url, PRACTITIONERS)
        load = run(server.url, workload, users=PRACTITIONERS, seconds=JOURNAL_SECONDS[slow_size])
    finally:
        server.stop()
    assert load.errors == []  # every one signed in, and no entry was refused
    assert load.ready == PRACTITIONERS
    writers = {w[0] for w in load.acknowledged}
    assert writers == {workload.username(u) for u in range(PRACTITIONERS)}  # every practitioner wrote
    found = audit(load.acknowledged, workload.stored(database_url))
    assert found.lost == []
    assert found.duplicated == []
    assert found.unacknowledged == []


def _kill_during_writes(database_url: str, command: str, workload: AttemptResponses | JournalEntries) -> Load:
    """USERS users writing until the server, started with ``command``, is killed with SIGKILL once they have
    written twice each on average; what they did."""
    server = Server(database_url, command=command)
    load = Load()
    if isinstance(workload, JournalEntries):
        workload.make_accounts(database_url, USERS)
    writing = threading.Thread(target=run, args=(server.url, workload, USERS, 120, load))
    writing.start()
    try:
        deadline = time.monotonic() + 120
        while len(load.acknowledged) < 2 * USERS:
            assert time.monotonic() < deadline, "the users did not get going"
            time.sleep(0.05)
        server.process.send_signal(signal.SIGKILL)  # while the users are writing
        server.process.wait(10)
        writing.join(180)
    finally:
        server.stop()
    assert len(load.errors) == USERS  # each user saw the server go, and stopped
    assert all("the server went away" in e for e in load.errors), load.errors
    found = audit(load.acknowledged, workload.stored(database_url))
    assert found.lost == []
    assert found.duplicated == []
    assert len(found.unacknowledged) <= USERS  # at most the write in flight of each user
    return load


def test_sigkill_during_responses_loses_no_acknowledged_response(database_url: str) -> None:
    workload = AttemptResponses()
    _kill_during_writes(database_url, "rehearse", workload)
    # a restarted server serves the attempts where they stood
    again = Server(database_url)
    try:
        attempt, moment, moments = next(iter(workload.position.values()))
        page = httpx.get(again.url + attempt, timeout=120, follow_redirects=True)
        held = [w for w in workload.stored(database_url) if w[0] == attempt.rsplit("/", 1)[-1]]
        assert page.status_code == 200
        assert len(held) >= moment
        if len(held) < moments:
            assert f"Moment {len(held) + 1} of {moments}" in page.text or "<title>Preparing" in page.text
    finally:
        again.stop()


def test_sigkill_during_journal_entries_loses_no_acknowledged_entry(database_url: str) -> None:
    workload = JournalEntries()
    load = _kill_during_writes(database_url, "practise", workload)
    # a restarted server shows a practitioner their last acknowledged entry
    again = Server(database_url, command="practise")
    try:
        last = next(w for w in reversed(load.acknowledged) if w[0] == workload.username(0))

        async def child_page() -> httpx.Response:
            async with httpx.AsyncClient(base_url=again.url, timeout=120) as browser:
                await workload.begin(browser, 0)  # signs in through the form
                return await browser.get(f"/journal/children/{workload.children[0]}")

        page = asyncio.run(child_page())
        assert page.status_code == 200
        assert f"\u201c{last[-1]}\u201d" in page.text  # the note, quoted as the page shows it
    finally:
        again.stop()
