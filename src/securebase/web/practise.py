"""The team server's pages (``securebase practise``): sign-in and accounts, the journal, the trainer's cohort view,
the administration, exports and deletion.

Who may see what: a user sees their own attempts and their own journal, about children of their own teams; a
trainer also sees the cohort view of their teams' members and can export or delete a child of their teams; an
administrator manages users, teams and retention, and exports or deletes an adult. Anything else (another team's
child, another user's entry, a guessed id) is answered as if it did not exist (404). Every request leaves an
audit row (``app.Guard``); exports, deletions, amendments and safeguarding prompts leave their own as well.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import io
import json
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from securebase.rehearse import debrief, practice
from securebase.rehearse import scenario as library
from securebase.rehearse.repertoire import repertoire
from securebase.web import accounts, db, journal, retention
from securebase.web.pages import check_token, form, page
from securebase.web.safeguarding import PROMPT, concern

#: the attempts per trainee the cohort view replays (the latest): each is a simulation run again
COHORT_ATTEMPTS = 6
#: the weeks the meeting page plots
MEETING_WEEKS = 8


@functools.cache
def _hashing() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="password-check")


def _not_found(what: str = "page") -> HTTPException:
    return HTTPException(404, f"There is no such {what}, or it is not one of yours. It may have been typed wrongly.")


def _me(request: Request, session: Session) -> db.User:
    return session.get(db.User, request.state.user.id)


def _require(request: Request, role: str) -> None:
    """Pages for trainers or administrators only: to anyone else they do not exist."""
    if request.state.user.role != role:
        raise _not_found()


def _session_cookie(response: Response, request: Request, value: str, seconds: int) -> None:
    response.set_cookie(accounts.SESSION_COOKIE, value, max_age=seconds, path="/", httponly=True, samesite="lax",
                        secure=request.state.secure_cookies)  # fmt: skip


# ---- signing in and out, the account -------------------------------------------------------------------------------


def login_page(request: Request) -> Response:
    return page(request, "login.html", failed=None)


async def login(request: Request) -> Response:
    fields = await form(request)
    check_token(request, fields, "login")
    username, password = str(fields.get("username", ""))[:60].strip().lower(), str(fields.get("password", ""))
    code = str(fields.get("code", "")).strip()
    address = request.client.host if request.client else "unknown"
    keys = accounts.throttle_keys(username, address)
    engine = request.app.state.engine

    def throttle_and_user() -> tuple[timedelta, db.User | None]:
        with Session(engine) as session:
            user = session.scalar(select(db.User).where(db.User.username == username))
            if user is not None:
                session.expunge(user)
            return accounts.wait_left(session, keys), user

    # the database in worker threads, and no connection held while the password is checked: fifty sign-ins at
    # once would otherwise hold every connection of the pool while they wait for the hashing threads
    wait, user = await run_in_threadpool(throttle_and_user)
    if wait > timedelta(0):
        seconds = int(wait.total_seconds()) + 1
        return page(request, "login.html", status=429, failed=f"Too many tries that were not accepted. Wait "
                    f"{seconds} seconds, then try again.")  # fmt: skip
    # argon2 is slow by design (tenths of a second, 64 MiB each): in threads of its own, as many as there are
    # cores, so that sign-ins neither hold up other requests on the event loop or in its worker threads, nor
    # run fifty at once (a team signing in at nine) and thrash
    accepted = await asyncio.get_running_loop().run_in_executor(_hashing(), accounts.password_ok, user, password)
    if accepted and user.totp_secret and not accounts.totp_ok(user.totp_secret, code):
        accepted = False

    def record() -> str | None:
        """The failure counted, or a new session (its id) for the user."""
        with Session(engine) as session:
            if not accepted:
                accounts.failed(session, keys)
                session.commit()
                return None
            accounts.succeeded(session, keys)
            # a new session at every sign-in, and the browser's old one ended: an id planted beforehand is worth
            # nothing
            accounts.end_session(session, request.cookies.get(accounts.SESSION_COOKIE))
            new_id = accounts.start_session(session, user)
            db.audit(session, user.id, "sign-in", f"user:{user.id}")
            session.commit()
            return new_id

    session_id = await run_in_threadpool(record)
    if session_id is None:
        return page(request, "login.html", status=403, failed="That name, password or code was not accepted. "
                    "Check them and try again.")  # fmt: skip
    landing = "/admin" if user.role == "admin" else "/journal"
    answer = RedirectResponse(landing, status_code=303)
    _session_cookie(answer, request, session_id, int(accounts.SESSION_LIFETIME.total_seconds()))
    return answer


async def logout(request: Request) -> Response:
    fields = await form(request)
    check_token(request, fields, "logout")
    with Session(request.app.state.engine) as session:
        accounts.end_session(session, request.cookies.get(accounts.SESSION_COOKIE))
        session.commit()
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(accounts.SESSION_COOKIE, path="/")
    return answer


def account_page(request: Request) -> Response:
    secret = accounts.new_totp_secret()
    uri = accounts.totp_uri(secret, request.state.user.username)
    return page(request, "account.html", secret=secret, qr=Markup(accounts.totp_qr_svg(uri)),
                done=request.query_params.get("done"))  # fmt: skip


async def change_password(request: Request) -> Response:
    fields = await form(request)
    check_token(request, fields, "password")
    new = str(fields.get("new", ""))
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        if not accounts.password_ok(me, str(fields.get("current", ""))):
            raise HTTPException(403, "The current password was not accepted.")
        problem = accounts.password_problem(new)
        if problem:
            raise HTTPException(400, f"The new password was not accepted: {problem}.")
        me.password_hash = accounts.hash_password(new)
        # every session of this user ends, this browser's too: whoever had the old password is signed out
        accounts.end_all_sessions(session, me.id)
        db.audit(session, me.id, "password-changed", f"user:{me.id}")
        session.commit()
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(accounts.SESSION_COOKIE, path="/")
    return answer


async def set_totp(request: Request) -> Response:
    fields = await form(request)
    check_token(request, fields, "totp")
    secret, code = str(fields.get("secret", "")), str(fields.get("code", "")).strip()
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        if fields.get("turn") == "off":
            if not accounts.password_ok(me, str(fields.get("password", ""))):
                raise HTTPException(403, "The password was not accepted; the second factor is still on.")
            me.totp_secret = None
        else:
            if len(secret) != 32 or not accounts.totp_ok(secret, code):
                raise HTTPException(400, f"The code '{code[:10]}' is not the one the app shows for this key; expected "
                                    "the six digits it shows now.")  # fmt: skip
            me.totp_secret = secret
        db.audit(session, me.id, "totp-" + ("off" if fields.get("turn") == "off" else "on"), f"user:{me.id}")
        session.commit()
    return RedirectResponse("/account?done=totp", status_code=303)


# ---- the journal -------------------------------------------------------------------------------------------------


def _children(session: Session, me: db.User) -> list[db.Child]:
    teams = accounts.team_ids(me)
    return list(session.scalars(select(db.Child).where(db.Child.team_id.in_(teams)).order_by(db.Child.code)))


def _my_entries(session: Session, me: db.User, child: db.Child | None = None) -> list[db.JournalEntry]:
    query = select(db.JournalEntry).where(db.JournalEntry.author_id == me.id)
    if child is not None:
        query = query.where(db.JournalEntry.child_id == child.id)
    return list(session.scalars(query.order_by(db.JournalEntry.occurred_at.desc())))


def journal_page(request: Request) -> Response:
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        children = [(c, c.team.name) for c in _children(session, me)]
        return page(request, "journal.html", children=children, teams=me.teams)


async def add_child(request: Request) -> Response:
    fields = await form(request)
    check_token(request, fields, "child")
    code, team = str(fields.get("code", "")).strip().upper(), str(fields.get("team", ""))
    if not accounts.CHILD_CODE.match(code):
        raise HTTPException(400, f"The code '{code[:20]}' is not accepted: expected a pseudonymous code of one to "
                            "three capital letters then one to four digits (such as C12 or KB407), never a name.")  # fmt: skip
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        if not team.isdigit() or int(team) not in accounts.team_ids(me):
            raise HTTPException(400, "Choose one of your teams.")
        found = session.scalar(select(db.Child).where(db.Child.team_id == int(team), db.Child.code == code))
        if found is None:
            found = db.Child(team_id=int(team), code=code, created_at=db.now())
            session.add(found)
            session.flush()
            db.audit(session, me.id, "child-added", f"child:{found.id}")
        session.commit()
        return RedirectResponse(f"/journal/children/{found.id}", status_code=303)


def child_page(request: Request) -> Response:
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        child = accounts.child_of(session, me, request.path_params["child"]) or _raise(_not_found("child"))
        entries = _my_entries(session, me, child)
        spans = journal.repairs(entries)
        open_rupture = any(r.repaired_at is None for r in spans)
        return page(request, "child.html", child=child, entries=entries[:15], spans=spans[-5:],
                    open_rupture=open_rupture, saved=request.query_params.get("saved"), **_choices())  # fmt: skip


def _choices() -> dict[str, Any]:
    return {"needs": journal.NEEDS, "outcomes": journal.OUTCOMES, "events": journal.EVENTS,
            "figures": journal.FIGURES, "places": journal.PLACES, "repertoire": repertoire(),
            "labels": {r.key: r.label for r in repertoire()}, "duration": journal.duration_words}  # fmt: skip


def _raise(error: Exception) -> Any:
    raise error


def _entry_fields(fields: Any) -> dict[str, str | None]:
    return {name: (str(fields.get(name)) if fields.get(name) else None)
            for name in ("need", "response", "outcome", "event", "figure", "place")}  # fmt: skip


def _safeguarding(request: Request, session: Session, me: db.User, child: db.Child, *texts: str) -> Response | None:
    """The safeguarding boundary: text that reads like a concern is not stored; the adult is told where it goes."""
    for text in texts:
        reason = concern(text) if text else None
        if reason is not None:
            db.audit(session, me.id, "safeguarding-prompt", f"child:{child.id}")
            session.commit()
            return page(request, "safeguarding.html", status=422, reason=reason, child=child, prompt=PROMPT)
    return None


async def add_entry(request: Request) -> Response:
    fields = await form(request)
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        child = accounts.child_of(session, me, request.path_params["child"]) or _raise(_not_found("child"))
        check_token(request, fields, f"entry:{child.id}")
        # PostgreSQL's text cannot hold U+0000 (SQLite's can): no note needs it, so it is dropped on both
        kind, note = str(fields.get("kind", "")), str(fields.get("note", "")).replace("\x00", "")
        values = _entry_fields(fields)
        problem = journal.entry_problem(kind, values)
        if problem:
            raise HTTPException(400, f"The entry was not saved: {problem}.")
        if len(note) > db.NOTE_LIMIT:
            raise HTTPException(400, f"The note is {len(note)} characters long; keep it to {db.NOTE_LIMIT}.")
        stopped = _safeguarding(request, session, me, child, note)
        if stopped is not None:
            return stopped
        entry = db.JournalEntry(child_id=child.id, author_id=me.id, kind=kind, occurred_at=db.now())
        entry.versions = [db.EntryVersion(version=1, note=note, reason="", created_at=db.now(), **values)]
        session.add(entry)
        session.flush()
        db.audit(session, me.id, "entry-added", f"entry:{entry.id} child:{child.id}")
        child_id = child.id
        session.commit()
    return RedirectResponse(f"/journal/children/{child_id}?saved={kind}", status_code=303)


def _my_entry(session: Session, me: db.User, entry_id: str) -> db.JournalEntry:
    entry = session.get(db.JournalEntry, int(entry_id)) if entry_id.isdigit() and len(entry_id) < 12 else None
    if entry is None or entry.author_id != me.id or entry.child.team_id not in accounts.team_ids(me):
        raise _not_found("entry")
    return entry


def entry_page(request: Request) -> Response:
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        entry = _my_entry(session, me, request.path_params["entry"])
        return page(request, "entry.html", entry=entry, **_choices())


async def amend_entry(request: Request) -> Response:
    fields = await form(request)
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        entry = _my_entry(session, me, request.path_params["entry"])
        check_token(request, fields, f"amend:{entry.id}")
        reason = str(fields.get("reason", "")).replace("\x00", "").strip()
        note = str(fields.get("note", "")).replace("\x00", "")
        if not reason or len(reason) > 200:
            raise HTTPException(400, f"The reason for the amendment has {len(reason)} characters; expected 1 to 200.")
        if len(note) > db.NOTE_LIMIT:
            raise HTTPException(400, f"The note is {len(note)} characters long; keep it to {db.NOTE_LIMIT}.")
        values = _entry_fields(fields)
        problem = journal.entry_problem(entry.kind, values)
        if problem:
            raise HTTPException(400, f"The amendment was not saved: {problem}.")
        stopped = _safeguarding(request, session, me, entry.child, note, reason)
        if stopped is not None:
            return stopped
        entry.versions.append(db.EntryVersion(version=len(entry.versions) + 1, note=note, reason=reason,
                                              created_at=db.now(), **values))  # fmt: skip
        db.audit(session, me.id, "entry-amended", f"entry:{entry.id} version:{len(entry.versions)}")
        session.commit()
        return RedirectResponse(f"/journal/entries/{entry.id}", status_code=303)


def _week_start(request: Request) -> date:
    text = request.query_params.get("start")
    if text is None:
        return journal.week_of(db.now().date())
    try:
        return journal.week_of(date.fromisoformat(text))
    except ValueError:
        raise HTTPException(400, f"The week '{text[:20]}' is not a date; expected YYYY-MM-DD.") from None


def week_page(request: Request) -> Response:
    """The adult's week, all their children together: strengths first, then what to reflect on, and a drill."""
    start = _week_start(request)
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        entries = _my_entries(session, me)
        found = journal.summary(entries, start, start + timedelta(days=7))
        per_child: dict[str, int] = {}
        for e in entries:
            if start <= db.aware(e.occurred_at).date() < start + timedelta(days=7):
                per_child[e.child.code] = per_child.get(e.child.code, 0) + 1
        return page(request, "week.html", s=found, per_child=sorted(per_child.items()), drill=_drill(found.drill),
                    previous=start - timedelta(days=7), following=start + timedelta(days=7), **_choices())  # fmt: skip


def _drill(key: str | None) -> practice.Drill | None:
    return practice.DRILLS.get(key) if key else None


def meeting_page(request: Request) -> Response:
    """A printable page for a meeting about one child: the adult's last weeks with them, in plots and words."""
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        child = accounts.child_of(session, me, request.path_params["child"]) or _raise(_not_found("child"))
        entries = _my_entries(session, me, child)
        weeks = journal.weekly(entries, MEETING_WEEKS, db.now().date())
        whole = journal.summary(entries, weeks[0].start, weeks[-1].end)
        return page(request, "meeting.html", child=child, weeks=weeks, s=whole, drill=_drill(whole.drill),
                    bars=_bars(weeks), **_choices())  # fmt: skip


def _bars(weeks: list[journal.Summary]) -> dict[str, Any]:
    """Stacked weekly bars (how the moments went) and repair counts, as numbers for the SVG template."""
    most = max([w.moments for w in weeks] + [w.ruptures for w in weeks] + [1])
    return {"most": most, "weeks": [{"label": w.start.strftime("%d %b"), "settled": w.outcomes["settled"],
                                     "partly": w.outcomes["partly"], "not_yet": w.outcomes["not-yet"],
                                     "ruptures": w.ruptures, "repaired": w.repaired} for w in weeks]}  # fmt: skip


# ---- the trainer's cohort view -------------------------------------------------------------------------------------


def cohort_page(request: Request) -> Response:
    """Who practised what, how their choices and the child's consequences changed over their attempts, and the drill
    each needs next (the skill they missed most often, scored by ``practice.score``)."""
    _require(request, "trainer")
    envs = request.app.state.envs
    rows = []
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        for member in accounts.cohort(session, me):
            attempts = list(session.scalars(select(db.Attempt).where(db.Attempt.owner_id == member.id)
                                             .order_by(db.Attempt.created_at.desc()).limit(COHORT_ATTEMPTS)))  # fmt: skip
            played = []
            for attempt in reversed(attempts):
                responses = [c.response for c in attempt.choices]
                if not responses or attempt.scenario not in library.library():
                    continue
                with envs.lock_for(attempt.id):
                    trace = list(envs.env_for(attempt.id, attempt.scenario, attempt.seed, responses).trace)
                scores = [practice.score(m) for m in trace]
                played.append({"attempt": attempt, "title": library.get(attempt.scenario).title,
                               "moments": len(trace), "right": sum(s.right for s in scores),
                               "repairs": debrief.repair_summary(trace), "scores": scores,
                               "trust": debrief.end([m["trust"] for m in trace])})  # fmt: skip
            missed: dict[str, int] = {}
            for p in played:
                for s in p["scores"]:
                    if not s.right and s.drill:
                        missed[s.drill] = missed.get(s.drill, 0) + 1
            needs = sorted(missed, key=lambda k: -missed[k])[:2]
            rows.append({"member": member, "played": played, "needs": [practice.DRILLS[k] for k in needs]})
        return page(request, "cohort.html", rows=rows, teams=me.teams)


# ---- exports, deletion, retention -----------------------------------------------------------------------------------

ENTRY_COLUMNS = ("entry", "child", "team", "author", "kind", "occurred_at", "version", "need", "response", "outcome",
                 "event", "figure", "place", "note", "reason", "recorded_at")  # fmt: skip


def _entry_rows(entries: list[db.JournalEntry], names: dict[int, str]) -> list[dict[str, Any]]:
    return [{"entry": e.id, "child": e.child.code, "team": e.child.team.name, "author": names.get(e.author_id, ""),
             "kind": e.kind, "occurred_at": db.aware(e.occurred_at).isoformat(), "version": v.version, "need": v.need,
             "response": v.response, "outcome": v.outcome, "event": v.event, "figure": v.figure, "place": v.place,
             "note": v.note, "reason": v.reason, "recorded_at": db.aware(v.created_at).isoformat()}
            for e in entries for v in e.versions]  # fmt: skip


def _download(request: Request, name: str, records: dict[str, list[dict[str, Any]]], about: dict[str, Any]) -> Response:
    """``records`` as JSON (``about`` and every table) or CSV (one row per record, its table named first)."""
    fmt = request.path_params["format"]
    if fmt == "json":
        body = json.dumps({**about, **records}, indent=2, default=str)
        media = "application/json"
    elif fmt == "csv":
        out = io.StringIO()
        columns = ["record", *dict.fromkeys(k for rows in records.values() for row in rows for k in row)]
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for table, rows in records.items():
            for row in rows:
                writer.writerow({"record": table, **row})
        body, media = out.getvalue(), "text/csv"
    else:
        raise _not_found()
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'})


def _check_format(request: Request) -> None:
    """Before anything is read or audited: an export is JSON or CSV, and any other address does not exist."""
    if request.path_params["format"] not in ("json", "csv"):
        raise _not_found()


def _names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(db.User.id, db.User.username)).all())


def _trainer_child(request: Request, session: Session) -> tuple[db.User, db.Child]:
    _require(request, "trainer")
    me = _me(request, session)
    child = accounts.child_of(session, me, request.path_params["child"]) or _raise(_not_found("child"))
    return me, child


def child_export(request: Request) -> Response:
    """Everything kept about one child (a subject access request): every adult's entries, every version."""
    _check_format(request)
    with Session(request.app.state.engine) as session:
        me, child = _trainer_child(request, session)
        entries = list(session.scalars(select(db.JournalEntry).where(db.JournalEntry.child_id == child.id)
                                       .order_by(db.JournalEntry.occurred_at)))  # fmt: skip
        rows = _entry_rows(entries, _names(session))
        db.audit(session, me.id, "child-exported", f"child:{child.id} {request.path_params['format']}")
        session.commit()
        about = {"child": child.code, "team": child.team.name, "exported_at": db.now().isoformat()}
        return _download(request, f"child-{child.code}", {"journal": rows}, about)


async def child_delete(request: Request) -> Response:
    fields = await form(request)
    with Session(request.app.state.engine) as session:
        me, child = _trainer_child(request, session)
        check_token(request, fields, f"delete-child:{child.id}")
        if str(fields.get("confirm", "")).strip().upper() != child.code:
            raise HTTPException(400, f"Type the child's code ({child.code}) to confirm the deletion.")
        db.audit(session, me.id, "child-deleted", f"child:{child.id}")
        entry_ids = select(db.JournalEntry.id).where(db.JournalEntry.child_id == child.id)
        session.execute(delete(db.EntryVersion).where(db.EntryVersion.entry_id.in_(entry_ids)))
        session.execute(delete(db.JournalEntry).where(db.JournalEntry.child_id == child.id))
        session.execute(delete(db.Child).where(db.Child.id == child.id))
        session.commit()
    return RedirectResponse("/journal", status_code=303)


def _adult_records(session: Session, user: db.User) -> dict[str, list[dict[str, Any]]]:
    entries = list(session.scalars(select(db.JournalEntry).where(db.JournalEntry.author_id == user.id)
                                   .order_by(db.JournalEntry.occurred_at)))  # fmt: skip
    attempts = list(session.scalars(select(db.Attempt).where(db.Attempt.owner_id == user.id)
                                    .order_by(db.Attempt.created_at)))  # fmt: skip
    events = list(session.scalars(select(db.AuditEvent).where(db.AuditEvent.actor_id == user.id)
                                  .order_by(db.AuditEvent.id)))  # fmt: skip
    return {
        "journal": _entry_rows(entries, {user.id: user.username}),
        "attempts": [
            {
                "attempt": a.id,
                "scenario": a.scenario,
                "drill": a.drill,
                "seed": a.seed,
                "started_at": db.aware(a.created_at).isoformat(),
                "moment": c.moment,
                "response": c.response,
                "note": c.note,
                "answered_at": db.aware(c.created_at).isoformat(),
            }
            for a in attempts
            for c in a.choices
        ],
        "audit": [{"at": db.aware(e.at).isoformat(), "action": e.action, "target": e.target} for e in events],
    }


def _about(user: db.User) -> dict[str, Any]:
    return {"user": user.username, "role": user.role, "teams": [t.name for t in user.teams],
            "created_at": db.aware(user.created_at).isoformat(), "exported_at": db.now().isoformat()}  # fmt: skip


def my_export(request: Request) -> Response:
    _check_format(request)
    with Session(request.app.state.engine) as session:
        me = _me(request, session)
        db.audit(session, me.id, "adult-exported", f"user:{me.id} {request.path_params['format']}")
        session.commit()
        return _download(request, f"records-{me.username}", _adult_records(session, me), _about(me))


# ---- administration -----------------------------------------------------------------------------------------------


def admin_page(request: Request) -> Response:
    _require(request, "admin")
    with Session(request.app.state.engine) as session:
        users = list(session.scalars(select(db.User).order_by(db.User.username)))
        teams = list(session.scalars(select(db.Team).order_by(db.Team.name)))
        return page(request, "admin.html", users=users, all_teams=teams, roles=db.ROLES,
                    retention=retention.retention_days(session), done=request.query_params.get("done"))  # fmt: skip


async def admin_add_user(request: Request) -> Response:
    _require(request, "admin")
    fields = await form(request)
    check_token(request, fields, "add-user")
    team = str(fields.get("team", "")).strip()
    with Session(request.app.state.engine) as session:
        try:
            user = accounts.create_user(session, str(fields.get("username", "")).strip(),
                                        str(fields.get("password", "")), str(fields.get("role", "")),
                                        [team] if team else [])  # fmt: skip
        except ValueError as error:
            raise HTTPException(400, f"The user was not added: {error}.") from None
        db.audit(session, request.state.user.id, "user-added", f"user:{user.id}")
        session.commit()
    return RedirectResponse("/admin?done=user", status_code=303)


async def admin_add_member(request: Request) -> Response:
    _require(request, "admin")
    fields = await form(request)
    check_token(request, fields, "add-member")
    with Session(request.app.state.engine) as session:
        user_text = str(fields.get("user", ""))
        user = session.get(db.User, int(user_text)) if user_text.isdigit() and len(user_text) < 12 else None
        if user is None:
            raise HTTPException(400, "Choose one of the users listed.")
        try:
            team = accounts.team_named(session, str(fields.get("team", "")))
        except ValueError as error:
            raise HTTPException(400, f"The membership was not added: {error}.") from None
        if session.get(db.Membership, (user.id, team.id)) is None:
            session.add(db.Membership(user_id=user.id, team_id=team.id))
            db.audit(session, request.state.user.id, "member-added", f"user:{user.id} team:{team.id}")
        session.commit()
    return RedirectResponse("/admin?done=member", status_code=303)


async def admin_retention(request: Request) -> Response:
    _require(request, "admin")
    fields = await form(request)
    check_token(request, fields, "retention")
    text = str(fields.get("days", ""))
    if not text.isdigit() or not 30 <= int(text) <= 3650:
        raise HTTPException(400, f"The retention '{text[:10]}' is not accepted; expected whole days from 30 to 3650.")
    with Session(request.app.state.engine) as session:
        row = session.get(db.Setting, "retention_days")
        if row is None:
            session.add(db.Setting(name="retention_days", value=text))
        else:
            row.value = text
        db.audit(session, request.state.user.id, "retention-set", f"{int(text)} days")
        session.flush()
        retention.purge(session, "retention set")
        session.commit()
    return RedirectResponse("/admin?done=retention", status_code=303)


def _some_user(session: Session, request: Request) -> db.User:
    text = request.path_params["user"]
    user = session.get(db.User, int(text)) if text.isdigit() and len(text) < 12 else None
    return user or _raise(_not_found("user"))


def admin_user_export(request: Request) -> Response:
    _require(request, "admin")
    _check_format(request)
    with Session(request.app.state.engine) as session:
        user = _some_user(session, request)
        db.audit(session, request.state.user.id, "adult-exported", f"user:{user.id} {request.path_params['format']}")
        session.commit()
        return _download(request, f"records-{user.username}", _adult_records(session, user), _about(user))


async def admin_user_delete(request: Request) -> Response:
    """An adult and everything of theirs: sessions, memberships, journal entries, attempts (the audit rows stay,
    naming only the number the user had)."""
    _require(request, "admin")
    fields = await form(request)
    with Session(request.app.state.engine) as session:
        user = _some_user(session, request)
        check_token(request, fields, f"delete-user:{user.id}")
        if user.id == request.state.user.id:
            raise HTTPException(400, "An administrator cannot delete their own account here.")
        if str(fields.get("confirm", "")).strip() != user.username:
            raise HTTPException(400, f"Type the user's name ({user.username}) to confirm the deletion.")
        db.audit(session, request.state.user.id, "adult-deleted", f"user:{user.id}")
        for table, column in ((db.WebSession, db.WebSession.user_id), (db.Membership, db.Membership.user_id)):
            session.execute(delete(table).where(column == user.id))
        entry_ids = select(db.JournalEntry.id).where(db.JournalEntry.author_id == user.id)
        session.execute(delete(db.EntryVersion).where(db.EntryVersion.entry_id.in_(entry_ids)))
        session.execute(delete(db.JournalEntry).where(db.JournalEntry.author_id == user.id))
        attempt_ids = select(db.Attempt.id).where(db.Attempt.owner_id == user.id)
        session.execute(delete(db.Choice).where(db.Choice.attempt_id.in_(attempt_ids)))
        session.execute(delete(db.Attempt).where(db.Attempt.owner_id == user.id))
        session.execute(delete(db.User).where(db.User.id == user.id))
        session.commit()
    return RedirectResponse("/admin?done=deleted", status_code=303)


def audit_page(request: Request) -> Response:
    _require(request, "admin")
    with Session(request.app.state.engine) as session:
        events = list(session.scalars(select(db.AuditEvent).order_by(db.AuditEvent.id.desc()).limit(200)))
        return page(request, "audit.html", events=events, names=_names(session))


def routes() -> list[Route]:
    return [
        Route("/login", login_page),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/account", account_page),
        Route("/account/password", change_password, methods=["POST"]),
        Route("/account/totp", set_totp, methods=["POST"]),
        Route("/account/export.{format}", my_export),
        Route("/journal", journal_page),
        Route("/journal/children", add_child, methods=["POST"]),
        Route("/journal/children/{child}", child_page),
        Route("/journal/children/{child}/entries", add_entry, methods=["POST"]),
        Route("/journal/children/{child}/meeting", meeting_page),
        Route("/journal/entries/{entry}", entry_page),
        Route("/journal/entries/{entry}", amend_entry, methods=["POST"]),
        Route("/journal/week", week_page),
        Route("/cohort", cohort_page),
        Route("/team/children/{child}/export.{format}", child_export),
        Route("/team/children/{child}/delete", child_delete, methods=["POST"]),
        Route("/admin", admin_page),
        Route("/admin/users", admin_add_user, methods=["POST"]),
        Route("/admin/memberships", admin_add_member, methods=["POST"]),
        Route("/admin/retention", admin_retention, methods=["POST"]),
        Route("/admin/users/{user}/export.{format}", admin_user_export),
        Route("/admin/users/{user}/delete", admin_user_delete, methods=["POST"]),
        Route("/admin/audit", audit_page),
    ]
