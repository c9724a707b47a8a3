"""Helpers for the rehearsal app's tests: a server in a subprocess, and a trainee who plays through forms."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def token_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no form token on the page"
    return found.group(1)


class Server:
    """``securebase rehearse`` (or ``command``: ``practise``, the team server) on a free loopback port, in its own
    process; ``database`` an SQLite file's path or a SQLAlchemy URL (PostgreSQL)."""

    def __init__(self, database: Path | str, *extra: str, command: str = "rehearse"):
        self.database, self.command = database, command
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
        where = ["--database-url", database] if "://" in str(database) else ["--database", str(database)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "securebase", command, "--port", "0", *where, *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        found = None
        for line in self.process.stdout:  # "compiling the model ..." comes first after an install
            self.lines.append(line)
            found = re.search(r"(http://\S+/)", line)
            if found:
                break
        if not found:
            self.process.kill()
            raise AssertionError(f"the server printed no address: {self.lines!r} {self.process.stderr.read()}")
        # the rest of its lines (the children ready), read as they come so that the pipe never fills
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = found.group(1).rstrip("/")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/", timeout=5).status_code in (200, 303):  # the team server: to sign in
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the server did not answer within a minute")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_until_warm(self, most_seconds: float = 300) -> None:
        """Wait until the server has said that every scenario's child is ready (bounded)."""
        deadline = time.monotonic() + most_seconds
        while not any("are ready" in line for line in self.lines):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"the server did not get warm: {self.lines!r}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._reader.join(10)  # the pipe ends with the process: the reader has stopped before it is closed
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


class Trainee:
    """A trainee with a browser's cookies: starts an attempt and answers moments through the forms."""

    def __init__(self, client: httpx.Client):
        self.client = client
        self.attempt = ""

    def start(self, scenario: str = "drop-off") -> str:
        page = self.client.get("/")
        answer = self.client.post("/attempts", data={"csrf": token_of(page.text), "scenario": scenario})
        assert answer.status_code == 303, answer.text
        self.attempt = answer.headers["location"]
        return self.attempt

    def page(self) -> httpx.Response:
        """The attempt's page, once the child's history is ready (the server's "preparing" page looks again)."""
        for _ in range(600):
            page = self.client.get(self.attempt)
            if "<title>Preparing" not in page.text:
                return page
            time.sleep(0.1)
        raise AssertionError("the child's history was not ready within a minute")

    def respond(self, moment: int, response: str = "comfort", note: str = "") -> httpx.Response:
        page = self.page()
        assert page.status_code == 200, page.text
        assert f"Moment {moment + 1} of" in page.text
        return self.client.post(
            f"{self.attempt}/moments/{moment}", data={"csrf": token_of(page.text), "response": response, "note": note}
        )
