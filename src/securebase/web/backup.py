"""Encrypted backups of the web app's database, and their restore (``securebase practise backup`` / ``restore``).

A backup holds every table of :data:`securebase.web.db.Base.metadata` (so a table added by a later migration is
covered without a change here), parents before children, one JSON line per row, compressed (gzip) and encrypted
with Fernet (the ``cryptography`` library: AES-128-CBC with an HMAC-SHA256 over the whole file, so a wrong key, a
truncated file or a changed byte is refused, never half read). The file is::

    securebase-backup 1 <key id> <length>\\n<Fernet token of the gzip'd JSON lines>

The first line is plain so that a wrong key and a truncated file can each be told in one line before anything is
decrypted: the key id is an HMAC of a fixed text under the key (it names the key without revealing it), the length
is the token's. Inside, the first line records the Alembic revision the database was at and the tables, each row
line is ``{"table": ..., "row": {...}}``, and the last line counts the rows of each table (a check that the whole
backup was read). The whole backup is held in memory while it is written or read: fine for a team's journal (tens
of megabytes); docs/practise-operations.md says how to back up a larger database with the database's own tools.

Restore goes into an empty database: one with no tables is migrated to the backup's revision first; one at the
backup's revision must hold no rows unless ``replace`` (then its rows are deleted first, in the same transaction as
the load). After the load the database is migrated on to this securebase's latest revision and, on PostgreSQL,
each table's id sequence is moved past the restored ids (a restored row must not be handed out again).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import gzip
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Integer, Table, delete, func, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from securebase.web import db, migrate

MAGIC = b"securebase-backup"
FORMAT_VERSION = 1
#: the environment variable that may hold the key (a key file is the other way: docs/practise-operations.md)
KEY_VARIABLE = "SECUREBASE_BACKUP_KEY"
#: rows inserted per statement during a restore
BATCH = 500


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one plain line naming what and why."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds or a restore loaded: the revision and each table's rows."""

    revision: str
    rows: dict[str, int]

    def describe(self) -> str:
        counted = ", ".join(f"{table} {n}" for table, n in self.rows.items())
        return f"{sum(self.rows.values())} rows at revision {self.revision} ({counted})"


# ---- the key ---------------------------------------------------------------------------------------------------


def new_key() -> bytes:
    """A new random key (32 bytes, url-safe base64, as Fernet takes it)."""
    return Fernet.generate_key()


def write_key(path: Path) -> None:
    """Write a new key to ``path``, readable by its owner only; an existing file is never overwritten."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"the key file '{path}' exists already; expected a new path (a key is never overwritten: "
                          "the backups made with it would be lost)") from None  # fmt: skip
    except OSError as error:
        raise BackupError(f"the key file '{path}' cannot be written ({error.strerror or error})") from None
    with os.fdopen(handle, "wb") as file:
        file.write(new_key() + b"\n")


def load_key(key_file: Path | None, environ: dict[str, str] | None = None) -> bytes:
    """The key from ``key_file``, else from $SECUREBASE_BACKUP_KEY; a missing or malformed key is refused."""
    environ = os.environ if environ is None else environ
    if key_file is not None:
        try:
            raw, where = Path(key_file).read_bytes().strip(), f"the key file '{key_file}'"
        except OSError as error:
            raise BackupError(f"--key-file '{key_file}' cannot be read ({error.strerror or error})") from None
    elif environ.get(KEY_VARIABLE):
        raw, where = environ[KEY_VARIABLE].strip().encode(), f"${KEY_VARIABLE}"
    else:
        raise BackupError(f"no backup key: expected --key-file FILE or ${KEY_VARIABLE} (make a key once with "
                          "'securebase practise backup-key FILE' and keep it apart from the backups)")  # fmt: skip
    try:
        Fernet(raw)
    except ValueError:
        raise BackupError(f"{where} does not hold a backup key; expected 44 characters of url-safe base64 (as "
                          "'securebase practise backup-key FILE' writes)") from None  # fmt: skip
    return raw


def key_id(key: bytes) -> str:
    """A name for the key that does not reveal it: the first 16 hex digits of an HMAC of a fixed text."""
    return hmac.new(key, b"securebase backup key id", hashlib.sha256).hexdigest()[:16]


# ---- values ----------------------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """A column's value as JSON: the JSON types as they are, the others as text the column's type reads back."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _decoder(column: Any) -> Any:
    """How to read a column's JSON value back into the Python value its type takes."""
    try:
        kind = column.type.python_type
    except NotImplementedError:  # a type without one (JSON, ...): its value is JSON already
        return None
    if kind is dt.datetime and getattr(column.type, "timezone", False):
        # the app writes every time in UTC; SQLite keeps them without their zone, so a backup from SQLite restored
        # into PostgreSQL says UTC rather than let the server's own zone be assumed
        return lambda value: _in_utc(dt.datetime.fromisoformat(value))
    if kind is dt.datetime:
        return dt.datetime.fromisoformat
    if kind is dt.date:
        return dt.date.fromisoformat
    if kind is dt.time:
        return dt.time.fromisoformat
    if kind is bytes:
        return base64.b64decode
    if kind is decimal.Decimal:
        return decimal.Decimal
    if kind is uuid.UUID:
        return uuid.UUID
    if kind is dt.timedelta:
        return lambda seconds: dt.timedelta(seconds=seconds)
    return None


def _in_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# ---- the database ----------------------------------------------------------------------------------------------


def revision_of(connection: Connection) -> str | None:
    """The Alembic revision the database is at (None: never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def _known_revisions(url: str) -> list[str]:
    """This securebase's revisions, oldest first."""
    scripts = ScriptDirectory.from_config(migrate.config(url))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def _tables(connection: Connection) -> list[tuple[Table, list[Any]]]:
    """The tables of Base.metadata present in the database, parents first, each with the columns it has there
    (a database at an older revision lacks the columns later migrations add)."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    unknown = present - set(db.Base.metadata.tables) - {"alembic_version"}
    if unknown:
        raise BackupError(f"the database has tables securebase does not know ({', '.join(sorted(unknown))}); "
                          "expected only securebase's own (is it the right database?)")  # fmt: skip
    found = []
    for table in db.Base.metadata.sorted_tables:
        if table.name in present:
            names = {column["name"] for column in inspector.get_columns(table.name)}
            found.append((table, [column for column in table.columns if column.name in names]))
    return found


def _dump(connection: Connection, revision: str) -> tuple[bytes, Summary]:
    tables = _tables(connection)
    lines = [json.dumps({"securebase_backup": FORMAT_VERSION, "revision": revision,
                         "tables": [table.name for table, _ in tables]})]  # fmt: skip
    rows: dict[str, int] = {}
    for table, columns in tables:
        order = list(table.primary_key.columns) or columns
        count = 0
        for row in connection.execute(select(*columns).order_by(*order)).mappings():
            lines.append(json.dumps({"table": table.name, "row": {k: _encode(v) for k, v in row.items()}},
                                    ensure_ascii=False))  # fmt: skip
            count += 1
        rows[table.name] = count
    lines.append(json.dumps({"end": True, "rows": rows}))
    return ("\n".join(lines) + "\n").encode("utf-8"), Summary(revision, rows)


def backup(url: str, out: Path, key: bytes) -> Summary:
    """Write an encrypted backup of the database at ``url`` to ``out`` (readable by its owner only, written under
    a temporary name and renamed into place, so a crash never leaves half a backup under the name)."""
    engine = db.make_engine(url)
    try:
        # one transaction for the whole dump: on PostgreSQL a repeatable-read snapshot, on SQLite a read
        # transaction (WAL; the driver begins none for a SELECT, so it is begun here): every table as of one
        # moment, while the server goes on writing
        with _snapshot(engine) as connection:
            revision = revision_of(connection)
            if revision is None:
                raise BackupError(f"the database {safe_url(url)} has never been migrated; expected one that "
                                  "securebase has started on")  # fmt: skip
            if revision not in _known_revisions(url):
                raise BackupError(f"the database is at revision {revision}, which this securebase does not know; "
                                  "expected the securebase that runs the server")  # fmt: skip
            plain, summary = _dump(connection, revision)
    finally:
        engine.dispose()
    token = Fernet(key).encrypt(gzip.compress(plain, mtime=0))
    header = b"%s %d %s %d\n" % (MAGIC, FORMAT_VERSION, key_id(key).encode(), len(token))
    _write_private(out, header + token)
    return summary


@contextlib.contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            yield connection
        return
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
        yield connection


def _write_private(path: Path, data: bytes) -> None:
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.unlink(missing_ok=True)  # a leftover keeps its own mode: made anew, owner-only
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # on disk before it takes the name: a backup that is there is whole
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"--out '{path}' cannot be written ({error.strerror or error})") from None


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL SQLAlchemy reads: say so rather than echo what may hold a password
        return "(a URL that cannot be read)"


# ---- reading a backup ------------------------------------------------------------------------------------------


def read(path: Path, key: bytes) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, int]]:
    """The backup at ``path``: its header, its row lines and its row counts; one clear error for a file that is not
    a backup, made with another key, truncated or altered."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise BackupError(f"the backup '{path}' cannot be read ({error.strerror or error})") from None
    first, _, token = data.partition(b"\n")
    words = first.split(b" ")
    if len(words) != 4 or words[0] != MAGIC or not words[3].isdigit():
        raise BackupError(f"'{path}' is not a securebase backup; expected a file written by "
                          "'securebase practise backup'")  # fmt: skip
    if words[1] != str(FORMAT_VERSION).encode():
        raise BackupError(f"'{path}' is a backup of format {words[1].decode(errors='replace')}; this securebase "
                          f"reads format {FORMAT_VERSION}")  # fmt: skip
    if words[2].decode(errors="replace") != key_id(key):
        raise BackupError(f"'{path}' was made with another key (key id {words[2].decode(errors='replace')}; this "
                          f"key's id is {key_id(key)}); expected the key the backup was made with")  # fmt: skip
    expected = int(words[3])
    if len(token) < expected:
        raise BackupError(f"'{path}' is truncated: {len(token)} of its {expected} bytes are there; expected a "
                          "whole backup (copy it again)")  # fmt: skip
    try:
        plain = gzip.decompress(Fernet(key).decrypt(token))
    except (InvalidToken, OSError, EOFError):
        raise BackupError(f"'{path}' is damaged or was altered (it fails its authentication check); expected the "
                          "backup as written") from None  # fmt: skip
    lines = plain.decode("utf-8").splitlines()
    head, body, end = json.loads(lines[0]), [json.loads(line) for line in lines[1:-1]], json.loads(lines[-1])
    if head.get("securebase_backup") != FORMAT_VERSION or not end.get("end"):
        raise BackupError(f"'{path}' holds no complete backup; expected one written by 'securebase practise backup'")
    return head, body, end["rows"]


def verify(path: Path, key: bytes) -> Summary:
    """What the backup at ``path`` holds, having read it whole (each row line counted against the last line's
    counts); nothing is restored. The errors are :func:`read`'s."""
    head, body, counts = read(path, key)
    found = dict.fromkeys(head["tables"], 0)
    for line in body:
        found[line["table"]] = found.get(line["table"], 0) + 1
    if found != counts:
        raise BackupError(f"'{path}' holds {found} rows but says {counts}; expected a whole backup")
    return Summary(head["revision"], counts)


# ---- restore ---------------------------------------------------------------------------------------------------


def restore(url: str, path: Path, key: bytes, replace: bool = False) -> Summary:
    """Load the backup at ``path`` into the database at ``url`` (see the module for which databases it takes)."""
    head, body, counts = read(path, key)
    revision = head["revision"]
    known = _known_revisions(url)
    if revision not in known:
        raise BackupError(f"the backup is at revision {revision}, which this securebase does not know (it knows up "
                          f"to {known[-1]}); expected the securebase that made it, or a newer one")  # fmt: skip
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            existing = set(inspect(connection).get_table_names())
            current = revision_of(connection)
        if not existing:
            migrate.upgrade(url, revision)
        elif current is None:
            raise BackupError(f"the database has tables ({', '.join(sorted(existing))}) but no securebase migration; "
                              "expected a new empty database, or one that securebase made")  # fmt: skip
        elif current != revision:
            raise BackupError(f"the database is at revision {current}, the backup at {revision}; expected a new "
                              "empty database (restore migrates it) or one at the backup's revision")  # fmt: skip
        with engine.begin() as connection:
            tables = {table.name: (table, columns) for table, columns in _tables(connection)}
            missing = [name for name in head["tables"] if name not in tables]
            if missing:
                raise BackupError(f"the database lacks the backup's tables {', '.join(missing)}; expected a "
                                  f"database at revision {revision}")  # fmt: skip
            full = {name: n for name, (table, _) in tables.items()
                    if (n := connection.scalar(select(func.count()).select_from(table)))}  # fmt: skip
            if full and not replace:
                held = ", ".join(f"{name} {n}" for name, n in full.items())
                raise BackupError(f"the database is not empty ({held} rows); expected an empty one, or --replace "
                                  "to delete its rows and load the backup's")  # fmt: skip
            for table, _ in reversed(list(tables.values())):
                connection.execute(delete(table))
            _load(connection, tables, body)
            loaded = {name: connection.scalar(select(func.count()).select_from(tables[name][0])) for name in counts}
            if loaded != counts:
                raise BackupError(f"the restore loaded {loaded} rows, the backup holds {counts}; nothing was "
                                  "changed")  # fmt: skip
            if connection.dialect.name == "postgresql":
                _move_sequences(connection, [table for table, _ in tables.values()])
    finally:
        engine.dispose()
    migrate.upgrade(url)
    return Summary(revision, counts)


def _load(connection: Connection, tables: dict[str, tuple[Table, list[Any]]], body: list[dict[str, Any]]) -> None:
    decoders = {name: {c.name: _decoder(c) for c in columns} for name, (_, columns) in tables.items()}
    batch: list[dict[str, Any]] = []
    batch_table: str | None = None

    def flush() -> None:
        if batch:
            connection.execute(insert(tables[batch_table][0]), batch)
            batch.clear()

    for line in body:
        name, row = line["table"], line["row"]
        if name not in decoders:
            raise BackupError(f"the backup has rows of a table '{name}' it did not list; expected a whole backup")
        unknown = set(row) - set(decoders[name])
        if unknown:
            raise BackupError(f"the backup's {name} rows have columns the database lacks ({', '.join(sorted(unknown))})"
                              f"; expected a database at the backup's revision")  # fmt: skip
        if name != batch_table or len(batch) >= BATCH:
            flush()
            batch_table = name
        batch.append(
            {k: (v if v is None or decoders[name][k] is None else decoders[name][k](v)) for k, v in row.items()}
        )
    flush()


def _move_sequences(connection: Connection, tables: list[Table]) -> None:
    """Move each integer id's sequence past the largest restored id (rows were inserted with their ids)."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                         {"t": table.name, "c": column.name})  # fmt: skip
            if sequence is not None:
                quote = connection.dialect.identifier_preparer.quote
                largest = f"SELECT MAX({quote(column.name)}) FROM {quote(table.name)}"
                connection.execute(text(f"SELECT setval(:s, COALESCE(({largest}), 0) + 1, false)"), {"s": sequence})
