"""The team server's access matrix: every route, every role, own team and the other team, and guessed ids.

The world: teams North and South, each with a practitioner and a trainer, and an administrator in neither. The
North practitioner (pat) has a child (C12), an entry with a private note, and a rehearsal attempt. Every other
user asks for each of them, and for ids that do not exist; every form is sent with a valid token for the sender
(so that a refusal is the access check's, not the token's). Nothing refused may change a row, and no refused
page may hold pat's note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import _PostgreSQLDatabases as PostgreSQLDatabases
from practise_helpers import World, add_child, log, make_world, team_id
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from securebase.web import db, security

NOTE = "private words about the red tower"
USERS = ("pat", "tess", "paula", "tom", "ada")
TABLES = ("users", "teams", "memberships", "children", "journal_entries", "entry_versions", "attempts", "choices",
          "settings")  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The world, once per module on each database the app supports (as conftest's ``new_database``: the PostgreSQL
    case on the server $SECUREBASE_TEST_DATABASE_URL names, skipped without it, failed without it under CI)."""
    folder = tmp_path_factory.mktemp("access")
    if request.param == "sqlite":
        yield from _world_on(make_world(folder))
        return
    with PostgreSQLDatabases() as databases:
        yield from _world_on(make_world(folder, databases.new()))


def _world_on(built: World) -> Iterator[dict]:
    pat = built.client("pat")
    child = add_child(pat, "C12", team_id(built, "North"))
    assert log(pat, child, kind="moment", need="comfort", response="comfort", outcome="settled",
               note=NOTE).status_code == 303  # fmt: skip
    entry = int(re.search(r'href="/journal/entries/(\d+)"', pat.get(f"/journal/children/{child}").text).group(1))
    started = pat.post("/attempts", data={"csrf": security.token(built.app.state.key, pat.cookies[security.CSRF_COOKIE],
                                                                 "start"), "scenario": "drop-off"})  # fmt: skip
    attempt = started.headers["location"].rsplit("/", 1)[-1]
    clients = {name: (pat if name == "pat" else built.client(name)) for name in USERS}
    clients["anonymous"] = built.client()
    yield {"world": built, "child": child, "entry": entry, "attempt": attempt, "clients": clients}
    built.close()


def reads(w: dict) -> list[tuple[str, set[str]]]:
    """Every page that shows something of someone, and who may read it (None: every signed-in user, their own)."""
    c, e, a, pat = w["child"], w["entry"], w["attempt"], w["world"].ids["pat"]
    return [
        (f"/journal/children/{c}", {"pat", "tess"}),
        (f"/journal/children/{c}/meeting", {"pat", "tess"}),
        (f"/journal/entries/{e}", {"pat"}),
        ("/cohort", {"tess", "tom"}),
        (f"/team/children/{c}/export.json", {"tess"}),
        (f"/team/children/{c}/export.csv", {"tess"}),
        ("/admin", {"ada"}),
        ("/admin/audit", {"ada"}),
        (f"/admin/users/{pat}/export.json", {"ada"}),
        (f"/admin/users/{pat}/export.csv", {"ada"}),
        (f"/attempts/{a}/practice", {"pat"}),
        (f"/attempts/{a}/debrief", {"pat"}),
        (f"/attempts/{a}/export", {"pat"}),
        (f"/attempts/{a}", {"pat"}),  # pat's own is not fetched here: it would simulate the child
        # guessed ids: nobody
        ("/journal/children/99999", set()),
        ("/journal/children/99999/meeting", set()),
        ("/journal/entries/99999", set()),
        ("/team/children/99999/export.json", set()),
        ("/admin/users/99999/export.json", set()),
        ("/attempts/0123456789abcdef", set()),
        ("/attempts/0123456789abcdef/debrief", set()),
        ("/journal/entries/abc", set()),
        ("/account/export.xml", set()),
        (f"/team/children/{c}/export.xml", set()),
        (f"/admin/users/{pat}/export.html", set()),
        ("/journal/children/1e3", set()),
    ]


def writes(w: dict) -> list[tuple[str, str, dict[str, str], set[str]]]:
    """Every form that changes something of someone: its action, its token's purpose, its fields, who may send it."""
    c, e, a = w["child"], w["entry"], w["attempt"]
    ids, north = w["world"].ids, team_id(w["world"], "North")
    return [
        (f"/journal/children/{c}/entries", f"entry:{c}", {"kind": "exploration", "event": "peer"}, {"pat", "tess"}),
        (
            f"/journal/entries/{e}",
            f"amend:{e}",
            {"reason": "typo", "note": "changed", "need": "comfort", "response": "ignore", "outcome": "not-yet"},
            {"pat"},
        ),
        (f"/team/children/{c}/delete", f"delete-child:{c}", {"confirm": "C12"}, {"tess"}),
        ("/journal/children", "child", {"code": "N7", "team": str(north)}, {"pat", "tess"}),
        ("/admin/users", "add-user", {"username": "mallory", "password": "x" * 16, "role": "admin"}, {"ada"}),
        ("/admin/memberships", "add-member", {"user": str(ids["paula"]), "team": "North"}, {"ada"}),
        ("/admin/retention", "retention", {"days": "30"}, {"ada"}),
        (f"/admin/users/{ids['pat']}/delete", f"delete-user:{ids['pat']}", {"confirm": "pat"}, {"ada"}),
        (f"/attempts/{a}/moments/0", f"{a}:0", {"response": "comfort"}, {"pat"}),
        (f"/attempts/{a}/practice", f"{a}:practice", {"kind": "again"}, {"pat"}),
        # guessed ids
        ("/journal/children/99999/entries", "entry:99999", {"kind": "rupture"}, set()),
        ("/journal/entries/99999", "amend:99999", {"reason": "x", "note": ""}, set()),
        ("/team/children/99999/delete", "delete-child:99999", {"confirm": "C12"}, set()),
        ("/admin/users/99999/delete", "delete-user:99999", {"confirm": "pat"}, set()),
    ]


def snapshot(world: World) -> dict[str, list]:
    engine = create_engine(world.url)
    with engine.connect() as connection:
        found = {t: sorted(map(tuple, connection.execute(text(f"SELECT * FROM {t}")))) for t in TABLES}
    engine.dispose()
    return found


def refused(answer, user: str) -> bool:  # type: ignore[no-untyped-def]
    if user == "anonymous":
        return answer.status_code == 303 and answer.headers["location"] == "/login"
    return answer.status_code in (400, 403, 404) and "Traceback" not in answer.text


def test_no_read_by_anyone_not_allowed(world: dict) -> None:
    checked = 0
    for path, allowed in reads(world):
        for user, client in world["clients"].items():
            if user in allowed:
                continue
            answer = client.get(path)
            assert refused(answer, user), (user, path, answer.status_code)
            assert NOTE not in answer.text, (user, path)
            checked += 1
    assert checked > 80


def test_the_allowed_reads_are_served(world: dict) -> None:
    for path, allowed in reads(world):
        for user in allowed:
            if path == f"/attempts/{world['attempt']}":
                continue
            answer = world["clients"][user].get(path)
            assert answer.status_code == 200, (user, path, answer.text[:300])
    # the private note reaches its author, the child's subject-access export and the author's own export only
    assert NOTE in world["clients"]["pat"].get(f"/journal/entries/{world['entry']}").text
    assert NOTE in world["clients"]["tess"].get(f"/team/children/{world['child']}/export.json").text
    assert NOTE in world["clients"]["pat"].get("/account/export.json").text
    for user in ("tess", "paula", "tom", "ada"):
        assert NOTE not in world["clients"][user].get("/account/export.json").text, user
        assert NOTE not in world["clients"][user].get("/journal/week").text, user
    # the trainer of the other team does not see the North members, and no one sees their journals in the cohort
    south = world["clients"]["tom"].get("/cohort").text
    assert "paula" in south
    assert ">pat<" not in south
    assert ">tess<" not in south
    north = world["clients"]["tess"].get("/cohort").text
    assert ">pat<" in north
    assert "paula" not in north
    assert NOTE not in north


def test_no_write_by_anyone_not_allowed(world: dict) -> None:
    app = world["world"].app
    before = snapshot(world["world"])
    checked = 0
    for action, purpose, fields, allowed in writes(world):
        for user, client in world["clients"].items():
            if user in allowed:
                continue
            token = security.token(app.state.key, client.cookies.get(security.CSRF_COOKIE) or "none", purpose)
            answer = client.post(action, data={"csrf": token, **fields})
            assert refused(answer, user), (user, action, answer.status_code, answer.text[:300])
            checked += 1
    assert checked > 40
    after = snapshot(world["world"])
    assert after == before


def test_every_form_needs_its_token(world: dict) -> None:
    """The allowed sender, with no token, another purpose's token or a token for another cookie: refused (403),
    nothing changed; every form on every page carries a token."""
    app = world["world"].app
    before = snapshot(world["world"])
    for action, purpose, fields, allowed in writes(world):
        for user in allowed:
            client = world["clients"][user]
            cookie = client.cookies[security.CSRF_COOKIE]
            for bad in ("", security.token(app.state.key, cookie, "another purpose"),
                        security.token(app.state.key, "another cookie", purpose), "0" * 64):  # fmt: skip
                answer = client.post(action, data={"csrf": bad, **fields} if bad else fields)
                assert answer.status_code == 403, (user, action, answer.status_code)
    assert snapshot(world["world"]) == before
    forms = 0
    for path, allowed in reads(world):
        for user in allowed:
            if "export" in path or path == f"/attempts/{world['attempt']}":
                continue
            html = world["clients"][user].get(path).text
            for form in re.findall(r'<form method="post".*?</form>', html, flags=re.DOTALL):
                assert 'name="csrf" value="' in form, (user, path, form[:200])
                forms += 1
    assert forms > 10


def test_a_signed_out_visitor_meets_the_sign_in_page_only(world: dict) -> None:
    anonymous = world["clients"]["anonymous"]
    for path in ("/", "/journal", "/journal/week", "/account", "/account/export.json", "/cohort", "/admin"):
        answer = anonymous.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/login"), path
    assert anonymous.get("/login").status_code == 200


def test_a_trainee_sees_only_their_own_attempts(world: dict, tmp_path: Path) -> None:
    index = world["clients"]["paula"].get("/").text
    assert world["attempt"] not in index
    assert world["attempt"] in world["clients"]["pat"].get("/").text


def test_the_debrief_compares_only_with_the_same_trainees_earlier_attempts(tmp_path: Path) -> None:
    built = make_world(tmp_path)
    try:
        start = datetime(2026, 1, 5, 9, tzinfo=UTC)
        with Session(built.app.state.engine) as session:
            for n, owner in enumerate((built.ids["pat"], built.ids["paula"], built.ids["pat"], None)):
                at = start + timedelta(hours=n)
                session.add(db.Attempt(id=f"{n:016x}", scenario="setback", seed=13, created_at=at, finished_at=at,
                                       owner_id=owner))  # fmt: skip
            session.commit()
            later = start + timedelta(days=1)
            mine = db.attempts_like(session, "setback", 13, later, built.ids["pat"])
            assert [a.id for a in mine] == [f"{2:016x}", f"{0:016x}"]
            assert [a.id for a in db.attempts_like(session, "setback", 13, later, None)] == [f"{3:016x}"]
    finally:
        built.close()
