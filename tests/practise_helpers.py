"""Helpers for the team server's tests: a database with two teams and a user of each role, and signed-in clients."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers import SHIPPED
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from securebase.web import accounts, db
from securebase.web.app import create_app

PASSWORD = "a long enough passphrase"


@dataclass
class World:
    """Two teams (north, south): a practitioner and a trainer in each, and an administrator in neither."""

    url: str
    app: object
    ids: dict[str, int]
    clients: list[TestClient] = field(default_factory=list)

    def client(self, username: str | None = None, **headers: str) -> TestClient:
        client = TestClient(self.app, follow_redirects=False, headers=headers)
        client.__enter__()
        self.clients.append(client)
        if username is not None:
            sign_in(client, username)
        return client

    def close(self) -> None:
        """Every client's app shut down and the database's connections closed (PostgreSQL warns otherwise)."""
        for client in self.clients:
            client.__exit__(None, None, None)
        self.app.state.engine.dispose()


def make_world(tmp_path: Path, url: str | None = None) -> World:
    """The world on ``url`` (an empty database: conftest's ``database_url``, SQLite or PostgreSQL), or on a new SQLite
    file in ``tmp_path``."""
    url = url or f"sqlite:///{tmp_path / 'practise.sqlite'}"
    app = create_app(url, SHIPPED.params, accounts=True)
    ids = {}
    with Session(app.state.engine) as session:
        for name, role, teams in (("pat", "practitioner", ["North"]), ("tess", "trainer", ["North"]),
                                  ("paula", "practitioner", ["South"]), ("tom", "trainer", ["South"]),
                                  ("ada", "admin", [])):  # fmt: skip
            ids[name] = accounts.create_user(session, name, PASSWORD, role, teams).id
        session.commit()
    return World(url, app, ids)


def sign_in(client: TestClient, username: str, password: str = PASSWORD, code: str = "") -> object:
    page = client.get("/login")
    answer = client.post("/login", data={"csrf": form_token(page.text, "/login"), "username": username, "password": password,
                                         "code": code})  # fmt: skip
    return answer


def form_token(html: str, action: str) -> str:
    """The token of the form that posts to ``action`` on the page."""
    found = re.search(rf'action="{re.escape(action)}"[^>]*>\s*(?:<[^>]*>\s*)*?<input type="hidden" name="csrf" '
                      r'value="([0-9a-f]+)"', html)  # fmt: skip
    assert found, f"no form posting to {action}"
    return found.group(1)


def add_child(client: TestClient, code: str, team_id: int) -> int:
    page = client.get("/journal")
    answer = client.post("/journal/children", data={"csrf": form_token(page.text, "/journal/children"), "code": code,
                                                    "team": str(team_id)})  # fmt: skip
    assert answer.status_code == 303, answer.text[:400]
    return int(answer.headers["location"].rsplit("/", 1)[-1])


def log(client: TestClient, child: int, **fields: str) -> object:
    page = client.get(f"/journal/children/{child}")
    assert page.status_code == 200, page.text[:300]
    action = f"/journal/children/{child}/entries"
    return client.post(action, data={"csrf": form_token(page.text, action), **fields})


def team_id(world: World, name: str) -> int:
    with Session(world.app.state.engine) as session:
        return next(t.id for t in session.query(db.Team) if t.name == name)
