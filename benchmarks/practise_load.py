"""Many practitioners writing at once to a team server on loopback: 0 lost or duplicated writes, and none lost to kill -9.

``--workload journal`` (the default, issue 27's load test): starts ``securebase practise`` in its own process (a
fresh SQLite file, or ``--database-url`` for PostgreSQL), lets every scenario's child be made, adds ``--users``
practitioners (in teams of 10 sharing a child), then each signs in through the sign-in form (its CSRF token first)
and, once all have, they log journal entries as fast as the server answers for ``--seconds`` (each: the child's
page for its form token, then the entry's POST, with a note naming the user and the entry).
``--workload rehearsal``: ``securebase rehearse``, each write a rehearsal response (the moment's page, then the
POST).

Then every write the database holds is read back and compared with the writes the server acknowledged
(tests/load.py). ``--kill-after S`` kills the server with SIGKILL S seconds into the writes instead, then checks
that every acknowledged write survived.

    .venv/bin/python benchmarks/practise_load.py [--workload journal] [--users 50] [--seconds 60]
                                                 [--database-url URL] [--kill-after S]
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from load import AttemptResponses, JournalEntries, Load, audit, run
from rehearse_client import Server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="users writing at once")
    parser.add_argument("--seconds", type=float, default=60, help="how long they write")
    parser.add_argument(
        "--database-url", default=None, help="an empty PostgreSQL database (default: a new SQLite file)"
    )
    parser.add_argument("--kill-after", type=float, default=None, help="SIGKILL the server this many seconds in")
    parser.add_argument("--workload", choices=("journal", "rehearsal"), default="journal",
                        help="signed-in practitioners' journal entries, or rehearsal responses (no accounts)")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = args.database_url or f"sqlite:///{Path(folder) / 'team.sqlite'}"
        journal = args.workload == "journal"
        server = Server(database, command="practise" if journal else "rehearse")
        server.wait_until_warm()  # every scenario's child made: the timing is of the writes, not of the start
        workload = JournalEntries() if journal else AttemptResponses()
        load = Load()
        try:
            if journal:
                workload.make_accounts(database, args.users)
            signing_in = time.monotonic()
            writing = threading.Thread(target=run, args=(server.url, workload, args.users, args.seconds, load))
            writing.start()
            if args.kill_after is not None:  # counted from when every user is ready to write
                while not load.started and writing.is_alive():
                    time.sleep(0.01)
                time.sleep(args.kill_after)
                server.process.send_signal(signal.SIGKILL)
            writing.join()
            wall = load.wall
        finally:
            server.stop()
        found = audit(load.acknowledged, workload.stored(database))
    where = "PostgreSQL" if args.database_url else "SQLite"
    if journal:
        print(f"{load.ready} practitioners signed in through the form in {load.started - signing_in:.1f} s")
    print(f"{args.users} users for {wall:.1f} s on {where} ({args.workload}): {len(load.acknowledged)} writes "
          f"acknowledged ({len(load.acknowledged) / wall:.1f}/s)")  # fmt: skip
    print(f"  per write (page for its token, then the POST): p50 {1000 * statistics.median(load.seconds):.0f} ms, "
          f"p95 {1000 * percentile(load.seconds, 0.95):.0f} ms, max {1000 * max(load.seconds, default=0):.0f} ms")  # fmt: skip
    gone = sum("the server went away" in e for e in load.errors)
    print(f"  users stopped by the server going away: {gone}; by a refusal: {len(load.errors) - gone}")
    print(f"  lost: {len(found.lost)}; duplicated: {len(found.duplicated)}; held but never acknowledged (in flight "
          f"at a kill): {len(found.unacknowledged)}")  # fmt: skip
    refused = len(load.errors) - gone
    return 1 if found.lost or found.duplicated or refused or (gone and args.kill_after is None) else 0


if __name__ == "__main__":
    sys.exit(main())
