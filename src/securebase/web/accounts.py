"""Accounts of the team server: passwords (argon2), server-side sessions, throttled sign-in, TOTP, and who may see what.

A session is a random id in an HttpOnly cookie; the database keeps only its SHA-256, so a copy of the database
opens no session. Signing in makes a new session (rotation: an id planted before sign-in is worth nothing);
signing out ends it; a changed password ends every session of that user.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from securebase.web import db

SESSION_COOKIE = "sb_session"
#: how long a session lasts without signing in again
SESSION_LIFETIME = timedelta(hours=12)
#: failed sign-ins in a row (per account, and per client address) before each further try must wait
FREE_FAILURES = 5
#: the wait after the first failure over FREE_FAILURES; it doubles with each further failure, up to MAX_WAIT
FIRST_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=30)
#: how long failed sign-ins are remembered after the last of them: a record untouched for this long is deleted
#: (each failure and each purge deletes them), so the table cannot grow for ever; a modelling choice far longer
#: than MAX_WAIT, so that a guesser who waits out the longest wait still meets it
FAILURE_MEMORY = timedelta(days=1)
#: the shortest password accepted (NIST SP 800-63B asks for at least 8; a passphrase of 12 is our choice)
MIN_PASSWORD = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
#: a child's pseudonymous code: one to three capital letters then one to four digits (C12, KB407); the digit
#: requirement keeps names out
CHILD_CODE = re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$")
TEAM_NAME = re.compile(r"^[\w .,'()&-]{2,80}$")

_hasher = PasswordHasher()
#: checked against when the name is unknown, so that an unknown name takes as long as a wrong password
_UNKNOWN = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_ok(user: db.User | None, password: str) -> bool:
    """Whether ``password`` is the user's (an unknown user, None, costs the same time and is never accepted)."""
    try:
        return _hasher.verify(user.password_hash if user is not None else _UNKNOWN, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not accepted, or None."""
    if len(password) < MIN_PASSWORD:
        return f"the password has {len(password)} characters; expected at least {MIN_PASSWORD}"
    if len(password) > 200:
        return f"the password has {len(password)} characters; expected at most 200"
    return None


def _hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(session: Session, user: db.User) -> str:
    """A new session for ``user``: its id for the cookie (only its hash is stored)."""
    session_id = secrets.token_urlsafe(32)
    session.execute(delete(db.WebSession).where(db.WebSession.expires_at < db.now()))  # expired ones, of anyone
    session.add(db.WebSession(id_hash=_hash_id(session_id), user_id=user.id, created_at=db.now(),
                              expires_at=db.now() + SESSION_LIFETIME))  # fmt: skip
    return session_id


def user_of(session: Session, session_id: str | None) -> db.User | None:
    """The signed-in user of a cookie's session id, or None (no such session, or it has expired)."""
    if not session_id or len(session_id) > 100:
        return None
    row = session.get(db.WebSession, _hash_id(session_id))
    if row is None or db.aware(row.expires_at) <= db.now():
        return None
    return session.get(db.User, row.user_id)


def end_session(session: Session, session_id: str | None) -> None:
    if session_id:
        session.execute(delete(db.WebSession).where(db.WebSession.id_hash == _hash_id(session_id)))


def end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(db.WebSession).where(db.WebSession.user_id == user_id))


# ---- throttling ----------------------------------------------------------------------------------------------------


def throttle_keys(username: str, address: str) -> list[str]:
    return [f"user:{username[:60]}", f"address:{address[:60]}"]


def wait_left(session: Session, keys: list[str], at: datetime | None = None) -> timedelta:
    """How long the next try must still wait: nothing for the first FREE_FAILURES failures in a row, then
    FIRST_WAIT doubling with each failure (exponential back-off), the longest of the keys."""
    at = at or db.now()
    longest = timedelta(0)
    for key in keys:
        row = session.get(db.LoginFailure, key)
        if row is None or row.failures < FREE_FAILURES:
            continue
        wait = min(MAX_WAIT, FIRST_WAIT * 2 ** (row.failures - FREE_FAILURES))
        longest = max(longest, db.aware(row.last_at) + wait - at)
    return longest


def forget_old_failures(session: Session, at: datetime | None = None) -> int:
    """Delete the failed sign-ins of keys whose last failure is older than FAILURE_MEMORY; how many went."""
    cutoff = (at or db.now()) - FAILURE_MEMORY
    return session.execute(delete(db.LoginFailure).where(db.LoginFailure.last_at < cutoff)).rowcount


def failed(session: Session, keys: list[str]) -> None:
    forget_old_failures(session)  # with every failure: guesses at ever new names or from ever new addresses
    for key in keys:
        row = session.get(db.LoginFailure, key)
        if row is None:
            session.add(db.LoginFailure(key=key, failures=1, last_at=db.now()))
        else:
            row.failures, row.last_at = row.failures + 1, db.now()


def succeeded(session: Session, keys: list[str]) -> None:
    session.execute(delete(db.LoginFailure).where(db.LoginFailure.key.in_(keys)))


# ---- a second factor ---------------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_ok(secret: str, code: str) -> bool:
    """A six-digit code from the authenticator app, allowing one 30-second step of clock drift."""
    return bool(re.fullmatch(r"[0-9]{6}", code)) and pyotp.TOTP(secret).verify(code, valid_window=1)


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="securebase")


def totp_qr_svg(uri: str) -> str:
    """The key's otpauth URI as a QR code for the authenticator app's camera: an inline SVG (made here, no network;
    segno), dark on a white ground so that it scans in a dark theme too."""
    import segno  # only the account page needs it

    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title="QR code of the key")


# ---- who may see what ------------------------------------------------------------------------------------------------


def team_ids(user: db.User) -> set[int]:
    return {team.id for team in user.teams}


def child_of(session: Session, user: db.User, child_id: str) -> db.Child | None:
    """A child of one of the user's teams, or None (unknown, or another team's: the two are not told apart)."""
    child = session.get(db.Child, int(child_id)) if child_id.isdigit() and len(child_id) < 12 else None
    return child if child is not None and child.team_id in team_ids(user) else None


def cohort(session: Session, trainer: db.User) -> list[db.User]:
    """The members of a trainer's teams (the trainer included), each once, by name."""
    members = {m.id: m for team in trainer.teams for m in team.members}
    return sorted(members.values(), key=lambda m: m.username)


def create_user(session: Session, username: str, password: str, role: str, teams: list[str]) -> db.User:
    """A new user in ``teams`` (made when missing); ValueError naming the field, the value and what was expected."""
    if not USERNAME.match(username):
        raise ValueError(f"username {username[:60]!r} is not accepted; expected 2 to 40 lower-case letters, digits, "
                         "dots, dashes or underscores, starting with a letter or digit")  # fmt: skip
    if role not in db.ROLES:
        raise ValueError(f"role {role[:40]!r} is not one of {', '.join(db.ROLES)}")
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    if session.scalar(select(db.User).where(db.User.username == username)) is not None:
        raise ValueError(f"username {username!r} is taken; expected a new one")
    user = db.User(username=username, password_hash=hash_password(password), role=role, created_at=db.now())
    session.add(user)
    session.flush()
    for name in teams:
        session.add(db.Membership(user_id=user.id, team_id=team_named(session, name).id))
    return user


def team_named(session: Session, name: str) -> db.Team:
    """The team called ``name``, made when missing; ValueError for a name that is not accepted."""
    name = name.strip()
    if not TEAM_NAME.match(name):
        raise ValueError(f"team {name[:80]!r} is not accepted; expected 2 to 80 letters, digits, spaces or .,'()&-")
    team = session.scalar(select(db.Team).where(db.Team.name == name))
    if team is None:
        team = db.Team(name=name)
        session.add(team)
        session.flush()
    return team
