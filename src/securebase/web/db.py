"""Saved attempts: SQLAlchemy 2 tables (SQLite by default; a PostgreSQL URL works the same).

An attempt is a scenario, a seed and the responses chosen, one row per moment. The child's state is
never stored: it is the environment replayed from the seed and the responses (the same numbers every
time), so a server killed mid-attempt loses at most the moment in flight. The schema is made by the
Alembic migrations in ``web/migrations`` (run at start: :func:`securebase.web.migrate.upgrade`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

#: the most characters a trainee's note may have
NOTE_LIMIT = 1000


class Base(DeclarativeBase):
    pass


def now() -> datetime:
    return datetime.now(UTC)


class Setting(Base):
    """Server-wide values that must survive a restart (the key that signs the forms' tokens)."""

    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Attempt(Base):
    __tablename__ = "attempts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(40))
    seed: Mapped[int] = mapped_column(Integer)
    coaching: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    # added by migration 0002
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # added by migration 0003: a drill's skill (None: a whole term), and the attempt this one plays on from
    drill: Mapped[str | None] = mapped_column(String(20), nullable=True)
    parent_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: the moments copied from the parent (the trainee chooses anew from the next one)
    branched_at: Mapped[int | None] = mapped_column(Integer, nullable=True)
    choices: Mapped[list[Choice]] = relationship(order_by="Choice.moment", cascade="all, delete-orphan")


class Choice(Base):
    __tablename__ = "choices"
    __table_args__ = (UniqueConstraint("attempt_id", "moment", name="one_choice_per_moment"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    moment: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite in WAL mode, waiting for locks rather than failing under load."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def signing_key(engine: Engine) -> bytes:
    """The key that signs form tokens: made once, kept in the database (tokens survive a restart)."""
    with Session(engine) as session:
        row = session.get(Setting, "signing_key")
        if row is None:
            session.add(Setting(name="signing_key", value=secrets.token_hex(32)))
            try:
                session.commit()
            except IntegrityError:  # another process made it first
                session.rollback()
            row = session.get(Setting, "signing_key")
        return bytes.fromhex(row.value)


def new_attempt_id() -> str:
    return secrets.token_hex(8)


def attempts_like(session: Session, scenario: str, seed: int, before: datetime) -> list[Attempt]:
    """Finished attempts at the same scenario and child (seed), earlier than ``before``, newest first."""
    query = (
        select(Attempt)
        .where(Attempt.scenario == scenario, Attempt.seed == seed, Attempt.finished_at.is_not(None))
        .where(Attempt.created_at < before)
        .order_by(Attempt.created_at.desc())
        .limit(3)
    )
    return list(session.scalars(query))
