"""Many users writing at once lose and duplicate nothing, and a server killed with SIGKILL during the writes loses
no write it acknowledged (tests/load.py; benchmarks/practise_load.py runs the full size: 50 users for a minute)."""

from __future__ import annotations

import signal
import threading
import time

import httpx
from load import AttemptResponses, audit, run
from rehearse_client import Server

USERS = 8
SECONDS = 4.0


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


def test_sigkill_during_writes_loses_no_acknowledged_write(database_url: str) -> None:
    server = Server(database_url)
    workload = AttemptResponses()
    result = {}
    writing = threading.Thread(target=lambda: result.update(load=run(server.url, workload, users=USERS, seconds=120)))
    writing.start()
    try:
        deadline = time.monotonic() + 120
        while len(workload.position) < USERS or sum(m for _, m, _ in workload.position.values()) < 2 * USERS:
            assert time.monotonic() < deadline, "the users did not get going"
            time.sleep(0.05)
        server.process.send_signal(signal.SIGKILL)  # while the users are writing
        server.process.wait(10)
        writing.join(180)
    finally:
        server.stop()
    load = result["load"]
    assert len(load.errors) == USERS  # each user saw the server go, and stopped
    assert all("the server went away" in e for e in load.errors), load.errors
    found = audit(load.acknowledged, workload.stored(database_url))
    assert found.lost == []
    assert found.duplicated == []
    assert len(found.unacknowledged) <= USERS  # at most the write in flight of each user
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
