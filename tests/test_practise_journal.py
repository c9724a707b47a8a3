"""The practice journal: entries in a few taps, rupture-to-repair times, the weekly summary and the meeting page, the
link to a drill, amendments as versions, the safeguarding boundary, exports, deletion, retention and the audit."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from practise_helpers import add_child, form_token, log, make_world, team_id
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from securebase.cli import main
from securebase.web import db, journal
from securebase.web.safeguarding import concern

SRC = Path(__file__).resolve().parents[1] / "src" / "securebase"


@pytest.fixture
def world(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    """The world on each database the app supports (conftest's database_url: SQLite, and PostgreSQL when given)."""
    made = make_world(tmp_path, database_url)
    yield made
    made.close()


def rows(world, sql: str, **params) -> list:  # type: ignore[no-untyped-def]
    engine = create_engine(world.url)
    with engine.connect() as connection:
        found = [tuple(r) for r in connection.execute(text(sql), params)]
    engine.dispose()
    return found


def back_date(world, entry_id: int, when: datetime) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(world.url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE journal_entries SET occurred_at = :w WHERE id = :i"), {"w": when, "i": entry_id}
        )
    engine.dispose()


def last_entry(world) -> int:  # type: ignore[no-untyped-def]
    return rows(world, "SELECT max(id) FROM journal_entries")[0][0]


def entry(kind: str, at: datetime, author: int = 1, child: int = 1, **fields: str) -> db.JournalEntry:
    made = db.JournalEntry(kind=kind, occurred_at=at, author_id=author, child_id=child)
    made.versions = [db.EntryVersion(version=1, note="", reason="", **fields)]
    return made


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def test_rupture_to_repair_times() -> None:
    entries = [
        entry("repair", T0 - timedelta(hours=1)),  # nothing open: mends nothing, counts nothing
        entry("rupture", T0),
        entry("repair", T0 + timedelta(minutes=25)),
        entry("rupture", T0 + timedelta(hours=2)),
        entry("rupture", T0 + timedelta(hours=3)),  # a second before the repair: one repair mends both
        entry("repair", T0 + timedelta(hours=5)),
        entry("rupture", T0 + timedelta(hours=1), author=2),  # another adult's: their own pair
        entry("rupture", T0 + timedelta(hours=6)),  # still open
    ]
    found = journal.repairs(entries)
    assert [(r.rupture_at - T0, r.time) for r in found] == [
        (timedelta(0), timedelta(minutes=25)),
        (timedelta(hours=1), None),
        (timedelta(hours=2), timedelta(hours=3)),
        (timedelta(hours=3), timedelta(hours=2)),
        (timedelta(hours=6), None),
    ]
    assert journal.duration_words(timedelta(minutes=25)) == "25 minutes"
    assert journal.duration_words(timedelta(seconds=20)) == "under a minute"
    assert journal.duration_words(timedelta(seconds=50)) == "1 minute"
    assert journal.duration_words(timedelta(hours=3)) == "3.0 hours"


def test_the_time_between_a_rupture_and_its_repair_is_shown(world) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    assert log(pat, child, kind="rupture").status_code == 303
    back_date(world, last_entry(world), datetime.now(UTC) - timedelta(minutes=90))
    assert "A rupture is open" in pat.get(f"/journal/children/{child}").text
    assert log(pat, child, kind="repair").status_code == 303
    page = pat.get(f"/journal/children/{child}").text
    assert "repaired after 1.5 hours" in page
    assert "No rupture open" in page


def test_an_entry_takes_its_taps_and_refuses_what_the_form_does_not_offer(world) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    page = pat.get(f"/journal/children/{child}").text
    # the moment's form: two choices and one button that saves (three taps); the note is optional
    moment_form = page.split('aria-labelledby="moment-h"')[1].split("</form>")[0]
    assert moment_form.count('type="submit"') == len(journal.OUTCOMES)
    assert 'name="note"' in moment_form
    assert "required" not in moment_form.split('name="note"')[1].split(">")[0]
    for bad, words in (({"kind": "moment", "need": "comfort", "response": "hug", "outcome": "settled"}, "response 'hug'"),
                       ({"kind": "moment", "need": "food", "response": "comfort", "outcome": "settled"}, "need 'food'"),
                       ({"kind": "diary"}, "kind 'diary'"),
                       ({"kind": "exploration", "event": "flew"}, "event 'flew'")):  # fmt: skip
        answer = log(pat, child, **bad)
        assert answer.status_code == 400, bad
        assert words in html.unescape(answer.text)
    assert rows(world, "SELECT count(*) FROM journal_entries") == [(0,)]
    for fields in ({"kind": "moment", "need": "explore", "response": "help_little", "outcome": "partly"},
                   {"kind": "exploration", "event": "peer"}, {"kind": "figure", "figure": "me", "place": "playground"}):  # fmt: skip
        assert log(pat, child, **fields).status_code == 303
    assert rows(world, "SELECT kind FROM journal_entries ORDER BY id") == [("moment",), ("exploration",), ("figure",)]


def test_a_child_is_a_code_never_a_name(world) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    page = pat.get("/journal")
    for name in ("Amy", "Amy Smith", "C", "ABCD12", "12"):
        answer = pat.post("/journal/children", data={"csrf": form_token(page.text, "/journal/children"), "code": name,
                                                     "team": str(team_id(world, "North"))})  # fmt: skip
        assert answer.status_code == 400, name
        assert "never a name" in answer.text
    assert rows(world, "SELECT count(*) FROM children") == [(0,)]


def test_a_concern_is_not_stored_and_the_adult_is_told_where_it_goes(world) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    words = "He told me his dad hit him at home last night"
    assert concern(words) is not None
    assert concern("We built a tower together and she laughed when it fell") is None
    answer = log(pat, child, kind="moment", need="comfort", response="comfort", outcome="settled", note=words)
    assert answer.status_code == 422
    assert "has not been saved" in answer.text
    assert "designated safeguarding lead" in answer.text
    assert rows(world, "SELECT count(*) FROM journal_entries") == [(0,)]
    assert rows(world, "SELECT count(*) FROM entry_versions") == [(0,)]
    prompts = rows(world, "SELECT actor_id, target FROM audit_events WHERE action = 'safeguarding-prompt'")
    assert prompts == [(world.ids["pat"], f"child:{child}")]
    everything = " ".join(str(r) for r in rows(world, "SELECT * FROM audit_events"))
    assert "dad" not in everything
    # an amendment's note or reason is held to the same boundary
    assert log(pat, child, kind="exploration", event="peer").status_code == 303
    entry_id = last_entry(world)
    page = pat.get(f"/journal/entries/{entry_id}").text
    amend = pat.post(f"/journal/entries/{entry_id}", data={"csrf": form_token(page, f"/journal/entries/{entry_id}"),
                                                           "event": "peer", "note": "",
                                                           "reason": "she has bruises on her arms"})  # fmt: skip
    assert amend.status_code == 422
    assert rows(world, "SELECT count(*) FROM entry_versions") == [(1,)]


def test_amendments_keep_every_version_with_its_reason(world) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    log(pat, child, kind="moment", need="comfort", response="ignore", outcome="not-yet", note="first words")
    entry_id = last_entry(world)
    page = pat.get(f"/journal/entries/{entry_id}").text
    action = f"/journal/entries/{entry_id}"
    fields = {"need": "comfort", "response": "comfort", "outcome": "partly", "note": "second words"}
    no_reason = pat.post(action, data={"csrf": form_token(page, action), **fields, "reason": " "})
    assert no_reason.status_code == 400
    assert pat.post(action, data={"csrf": form_token(page, action), **fields, "reason": "I chose the wrong button"}
                    ).status_code == 303  # fmt: skip
    versions = rows(world, "SELECT version, response, note, reason FROM entry_versions WHERE entry_id = :e "
                    "ORDER BY version", e=entry_id)  # fmt: skip
    assert versions == [(1, "ignore", "first words", ""), (2, "comfort", "second words", "I chose the wrong button")]
    shown = pat.get(action).text
    assert "first words" in shown
    assert "Amended because: I chose the wrong button" in shown


def test_the_week_strengths_first_and_a_drill_for_what_was_hard(world) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    for response, outcome in (("comfort", "settled"), ("notice_name", "settled"), ("ignore", "not-yet"),
                              ("give_space", "not-yet"), ("redirect_sharply", "not-yet")):  # fmt: skip
        assert log(pat, child, kind="moment", need="comfort", response=response, outcome=outcome).status_code == 303
    log(pat, child, kind="moment", need="explore", response="take_over", outcome="not-yet")
    log(pat, child, kind="exploration", event="hard-thing")
    log(pat, child, kind="figure", figure="me", place="classroom")
    page = pat.get("/journal/week").text
    assert page.index("What went well") < page.index("To reflect on")
    assert "2 of your 6 responses fitted what the child needed" in page
    assert "The child turned to you 1 time." in page
    figure_map = page.split("Whom the child turned to, and where</caption>")[1].split("</table>")[0]
    assert re.search(r"<th scope=\"row\">Me</th><td>1</td>", figure_map)
    assert "Classroom" in figure_map
    assert "Playground" not in figure_map
    assert "tried something hard (1)" in page
    # comfort that did not settle was the most frequent hard moment: the drill that reads what a child shows
    drill = page.split('class="drill"')[1].split("</section>")[0]
    assert 'name="skill" value="miscues"' in drill
    assert "C12" not in drill  # only the kind of moment goes to the rehearsal
    # no figure is presented as a verdict on the child: the page says so, and uses no such word elsewhere
    disclaimer = "they are not a measure or a diagnosis of any child"
    assert disclaimer in page
    verdicts = r"\b(diagnos\w*|disorder|avoidant|ambivalent|disorgani[sz]ed|insecure|at risk|score)\b"
    assert not re.search(verdicts, page.replace(disclaimer, ""), re.IGNORECASE)
    other_week = pat.get(f"/journal/week?start={(date.today() - timedelta(days=14)).isoformat()}").text
    assert "No entries in this span yet" in other_week
    assert pat.get("/journal/week?start=yesterday").status_code == 400


def test_the_summary_counts_and_the_qualities_follow_the_repertoire() -> None:
    from securebase.rehearse.repertoire import index_of, response

    entries = [entry("moment", T0 + timedelta(hours=h), need="comfort", response=r, outcome="settled")
               for h, r in enumerate(("comfort", "ignore"))]  # fmt: skip
    entries.append(entry("rupture", T0 + timedelta(days=1)))
    entries.append(entry("repair", T0 + timedelta(days=1, hours=5)))
    found = journal.summary(entries, T0.date(), T0.date() + timedelta(days=7))
    assert found.moments == 2
    assert found.fitted == 1  # comfort fits a need for comfort; carrying on with something else does not
    assert journal.fits("explore", response(index_of("encourage")))
    assert not journal.fits("explore", response(index_of("take_over")))
    assert not journal.fits("comfort", response(index_of("encourage")))
    both = (response(index_of("comfort")), response(index_of("ignore")))
    assert found.qualities["warmth"] == pytest.approx((both[0].warmth + both[1].warmth) / 2)
    assert (found.ruptures, found.repaired, found.median_repair) == (1, 1, timedelta(hours=5))
    assert found.drill == "repair"  # a repair later than LONG_REPAIR
    assert journal.summary(entries, T0.date() + timedelta(days=7), T0.date() + timedelta(days=14)).entries == 0


def test_the_meeting_page_has_its_plots_and_prints(world) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    log(pat, child, kind="moment", need="explore", response="encourage", outcome="settled")
    page = pat.get(f"/journal/children/{child}/meeting").text
    assert page.count("<svg viewBox") == 2
    assert "1 helped, 0 partly, 0 not yet" in page  # the plot's text alternative holds this week's numbers
    assert "noprint" in page


def test_exports_of_a_child_and_of_an_adult(world) -> None:  # type: ignore[no-untyped-def]
    pat, tess, tom = world.client("pat"), world.client("tess"), world.client("tom")
    child = add_child(pat, "C12", team_id(world, "North"))
    other = add_child(pat, "D4", team_id(world, "North"))
    south = add_child(tom, "S9", team_id(world, "South"))
    log(pat, child, kind="moment", need="comfort", response="comfort", outcome="settled", note="pat on C12")
    log(tess, child, kind="figure", figure="adult", place="lunch", note="tess on C12")
    log(pat, other, kind="exploration", event="peer", note="pat on D4")
    log(tom, south, kind="rupture", note="tom on S9")
    exported = tess.get(f"/team/children/{child}/export.json")
    assert exported.headers["content-disposition"] == 'attachment; filename="child-C12.json"'
    data = json.loads(exported.text)
    assert data["child"] == "C12"
    assert sorted((r["author"], r["note"]) for r in data["journal"]) == [("pat", "pat on C12"), ("tess", "tess on C12")]
    table = list(csv.DictReader(io.StringIO(tess.get(f"/team/children/{child}/export.csv").text)))
    assert sorted(r["note"] for r in table) == ["pat on C12", "tess on C12"]
    assert {r["record"] for r in table} == {"journal"}
    mine = json.loads(pat.get("/account/export.json").text)
    assert mine["user"] == "pat"
    assert mine["teams"] == ["North"]
    assert sorted(r["note"] for r in mine["journal"]) == ["pat on C12", "pat on D4"]
    assert any(e["action"] == "entry-added" for e in mine["audit"])
    assert "tess on C12" not in json.dumps(mine)
    mine_csv = list(csv.DictReader(io.StringIO(pat.get("/account/export.csv").text)))
    assert {r["record"] for r in mine_csv} == {"journal", "audit"}
    assert rows(world, "SELECT count(*) FROM audit_events WHERE action IN ('child-exported', 'adult-exported')") == [
        (4,)
    ]


def test_deletion_of_a_child_and_of_an_adult(world) -> None:  # type: ignore[no-untyped-def]
    pat, tess, ada = world.client("pat"), world.client("tess"), world.client("ada")
    child = add_child(pat, "C12", team_id(world, "North"))
    keep = add_child(pat, "D4", team_id(world, "North"))
    log(pat, child, kind="rupture")
    log(tess, child, kind="exploration", event="peer")
    log(pat, keep, kind="exploration", event="setback")
    page = tess.get("/journal").text  # the delete form's token is for this purpose, any page's cookie
    from securebase.web import security

    token = security.token(world.app.state.key, tess.cookies[security.CSRF_COOKIE], f"delete-child:{child}")
    wrong = tess.post(f"/team/children/{child}/delete", data={"csrf": token, "confirm": "D4"})
    assert wrong.status_code == 400
    assert tess.post(f"/team/children/{child}/delete", data={"csrf": token, "confirm": "C12"}).status_code == 303
    assert rows(world, "SELECT code FROM children") == [("D4",)]
    assert rows(world, "SELECT count(*) FROM journal_entries") == [(1,)]
    assert rows(world, "SELECT count(*) FROM entry_versions") == [(1,)]
    assert rows(world, "SELECT count(*) FROM audit_events WHERE action = 'child-deleted'") == [(1,)]
    assert "D4" in page
    admin_page = ada.get("/admin").text
    action = f"/admin/users/{world.ids['pat']}/delete"
    assert ada.post(action, data={"csrf": form_token(admin_page, action), "confirm": "pat"}).status_code == 303
    assert rows(world, "SELECT count(*) FROM journal_entries") == [(0,)]
    assert rows(world, "SELECT username FROM users WHERE username = 'pat'") == []
    assert pat.get("/journal").headers["location"] == "/login"  # their sessions went with them
    # the audit trail keeps what happened, with the number the user had
    assert rows(world, "SELECT count(*) FROM audit_events WHERE actor_id = :p", p=world.ids["pat"])[0][0] > 3


def test_retention_deletes_old_entries(world) -> None:  # type: ignore[no-untyped-def]
    pat, ada = world.client("pat"), world.client("ada")
    child = add_child(pat, "C12", team_id(world, "North"))
    log(pat, child, kind="exploration", event="peer")
    old = last_entry(world)
    log(pat, child, kind="exploration", event="setback")
    back_date(world, old, datetime.now(UTC) - timedelta(days=100))
    page = ada.get("/admin").text
    refused = ada.post("/admin/retention", data={"csrf": form_token(page, "/admin/retention"), "days": "5"})
    assert refused.status_code == 400
    assert "30 to 3650" in refused.text
    assert ada.post("/admin/retention", data={"csrf": form_token(page, "/admin/retention"), "days": "90"}
                    ).status_code == 303  # fmt: skip
    assert rows(world, "SELECT id FROM journal_entries") == [(old + 1,)]
    assert rows(world, "SELECT count(*) FROM entry_versions WHERE entry_id = :e", e=old) == [(0,)]
    assert rows(world, "SELECT target FROM audit_events WHERE action = 'retention-purge'") == [
        ("1 entries older than 90 days (retention set)",)
    ]


def test_the_server_purges_when_it_starts_and_daily_by_its_clock(world) -> None:  # type: ignore[no-untyped-def]
    """Retention applied without anyone clicking: the server purges on start, then every ``purge_every`` by its clock
    (here a clock the test moves, and a purge every 50 ms for a day), and its task ends when the server stops."""
    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    for event in ("peer", "setback", "hard-thing"):
        log(pat, child, kind="exploration", event=event)
    first, second, third = range(last_entry(world) - 2, last_entry(world) + 1)
    back_date(world, first, datetime.now(UTC) - timedelta(days=400))  # past the default 365 days
    back_date(world, second, datetime.now(UTC) - timedelta(days=300))
    app = world.app
    clock = [datetime.now(UTC)]
    app.state.clock, app.state.purge_every = lambda: clock[0], timedelta(milliseconds=50)
    with TestClient(app):  # the server starts: the first is deleted at once
        assert rows(world, "SELECT id FROM journal_entries ORDER BY id") == [(second,), (third,)]
        clock[0] += timedelta(days=100)  # 100 days on: the second is past 365 days; a daily purge deletes it
        deadline = time.monotonic() + 60
        while rows(world, "SELECT id FROM journal_entries ORDER BY id") != [(third,)]:
            assert time.monotonic() < deadline, "no daily purge deleted the entry"
            time.sleep(0.05)
        purging = app.state.purging
        assert not purging.done()
    assert purging.done()  # stopped with the server, cleanly
    assert purging.exception() is None
    assert rows(world, "SELECT count(*) FROM entry_versions WHERE entry_id IN (:a, :b)", a=first, b=second) == [(0,)]
    assert rows(world, "SELECT actor_id, target FROM audit_events WHERE action = 'retention-purge' ORDER BY id") == [
        (None, "1 entries older than 365 days (server start)"),
        (None, "1 entries older than 365 days (daily purge)"),
    ]


def test_the_purge_command_for_cron(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    log(pat, child, kind="exploration", event="peer")
    log(pat, child, kind="exploration", event="setback")
    back_date(world, last_entry(world) - 1, datetime.now(UTC) - timedelta(days=366))
    runner = CliRunner()
    purged = runner.invoke(main, ["practise", "purge", "--database", world.url])
    assert purged.exit_code == 0, purged.output
    assert "purged 1 journal entries older than 365 days" in purged.output
    assert rows(world, "SELECT id FROM journal_entries") == [(last_entry(world),)]
    assert rows(world, "SELECT actor_id, target FROM audit_events WHERE action = 'retention-purge'") == [
        (None, "1 entries older than 365 days (purge command)")
    ]
    again = runner.invoke(main, ["practise", "purge", "--database", world.url])
    assert "purged 0 journal entries" in again.output
    missing = runner.invoke(main, ["practise", "purge", "--database", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 2
    assert "no such SQLite file" in missing.output
    assert "Traceback" not in missing.output


def test_every_view_and_change_leaves_an_audit_row(world) -> None:  # type: ignore[no-untyped-def]
    pat, paula = world.client("pat"), world.client("paula")
    child = add_child(pat, "C12", team_id(world, "North"))
    before = rows(world, "SELECT count(*) FROM audit_events")[0][0]
    pat.get(f"/journal/children/{child}")
    log(pat, child, kind="exploration", event="peer")  # a view of the page, then the change
    paula.get(f"/journal/children/{child}")
    events = rows(world, "SELECT actor_id, action, target FROM audit_events WHERE id > :b ORDER BY id", b=before)
    pat_id, paula_id = world.ids["pat"], world.ids["paula"]
    assert events[0] == (pat_id, "view", f"GET /journal/children/{child} 200")
    assert (pat_id, "change", f"POST /journal/children/{child}/entries 303") in events
    assert (pat_id, "entry-added", f"entry:{last_entry(world)} child:{child}") in events
    assert events[-1] == (paula_id, "refused", f"GET /journal/children/{child} 404")
    with Session(world.app.state.engine) as session:
        assert all(e.at is not None for e in session.scalars(select(db.AuditEvent)))


def test_the_audit_trail_has_no_path_to_change_or_delete_a_row() -> None:
    """Append-only in the code: nothing updates or deletes an audit row (read from the source)."""
    for path in (SRC / "web").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"(update|delete)\(\s*(db\.)?AuditEvent", source), path
        assert not re.search(r"(UPDATE|DELETE FROM)\s+audit_events", source, re.IGNORECASE), path
        assert "session.delete(event" not in source


def test_a_backup_restores_the_accounts_the_journal_and_the_audit(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The operations' encrypted backup covers these tables too: restored into an empty database, every row of every
    table is the same (sessions and amendments included)."""
    from securebase.web import backup

    pat = world.client("pat")
    child = add_child(pat, "C12", team_id(world, "North"))
    log(pat, child, kind="moment", need="comfort", response="comfort", outcome="settled", note="a note")
    log(pat, child, kind="rupture")
    key = backup.new_key()
    backup.backup(world.url, tmp_path / "team.backup", key)
    copy = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    backup.restore(copy, tmp_path / "team.backup", key)
    for table in ("users", "teams", "memberships", "web_sessions", "children", "journal_entries", "entry_versions",
                  "audit_events", "attempts"):  # fmt: skip
        original = rows(world, f"SELECT * FROM {table} ORDER BY 1")
        engine = create_engine(copy)
        with engine.connect() as connection:
            restored = [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
        engine.dispose()
        assert len(restored) == len(original), table
        assert [r[0] for r in restored] == [r[0] for r in original], table
        if world.url.startswith("sqlite"):  # the same engine: the same values, exactly
            assert restored == original, table
