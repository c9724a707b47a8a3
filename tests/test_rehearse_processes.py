"""The rehearsal server as a process: killed mid-attempt it loses at most the moment in flight, and twenty
trainees at once on loopback lose nothing."""

from __future__ import annotations

import contextlib
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from rehearse_client import Server, Trainee
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.slow


def saved(database: Path) -> dict[str, list[tuple[int, str]]]:
    engine = create_engine(f"sqlite:///{database}")
    found: dict[str, list[tuple[int, str]]] = {}
    with engine.connect() as connection:
        for attempt in connection.execute(text("SELECT id FROM attempts")).scalars():
            rows = connection.execute(
                text("SELECT moment, response FROM choices WHERE attempt_id = :a ORDER BY moment"), {"a": attempt}
            )
            found[attempt] = [(m, r) for m, r in rows]
    engine.dispose()
    return found


def test_sigkill_mid_attempt_loses_at_most_the_moment_in_flight(tmp_path: Path) -> None:
    database = tmp_path / "rehearse.sqlite"
    server = Server(database)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            trainee = Trainee(client)
            attempt = trainee.start("tantrum")
            played = ["comfort", "limit_warmly", "notice_name"]
            for moment, move in enumerate(played):
                assert trainee.respond(moment, move).status_code == 303
            before = trainee.page().text
            sent = threading.Thread(target=lambda: _quietly(trainee.respond, 3, "stay_close"))
            sent.start()
            server.process.send_signal(signal.SIGKILL)  # while the fourth moment is on its way
            server.process.wait(10)
            sent.join(30)
    finally:
        server.stop()
    rows = saved(database)[attempt.rsplit("/", 1)[-1]]
    assert rows[:3] == list(enumerate(played))
    assert len(rows) in (3, 4)
    server = Server(database)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            trainee = Trainee(client)
            trainee.attempt = attempt
            page = trainee.page().text  # after the "preparing" page of a server just started
            assert f"Moment {len(rows) + 1} of 14" in page
            if len(rows) == 3:  # the same child at the same moment: the same cues as before the kill
                assert _cues(page) == _cues(before)
            for moment in range(len(rows), 14):
                assert trainee.respond(moment, "comfort").status_code == 303
            assert client.get(f"{attempt}/debrief").status_code == 200
    finally:
        server.stop()


def _quietly(function, *args) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(httpx.TransportError, AssertionError):  # the server died under it: the moment in flight
        function(*args)


def _cues(page: str) -> str:
    return page[page.index('<ul class="cues">') : page.index("</ul>", page.index('<ul class="cues">'))]


TRAINEES = 20
MOMENTS = 5
MOVES = ("comfort", "notice_name", "encourage", "help_little", "stay_close", "ignore", "give_space", "limit_warmly")


def test_twenty_trainees_at_once_lose_nothing(tmp_path: Path) -> None:
    database = tmp_path / "rehearse.sqlite"
    server = Server(database)
    scenarios = ("drop-off", "setback")

    def trainee(number: int) -> tuple[str, list[str]]:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            person = Trainee(client)
            attempt = person.start(scenarios[number % 2])
            moves = [MOVES[(number + m) % len(MOVES)] for m in range(MOMENTS)]
            for moment, move in enumerate(moves):
                answer = person.respond(moment, move)
                assert answer.status_code == 303, answer.text[:300]
            return attempt.rsplit("/", 1)[-1], moves

    try:
        with ThreadPoolExecutor(TRAINEES) as pool:
            done = list(pool.map(trainee, range(TRAINEES)))
    finally:
        server.stop()
    rows = saved(database)
    assert len(rows) == TRAINEES
    for attempt, moves in done:
        assert rows[attempt] == list(enumerate(moves))
