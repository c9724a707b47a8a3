"""Helpers for the rehearsal app's tests: a server in a subprocess, and a trainee who plays through forms."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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
    """``securebase rehearse`` on a free loopback port, in its own process."""

    def __init__(self, database: Path, *extra: str):
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "securebase", "rehearse", "--port", "0", "--database", str(database), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        line = self.process.stdout.readline()
        found = re.search(r"(http://\S+/)", line)
        if not found:
            self.process.kill()
            raise AssertionError(f"the server printed no address: {line!r} {self.process.stderr.read()}")
        self.url = found.group(1).rstrip("/")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the server did not answer within a minute")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
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

    def respond(self, moment: int, response: str = "comfort", note: str = "") -> httpx.Response:
        page = self.client.get(self.attempt)
        assert page.status_code == 200, page.text
        assert f"Moment {moment + 1} of" in page.text
        return self.client.post(
            f"{self.attempt}/moments/{moment}", data={"csrf": token_of(page.text), "response": response, "note": note}
        )
