"""Encrypted backups and their restore (securebase practise backup / restore), on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from securebase.cli import main
from securebase.web import backup, db
from securebase.web.migrate import upgrade

#: notes a trainee might write, and the values that break a careless encoding
NOTES = ["", "plain", "naïve “quotes” ‘and’ — dashes", "two\nlines\r\nand a tab\t", "emoji 😀 and 中文", "x" * 1000,
         '{"json": "inside"}', "back\\slash", "control \x01\x1f"]  # fmt: skip


def populate(url: str, attempts: int = 3, moments: int = 240) -> None:
    """A database at the latest revision with rows in every table: more choices than one insert batch."""
    upgrade(url)
    engine = db.make_engine(url)
    db.signing_key(engine)
    start = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
    with Session(engine) as session:
        for a in range(attempts):
            attempt = db.Attempt(id=f"{a:016x}", scenario="rupture", seed=2**31 - 1 - a, coaching=a % 2 == 0,
                                 created_at=start + timedelta(days=a), drill="repair" if a == 1 else None,
                                 parent_id=f"{0:016x}" if a == 2 else None, branched_at=4 if a == 2 else None,
                                 finished_at=start + timedelta(days=a, hours=1) if a != 1 else None)  # fmt: skip
            attempt.choices = [db.Choice(moment=m, response="comfort" if m % 3 else "repair",
                                         note=NOTES[m % len(NOTES)], created_at=start + timedelta(minutes=m))
                               for m in range(moments)]  # fmt: skip
            session.add(attempt)
        session.commit()
    engine.dispose()


def contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the app's schema, in primary-key order, times in UTC."""
    engine = db.make_engine(url)
    found = {}
    with engine.connect() as connection:
        for table in db.Base.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns))
            found[table.name] = [tuple(_utc(v) for v in row) for row in rows]
        found["alembic_version"] = [(backup.revision_of(connection),)]
    engine.dispose()
    return found


def _utc(value: Any) -> Any:
    # SQLite keeps the app's UTC times without their zone, PostgreSQL with it: compared as UTC either way
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def latest_revision() -> str:
    """This securebase's newest migration (tables and revisions added later need no change here)."""
    return backup._known_revisions("sqlite://")[-1]


def mentions(message: str, rows: dict[str, int]) -> bool:
    """Whether a message names each table's rows as given (other tables may be named too)."""
    return all(re.search(rf"\b{table} {n}\b", message) for table, n in rows.items())


@pytest.fixture
def key() -> bytes:
    return backup.new_key()


def test_backup_then_restore_gives_identical_data(new_database: Callable[[], str], tmp_path: Path, key: bytes) -> None:
    source, target = new_database(), new_database()
    populate(source)
    summary = backup.backup(source, tmp_path / "team.backup", key)
    assert set(summary.rows) == {table.name for table in db.Base.metadata.sorted_tables}
    assert {t: summary.rows[t] for t in ("settings", "attempts", "choices")} == {"settings": 1, "attempts": 3,
                                                                                  "choices": 720}  # fmt: skip
    assert stat.S_IMODE((tmp_path / "team.backup").stat().st_mode) == 0o600
    assert b"naive" not in (tmp_path / "team.backup").read_bytes()  # encrypted: no note in clear
    restored = backup.restore(target, tmp_path / "team.backup", key)
    assert restored.rows == summary.rows
    before, after = contents(source), contents(target)
    assert set(after) == {t.name for t in db.Base.metadata.sorted_tables} | {"alembic_version"}
    for table in before:
        assert after[table] == before[table], table
    # the restored database takes new rows (on PostgreSQL: its id sequence was moved past the restored ids)
    engine = db.make_engine(target)
    with Session(engine) as session:
        session.add(
            db.Choice(attempt_id=f"{1:016x}", moment=999, response="comfort", note="after", created_at=db.now())
        )
        session.commit()
        assert session.scalar(select(db.Choice.id).where(db.Choice.moment == 999)) == 721
    engine.dispose()


def test_every_table_of_the_schema_is_in_a_backup(tmp_path: Path, key: bytes) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    populate(url, attempts=1, moments=2)
    backup.backup(url, tmp_path / "a.backup", key)
    head, body, counts = backup.read(tmp_path / "a.backup", key)
    names = [table.name for table in db.Base.metadata.sorted_tables]  # parents before children
    assert head["tables"] == names
    assert list(counts) == names
    # every table's rows, and only rows: the tables left empty here (accounts, journal) have a count of 0
    assert {line["table"] for line in body} == {name for name in names if counts[name]}
    assert {"attempts", "choices", "settings"} <= {line["table"] for line in body}


def test_a_backup_from_sqlite_restores_into_either_database(database_url: str, tmp_path: Path, key: bytes) -> None:
    """The way from one machine (SQLite) to a team server (PostgreSQL): the same rows, the times still UTC."""
    source = f"sqlite:///{tmp_path / 'one-machine.sqlite'}"
    populate(source, attempts=2, moments=5)
    backup.backup(source, tmp_path / "a.backup", key)
    backup.restore(database_url, tmp_path / "a.backup", key)
    assert contents(database_url) == contents(source)


def test_an_older_revision_restores_and_is_migrated_on(new_database: Callable[[], str], tmp_path: Path,
                                                       key: bytes) -> None:  # fmt: skip
    source, target = new_database(), new_database()
    upgrade(source, "0002")
    engine = db.make_engine(source)
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO attempts (id, scenario, seed, coaching, created_at, finished_at) "
                                   "VALUES ('00000000000000aa', 'setback', 13, false, '2026-01-01 10:00:00', NULL)")  # fmt: skip
    engine.dispose()
    assert backup.backup(source, tmp_path / "old.backup", key).revision == "0002"
    backup.restore(target, tmp_path / "old.backup", key)
    after = contents(target)
    assert after["alembic_version"] == [(latest_revision(),)]
    assert [row[:3] for row in after["attempts"]] == [("00000000000000aa", "setback", 13)]


def test_a_database_with_rows_is_refused_unless_replace(new_database: Callable[[], str], tmp_path: Path,
                                                        key: bytes) -> None:  # fmt: skip
    source, target = new_database(), new_database()
    populate(source, attempts=2, moments=3)
    populate(target, attempts=3, moments=4)  # other rows, some with the same ids
    backup.backup(source, tmp_path / "a.backup", key)
    with pytest.raises(backup.BackupError, match=r"the database is not empty \(.* rows\); expected") as refused:
        backup.restore(target, tmp_path / "a.backup", key)
    assert mentions(str(refused.value), {"settings": 1, "attempts": 3, "choices": 12})
    assert len(contents(target)["choices"]) == 12  # nothing changed
    backup.restore(target, tmp_path / "a.backup", key, replace=True)
    assert contents(target) == contents(source)  # the backup's rows, none of the old ones


def test_a_database_at_another_revision_is_refused(tmp_path: Path, key: bytes) -> None:
    source, target = f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}"
    populate(source, attempts=1, moments=1)
    backup.backup(source, tmp_path / "a.backup", key)
    upgrade(target, "0002")
    with pytest.raises(
        backup.BackupError, match=f"the database is at revision 0002, the backup at {latest_revision()}"
    ):
        backup.restore(target, tmp_path / "a.backup", key)
    stranger = f"sqlite:///{tmp_path / 'stranger.sqlite'}"
    engine = db.make_engine(stranger)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE pupils (name TEXT)")
    engine.dispose()
    with pytest.raises(backup.BackupError, match=r"has tables \(pupils\) but no securebase migration"):
        backup.restore(stranger, tmp_path / "a.backup", key)


def test_a_wrong_key_a_truncated_or_altered_file_and_a_stranger_are_refused(tmp_path: Path, key: bytes) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    populate(url, attempts=1, moments=3)
    good = tmp_path / "a.backup"
    backup.backup(url, good, key)
    data = good.read_bytes()
    target = f"sqlite:///{tmp_path / 'b.sqlite'}"
    with pytest.raises(backup.BackupError, match="was made with another key"):
        backup.restore(target, good, backup.new_key())
    (tmp_path / "cut.backup").write_bytes(data[: len(data) // 2])
    with pytest.raises(backup.BackupError, match=r"is truncated: \d+ of its \d+ bytes are there"):
        backup.restore(target, tmp_path / "cut.backup", key)
    altered = bytearray(data)
    altered[-10] = ord("A") if altered[-10] != ord("A") else ord("B")
    (tmp_path / "altered.backup").write_bytes(bytes(altered))
    with pytest.raises(backup.BackupError, match="is damaged or was altered"):
        backup.restore(target, tmp_path / "altered.backup", key)
    (tmp_path / "notes.txt").write_text("a note\n")
    with pytest.raises(backup.BackupError, match="is not a securebase backup"):
        backup.restore(target, tmp_path / "notes.txt", key)
    assert not (tmp_path / "b.sqlite").exists()  # refused before the database was touched


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["practise", *args], env={"SECUREBASE_BACKUP_KEY": "", **(env or {})})


def assert_one_line_error(result: Any, words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith("securebase: error: "), result.output
    assert result.output.count("\n") == 1, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_the_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    populate(url, attempts=2, moments=3)
    made = run("backup-key", str(tmp_path / "key"))
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600
    assert_one_line_error(run("backup-key", str(tmp_path / "key")), "exists already")
    out = tmp_path / "team.backup"
    assert_one_line_error(run("backup", "--database", url, "--out", str(out)), "no backup key: expected --key-file")
    assert not out.exists()
    done = run("backup", "--database", str(tmp_path / "team.sqlite"), "--out", str(out), "--key-file",
               str(tmp_path / "key"))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"rows at revision {latest_revision()} (" in done.output
    assert mentions(done.output, {"settings": 1, "attempts": 2, "choices": 6})
    verified = run("verify-backup", str(out), "--key-file", str(tmp_path / "key"))
    assert verified.exit_code == 0, verified.output
    assert f"is a whole backup: {done.output.split('backed up ')[1].split(' to ')[0]}" in verified.output
    (tmp_path / "cut.backup").write_bytes(out.read_bytes()[:-5])
    assert_one_line_error(run("verify-backup", str(tmp_path / "cut.backup"), "--key-file", str(tmp_path / "key")),
                          "is truncated")  # fmt: skip
    # the key may come from the environment instead
    key = (tmp_path / "key").read_text().strip()
    restored = run("restore", "--database", f"sqlite:///{tmp_path / 'new.sqlite'}", str(out),
                   env={"SECUREBASE_BACKUP_KEY": key})  # fmt: skip
    assert restored.exit_code == 0, restored.output
    assert contents(f"sqlite:///{tmp_path / 'new.sqlite'}") == contents(url)
    again = run("restore", "--database", f"sqlite:///{tmp_path / 'new.sqlite'}", str(out),
                env={"SECUREBASE_BACKUP_KEY": key})  # fmt: skip
    assert_one_line_error(again, "the database is not empty")
    assert run("restore", "--database", f"sqlite:///{tmp_path / 'new.sqlite'}", str(out), "--replace",
               env={"SECUREBASE_BACKUP_KEY": key}).exit_code == 0  # fmt: skip
    other = backup.new_key().decode()
    assert_one_line_error(run("restore", "--database", f"sqlite:///{tmp_path / 'c.sqlite'}", str(out),
                              env={"SECUREBASE_BACKUP_KEY": other}), "was made with another key")  # fmt: skip
    assert_one_line_error(run("restore", "--database", f"sqlite:///{tmp_path / 'c.sqlite'}", str(out),
                              env={"SECUREBASE_BACKUP_KEY": "not a key"}), "does not hold a backup key")  # fmt: skip
    assert_one_line_error(run("backup", "--database", str(tmp_path / "absent.sqlite"), "--out", str(out),
                              "--key-file", str(tmp_path / "key")), "there is no such SQLite file")  # fmt: skip
    assert not (tmp_path / "absent.sqlite").exists()
    key_file = str(tmp_path / "key")
    for database, words in [("postgresql+psycopg://someone:secret@127.0.0.1:1/none", "cannot be read (OperationalError"),
                            ("nosuchdb://x", "cannot be read"), ("://", "cannot be read")]:  # fmt: skip
        refused = run("backup", "--database", database, "--out", str(out), "--key-file", key_file)
        assert_one_line_error(refused, words)
        assert "secret" not in refused.output  # the password is never shown
    unwritable = tmp_path / "no-such-folder" / "team.backup"

    assert_one_line_error(run("backup", "--database", url, "--out", str(unwritable), "--key-file",
                              str(tmp_path / "key")), f"--out '{unwritable}' cannot be written")  # fmt: skip


def test_a_backup_reads_every_table_as_of_one_moment_while_the_server_writes(database_url: str) -> None:
    """The dump's transaction is a snapshot: a row committed by another connection during it is not half seen."""
    from sqlalchemy import func

    populate(database_url, attempts=1, moments=2)
    reading, writing = db.make_engine(database_url), db.make_engine(database_url)
    try:
        with backup._snapshot(reading) as connection:
            before = connection.scalar(select(func.count()).select_from(db.Choice))
            with Session(writing) as session:
                session.add(
                    db.Choice(attempt_id=f"{0:016x}", moment=2, response="comfort", note="", created_at=db.now())
                )
                session.commit()
            assert connection.scalar(select(func.count()).select_from(db.Choice)) == before
        with reading.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(db.Choice)) == before + 1
    finally:
        reading.dispose()
        writing.dispose()
