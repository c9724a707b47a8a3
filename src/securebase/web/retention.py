"""Retention applied without anyone remembering to: journal entries older than the retention setting are deleted,
and so are failed sign-ins older than the throttle's memory and expired sessions.

The team server purges when it starts and then once a day (a background task of its own, ended when it stops);
``securebase practise purge`` does the same from cron, for a server that is often restarted or a database that
several servers share. A purge that deletes entries leaves an audit row saying how many, the retention and what
ran it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from securebase.web import accounts, db

#: the retention of journal entries unless an administrator sets another (days); a default to be set to the
#: service's own policy, not a recommendation
DEFAULT_RETENTION_DAYS = 365
#: how often the team server purges while it runs (it purges when it starts as well)
PURGE_EVERY = timedelta(days=1)


@dataclass(frozen=True)
class Purged:
    entries: int
    retention_days: int
    login_failures: int
    sessions: int

    def describe(self) -> str:
        return (f"{self.entries} journal entries older than {self.retention_days} days, {self.login_failures} "
                f"failed sign-in records, {self.sessions} expired sessions")  # fmt: skip


def retention_days(session: Session) -> int:
    row = session.get(db.Setting, "retention_days")
    return int(row.value) if row is not None else DEFAULT_RETENTION_DAYS


def purge(session: Session, by: str, at: datetime | None = None) -> Purged:
    """Delete what is kept longer than it may be, as of ``at`` (now by default); ``by`` names what ran it in the
    audit row. The caller commits."""
    at = at or db.now()
    days = retention_days(session)
    cutoff = at - timedelta(days=days)
    old = list(session.scalars(select(db.JournalEntry.id).where(db.JournalEntry.occurred_at < cutoff)))
    if old:
        session.execute(delete(db.EntryVersion).where(db.EntryVersion.entry_id.in_(old)))
        session.execute(delete(db.JournalEntry).where(db.JournalEntry.id.in_(old)))
        db.audit(session, None, "retention-purge", f"{len(old)} entries older than {days} days ({by})"[:80])
    failures = accounts.forget_old_failures(session, at)
    sessions = session.execute(delete(db.WebSession).where(db.WebSession.expires_at < at)).rowcount
    return Purged(len(old), days, failures, sessions)
