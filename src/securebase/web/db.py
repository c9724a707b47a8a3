"""Saved attempts, and the team server's accounts, journal and audit: SQLAlchemy 2 tables (SQLite by default; a
PostgreSQL URL works the same).

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
    """Server-wide values that must survive a restart (the key that signs the forms' tokens, the journal's
    retention in days)."""

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
    # added by migration 0004: the trainee whose attempt it is (None: the single-user loopback app, no accounts)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True)


class Choice(Base):
    __tablename__ = "choices"
    __table_args__ = (UniqueConstraint("attempt_id", "moment", name="one_choice_per_moment"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    moment: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


# ---- accounts (migration 0004) --------------------------------------------------------------------------------

#: a user's role: a practitioner (also a trainee), a trainer or coordinator of their teams, an administrator
ROLES = ("practitioner", "trainer", "admin")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: the base32 secret of the user's authenticator app (None: no second factor)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    teams: Mapped[list[Team]] = relationship(secondary="memberships", order_by="Team.name", viewonly=True)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    members: Mapped[list[User]] = relationship(secondary="memberships", order_by="User.username", viewonly=True)


class Membership(Base):
    __tablename__ = "memberships"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)


class WebSession(Base):
    """A signed-in browser: the SHA-256 of the random id its cookie holds (a stolen database opens no session)."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """Failed sign-ins in a row, per account (``user:NAME``) and per client address (``address:IP``)."""

    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class AuditEvent(Base):
    """One view or change: who (a user id, kept after the user is deleted), what, when. Rows are only ever added:
    the code has no path that updates or deletes one."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(80), default="")


def audit(session: Session, actor_id: int | None, action: str, target: str = "") -> None:
    """Add an audit row to ``session`` (committed with the change it records, or alone for a view)."""
    session.add(AuditEvent(at=now(), actor_id=actor_id, action=action, target=target[:80]))


# ---- the journal (migration 0005) --------------------------------------------------------------------------------


class Child(Base):
    """A child as a pseudonymous code within a team (never a name)."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("team_id", "code", name="one_code_per_team"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    team: Mapped[Team] = relationship()


class JournalEntry(Base):
    """One entry of an adult's journal about a child; what it says is in its versions (amendments add one)."""

    __tablename__ = "journal_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: moment (a need, the response, how it went), rupture, repair, exploration or figure
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    versions: Mapped[list[EntryVersion]] = relationship(order_by="EntryVersion.version", cascade="all, delete-orphan")
    child: Mapped[Child] = relationship()

    @property
    def current(self) -> EntryVersion:
        return self.versions[-1]


class EntryVersion(Base):
    __tablename__ = "entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="one_row_per_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    #: a moment's need (comfort, explore), the adult's response (a repertoire key) and how it went
    need: Mapped[str | None] = mapped_column(String(20), nullable=True)
    response: Mapped[str | None] = mapped_column(String(40), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: an exploration event (hard-thing, peer, setback), or a figure map's whom and where
    event: Mapped[str | None] = mapped_column(String(20), nullable=True)
    figure: Mapped[str | None] = mapped_column(String(20), nullable=True)
    place: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    #: why an amendment was made (empty for the first version)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone (SQLite gives times back without one; they were written in UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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


def attempts_like(session: Session, scenario: str, seed: int, before: datetime, owner_id: int | None) -> list[Attempt]:
    """The same trainee's finished attempts at the same scenario and child (seed), earlier than ``before``, newest
    first."""
    owner = Attempt.owner_id.is_(None) if owner_id is None else Attempt.owner_id == owner_id
    query = (
        select(Attempt)
        .where(Attempt.scenario == scenario, Attempt.seed == seed, Attempt.finished_at.is_not(None), owner)
        .where(Attempt.created_at < before)
        .order_by(Attempt.created_at.desc())
        .limit(3)
    )
    return list(session.scalars(query))
