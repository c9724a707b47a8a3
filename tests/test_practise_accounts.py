"""Accounts of the team server: sessions rotated, revoked on sign-out and on a password change (all of them),
throttled sign-in, the second factor, the cookies' flags, and the command that adds a user."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from click.testing import CliRunner
from practise_helpers import PASSWORD, make_world, sign_in
from rehearse_client import token_of
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from securebase.cli import main
from securebase.web import accounts, db, retention


@pytest.fixture
def world(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    """The world on each database the app supports (conftest's database_url: SQLite, and PostgreSQL when given)."""
    made = make_world(tmp_path, database_url)
    yield made
    made.close()


def sessions_of(world, username: str) -> int:  # type: ignore[no-untyped-def]
    with Session(world.app.state.engine) as session:
        user = session.scalar(select(db.User).where(db.User.username == username))
        return len(list(session.scalars(select(db.WebSession).where(db.WebSession.user_id == user.id))))


def test_signing_in_makes_a_new_session_and_signing_out_ends_it(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client()
    client.cookies.set(accounts.SESSION_COOKIE, "planted-before-sign-in")  # session fixation: worth nothing
    answer = sign_in(client, "pat")
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    session_id = answer.cookies[accounts.SESSION_COOKIE]
    assert session_id != "planted-before-sign-in"
    assert len(session_id) >= 40
    client = world.client()  # the browser with the new cookie only
    client.cookies.set(accounts.SESSION_COOKIE, session_id)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    with Session(world.app.state.engine) as session:  # only the hash is stored
        assert session.get(db.WebSession, hashlib.sha256(session_id.encode()).hexdigest()) is not None
        assert session.get(db.WebSession, session_id) is None
    assert client.get("/journal").status_code == 200
    again = sign_in(client, "pat")  # rotated at every sign-in: the old id stops working
    assert again.status_code == 303
    assert again.cookies[accounts.SESSION_COOKIE] != session_id
    client = world.client()
    client.cookies.set(accounts.SESSION_COOKIE, again.cookies[accounts.SESSION_COOKIE])
    stale = world.client()
    stale.cookies.set(accounts.SESSION_COOKIE, session_id)
    assert stale.get("/journal").headers["location"] == "/login"
    page = client.get("/journal")
    out = client.post("/logout", data={"csrf": token_of(page.text.split('action="/logout"')[1])})
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    assert sessions_of(world, "pat") == 0


def test_over_https_the_cookies_are_secure(world) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(world.app, base_url="https://testserver", follow_redirects=False)
    first = client.get("/login")
    assert "Secure" in first.headers["set-cookie"]
    answer = client.post("/login", data={"csrf": token_of(first.text), "username": "pat", "password": PASSWORD})
    assert answer.status_code == 303
    assert "Secure" in answer.headers["set-cookie"]
    assert "HttpOnly" in answer.headers["set-cookie"]


def test_a_password_change_ends_every_session_of_the_user(world) -> None:  # type: ignore[no-untyped-def]
    phone, laptop, other = world.client("pat"), world.client("pat"), world.client("paula")
    assert sessions_of(world, "pat") == 2
    page = laptop.get("/account")
    short = laptop.post("/account/password", data={"csrf": token_of(page.text.split('action="/account/password"')[1]),
                                                    "current": PASSWORD, "new": "short"})  # fmt: skip
    assert short.status_code == 400
    assert "at least 12" in short.text
    assert sessions_of(world, "pat") == 2  # refused: nothing changed
    changed = laptop.post("/account/password", data={"csrf": token_of(page.text.split('action="/account/password"')[1]),
                                                      "current": PASSWORD, "new": "another long passphrase"})  # fmt: skip
    assert changed.status_code == 303
    assert sessions_of(world, "pat") == 0
    for client in (phone, laptop):
        assert client.get("/journal").headers["location"] == "/login"
    assert other.get("/journal").status_code == 200  # another user's session is not touched
    assert sign_in(world.client(), "pat").status_code == 403
    assert sign_in(world.client(), "pat", "another long passphrase").status_code == 303


def test_sign_in_is_throttled_per_account_and_per_address(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client()
    for _ in range(accounts.FREE_FAILURES):
        assert sign_in(client, "pat", "wrong password").status_code == 403
    # now even the right password waits: the back-off is per account
    refused = sign_in(client, "pat")
    assert refused.status_code == 429
    assert "Wait" in refused.text
    assert sessions_of(world, "pat") == 0
    with Session(world.app.state.engine) as session:
        keys = accounts.throttle_keys("pat", "testclient")
        first = accounts.wait_left(session, keys)
        accounts.failed(session, keys)
        assert accounts.wait_left(session, keys) > first  # exponential: each failure doubles the wait
    # per address: trying many accounts from one address is throttled too
    other = TestClient(world.app, follow_redirects=False, client=("10.0.0.9", 5000))
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert sign_in(other, name, "guess").status_code == 403
    assert sign_in(other, "paula").status_code == 429
    # from another address, paula is not held up by the guesses at other accounts
    assert (
        sign_in(TestClient(world.app, follow_redirects=False, client=("10.0.0.10", 5000)), "paula").status_code == 303
    )


def test_a_second_factor_once_on_is_asked_for(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("pat")
    page = client.get("/account")
    form = page.text.split('action="/account/totp"')[1]
    secret = form.split('name="secret" value="')[1].split('"')[0]
    wrong = client.post("/account/totp", data={"csrf": token_of(form), "secret": secret, "code": "000000"})
    assert wrong.status_code == 400
    on = client.post("/account/totp", data={"csrf": token_of(form), "secret": secret,
                                            "code": pyotp.TOTP(secret).now()})  # fmt: skip
    assert on.status_code == 303
    assert sign_in(world.client(), "pat").status_code == 403  # no code
    assert sign_in(world.client(), "pat", code="123456").status_code in (403,)
    assert sign_in(world.client(), "pat", code=pyotp.TOTP(secret).now()).status_code == 303


def test_failed_sign_ins_are_forgotten_after_a_day(world) -> None:  # type: ignore[no-untyped-def]
    """The failed sign-ins table cannot grow for ever: a record untouched for FAILURE_MEMORY is deleted by the next
    failure (of anyone) and by the purge, and one still within it is kept (it still throttles)."""
    client = world.client()
    for name in ("old1", "old2"):
        assert sign_in(client, name, "guess").status_code == 403
    engine = create_engine(world.url)
    with engine.begin() as connection:  # those failures happened a day and a minute ago
        connection.execute(text("UPDATE login_failures SET last_at = :t WHERE key LIKE 'user:old%'"),
                           {"t": db.now() - accounts.FAILURE_MEMORY - timedelta(minutes=1)})  # fmt: skip
    other = TestClient(world.app, follow_redirects=False, client=("10.0.0.11", 5000))
    assert sign_in(other, "new1", "guess").status_code == 403  # a new failure: the old records go
    with engine.connect() as connection:
        keys = set(connection.execute(text("SELECT key FROM login_failures")).scalars())
    assert keys == {"user:new1", "address:10.0.0.11", "address:testclient"}  # the address of old1 and old2: recent
    with Session(world.app.state.engine) as session:  # the purge, a day and a minute on: all of them
        assert accounts.forget_old_failures(session, db.now() + accounts.FAILURE_MEMORY - timedelta(minutes=1)) == 0
        purged = retention.purge(session, "test", db.now() + accounts.FAILURE_MEMORY + timedelta(minutes=1))
        session.commit()
    assert purged.login_failures == 3
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM login_failures")).scalar() == 0
    engine.dispose()


def test_the_second_factor_is_offered_as_a_qr_code_of_its_key(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The account page shows the key as a QR code (an inline SVG made by segno, no network) beside the key."""
    import segno

    given = []
    made = segno.make

    def recording(content, *args, **kwargs):  # type: ignore[no-untyped-def]
        given.append(content)
        return made(content, *args, **kwargs)

    monkeypatch.setattr(segno, "make", recording)
    page = world.client("pat").get("/account").text
    secret = page.split('name="secret" value="')[1].split('"')[0]
    assert given == [accounts.totp_uri(secret, "pat")]
    assert given[0].startswith("otpauth://totp/securebase:pat?secret=" + secret)
    svg = re.search(r'<figure class="qr"><svg .*?</svg>', page, flags=re.DOTALL)
    assert svg is not None
    assert svg.group(0).endswith(made(given[0], error="m").svg_inline(scale=4, dark="#000", light="#fff",
                                                                       title="QR code of the key"))  # fmt: skip
    assert "<title>QR code of the key</title>" in svg.group(0)
    assert f'<code class="secret">{secret}</code>' in page


def test_the_command_adds_users_and_refuses_bad_ones_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "team.sqlite"
    runner = CliRunner()
    added = runner.invoke(main, ["practise", "add-user", "ada", "--role", "admin", "--database", str(database)],
                          input="a long enough passphrase\na long enough passphrase\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["practise", "add-user", "sam", "--team", "Year 2", "--database", str(database)],
                          env={"SECUREBASE_NEW_PASSWORD": "short"})  # fmt: skip
    assert again.exit_code == 2
    assert "expected at least 12" in again.output
    assert "Traceback" not in again.output
    taken = runner.invoke(main, ["practise", "add-user", "ada", "--database", str(database)],
                          env={"SECUREBASE_NEW_PASSWORD": "another long one!"})  # fmt: skip
    assert taken.exit_code == 2
    assert "username 'ada' is taken" in taken.output
    named = runner.invoke(main, ["practise", "add-user", "Not A Name!", "--database", str(database)],
                          env={"SECUREBASE_NEW_PASSWORD": "another long one!"})  # fmt: skip
    assert named.exit_code == 2
    assert "username 'Not A Name!' is not accepted" in named.output
    role = runner.invoke(main, ["practise", "add-user", "bo", "--role", "boss", "--database", str(database)],
                         env={"SECUREBASE_NEW_PASSWORD": "another long one!"})  # fmt: skip
    assert role.exit_code == 2
    assert "boss" in role.output
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT username, role FROM users")).all()
        assert rows == [("ada", "admin")]
        assert connection.execute(text("SELECT action FROM audit_events")).scalars().all() == ["user-added"]
        stored = connection.execute(text("SELECT password_hash FROM users")).scalar()
    engine.dispose()
    assert stored.startswith("$argon2")
    assert "a long enough passphrase" not in stored


def test_the_team_server_command_names_its_options() -> None:
    result = CliRunner().invoke(main, ["practise", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--database", "--database-url", "--forwarded-allow-ips", "add-user"):
        assert option in result.output


def test_the_administrator_adds_a_user_and_a_membership_on_the_page(world) -> None:  # type: ignore[no-untyped-def]
    from practise_helpers import form_token

    assert sign_in(world.client(), "ada").headers["location"] == "/admin"  # an administrator lands there
    assert sign_in(world.client(), "pat").headers["location"] == "/journal"
    ada = world.client("ada")
    page = ada.get("/admin").text
    bad = ada.post("/admin/users", data={"csrf": form_token(page, "/admin/users"), "username": "sam",
                                         "password": "short", "role": "practitioner", "team": "North"})  # fmt: skip
    assert bad.status_code == 400
    assert "expected at least 12" in bad.text
    added = ada.post("/admin/users", data={"csrf": form_token(page, "/admin/users"), "username": "sam",
                                           "password": PASSWORD, "role": "practitioner", "team": "North"})  # fmt: skip
    assert added.status_code == 303
    sam = world.client("sam")
    assert "North" in sam.get("/account").text
    with Session(world.app.state.engine) as session:
        sam_id = session.scalar(select(db.User.id).where(db.User.username == "sam"))
    joined = ada.post("/admin/memberships", data={"csrf": form_token(page, "/admin/memberships"),
                                                  "user": str(sam_id), "team": "South"})  # fmt: skip
    assert joined.status_code == 303
    assert "North, South" in sam.get("/account").text


def test_a_session_ends_when_it_expires(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("pat")
    assert client.get("/journal").status_code == 200
    with Session(world.app.state.engine) as session:
        for row in session.scalars(select(db.WebSession)):
            row.expires_at = db.now() - timedelta(seconds=1)
        session.commit()
    assert client.get("/journal").headers["location"] == "/login"
    world.client("paula")  # a new sign-in clears the expired rows, of anyone
    assert sessions_of(world, "pat") == 0
