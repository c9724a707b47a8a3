"""The rehearsal server's time per moment (p50/p95) and a load of concurrent trainees on loopback.

Starts ``securebase rehearse`` in its own process on a fresh SQLite file, as a trainee would, and times
through HTTP on loopback:

- per moment: the GET of the moment's page (for its form token), the form's POST (save the response, step
  the environment: the response, the days until the next moment, the next situation) and the GET of the next
  page, one trainee alone (an upper bound on the server's time: three requests and their HTTP on loopback);
  the first page of an attempt is reported apart, once the server is warm (it makes every scenario's child
  at start, after compiling the model) and for another child like this (a new seed: its history is made
  then, behind a "preparing" page);
- the server's own time per moment: the same three requests through Starlette's TestClient on the app in this
  process (no sockets, no uvicorn, no client process: what the server's code costs, apart from the loopback
  and the client, which a loaded machine slows most);
- load: ``--trainees`` trainees at once, each playing a whole term; then every attempt is checked in the
  database (all moments saved, in order, as sent).

    .venv/bin/python benchmarks/rehearse_server.py [--terms 3] [--trainees 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from rehearse_client import Server, Trainee

SCENARIOS = ("drop-off", "new-avoidant", "rupture", "tantrum", "setback")
MOVES = ("comfort", "notice_name", "encourage", "help_little", "stay_close", "ignore", "limit_warmly", "repair")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def play(url: str, scenario: str, offset: int) -> tuple[str, list[str], float, list[float]]:
    """One trainee's term: (attempt id, responses, first page seconds, seconds per moment)."""
    with httpx.Client(base_url=url, timeout=300) as client:
        trainee = Trainee(client)
        trainee.start(scenario)
        started = time.perf_counter()
        page = trainee.page()  # through the "preparing" page, if the child is not made yet
        first = time.perf_counter() - started
        assert page.status_code == 200
        moves = [MOVES[(offset + m) % len(MOVES)] for m in range(14)]
        times = []
        for moment, move in enumerate(moves):
            started = time.perf_counter()
            answer = trainee.respond(moment, move)  # GET this moment's page (its token), POST the response
            after = client.get(answer.headers["location"])  # the next page (or the debrief's redirect)
            times.append(time.perf_counter() - started)
            assert answer.status_code == 303
            assert after.status_code in (200, 303)
        return trainee.attempt.rsplit("/", 1)[-1], moves, first, times


def another_child(url: str, scenario: str) -> float:
    """Seconds from "another child like this" to that child's first moment (a history made while it waits)."""
    with httpx.Client(base_url=url, timeout=300) as client:
        trainee = Trainee(client)
        attempt = trainee.start(scenario)
        page = client.get(f"{attempt}/practice")
        token = re.search(r'name="csrf" value="([0-9a-f]+)">\s*<input type="hidden" name="kind" value="another"',
                          page.text).group(1)  # fmt: skip
        started = time.perf_counter()
        answer = client.post(f"{attempt}/practice", data={"csrf": token, "kind": "another"})
        trainee.attempt = answer.headers["location"]
        assert "Moment 1 of" in trainee.page().text
        return time.perf_counter() - started


def in_process(terms: int) -> list[float]:
    """Seconds per moment (page, POST, next page) through the app in this process, one trainee alone."""
    from helpers import SHIPPED
    from starlette.testclient import TestClient

    from securebase.web.app import create_app

    times = []
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(f"sqlite:///{Path(folder) / 'rehearse.sqlite'}", SHIPPED.params)
        with TestClient(app, follow_redirects=False) as client:
            for scenario in SCENARIOS:
                for term in range(terms + 1):  # the first term makes the child's history: not timed
                    trainee = Trainee(client)
                    trainee.start(scenario)
                    trainee.page()
                    for moment in range(14):
                        started = time.perf_counter()
                        answer = trainee.respond(moment, MOVES[(term + moment) % len(MOVES)])
                        client.get(answer.headers["location"])
                        if term:
                            times.append(time.perf_counter() - started)
    return times


def check(database: Path, done: list[tuple[str, list[str], float, list[float]]]) -> int:
    """How many attempts are missing a moment or have one that differs from what was sent."""
    engine = create_engine(f"sqlite:///{database}")
    bad = 0
    with engine.connect() as connection:
        for attempt, moves, _, _ in done:
            rows = connection.execute(
                text("SELECT moment, response FROM choices WHERE attempt_id = :a ORDER BY moment"), {"a": attempt}
            ).all()
            bad += [tuple(r) for r in rows] != list(enumerate(moves))
    engine.dispose()
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--terms", type=int, default=3, help="terms per scenario played alone (timing)")
    parser.add_argument("--trainees", type=int, default=20, help="trainees at once (load)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "rehearse.sqlite"
        started = time.perf_counter()
        server = Server(database)
        listening = time.perf_counter() - started
        server.wait_until_warm()
        warm = time.perf_counter() - started
        print(f"server: listening after {listening:.1f} s, every scenario's child ready after {warm:.1f} s")
        try:
            another = [another_child(server.url, scenario) for scenario in SCENARIOS]
            print(f"  first page of another child like this (a new history, through the preparing page): "
                  f"median {statistics.median(another):.2f} s, max {max(another):.2f} s")  # fmt: skip
            firsts, per_moment = [], []
            for scenario in SCENARIOS:
                for term in range(args.terms):
                    _, _, first, times = play(server.url, scenario, term)
                    firsts.append(first)
                    per_moment += times
            print(f"alone: {len(per_moment)} moments in {len(SCENARIOS) * args.terms} terms")
            print(f"  per moment (page, POST, next page): p50 {1000 * statistics.median(per_moment):.1f} ms, "
                  f"p95 {1000 * percentile(per_moment, 0.95):.1f} ms, max {1000 * max(per_moment):.1f} ms")  # fmt: skip
            own = in_process(args.terms)
            print(f"  the server's own time per moment (in process, no sockets): p50 {1000 * statistics.median(own):.1f} ms, "
                  f"p95 {1000 * percentile(own, 0.95):.1f} ms, max {1000 * max(own):.1f} ms")  # fmt: skip
            print(f"  first page of an attempt, server warm: median {statistics.median(firsts):.3f} s, "
                  f"max {max(firsts):.3f} s")  # fmt: skip
            started = time.perf_counter()
            with ThreadPoolExecutor(args.trainees) as pool:
                done = list(pool.map(lambda n: play(server.url, SCENARIOS[n % len(SCENARIOS)], n), range(args.trainees)))
            wall = time.perf_counter() - started
        finally:
            server.stop()
        loaded = [t for _, _, _, times in done for t in times]
        print(f"load: {args.trainees} trainees at once, {len(loaded)} moments in {wall:.1f} s "
              f"({len(loaded) / wall:.1f} moments/s)")  # fmt: skip
        print(f"  per moment under load: p50 {1000 * statistics.median(loaded):.0f} ms, "
              f"p95 {1000 * percentile(loaded, 0.95):.0f} ms")  # fmt: skip
        print(f"  attempts lost or changed: {check(database, done)} of {len(done)}")


if __name__ == "__main__":
    main()
