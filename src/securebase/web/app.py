"""The rehearsal app: pages to choose a scenario, play the moments, read the debrief and export it; with accounts
(``securebase practise``), the team server, whose own pages are in ``practise.py``: each attempt then belongs to its
trainee, and another trainee's is answered as unknown.

Server-rendered (Starlette + Jinja2, one stylesheet); htmx (vendored) only swaps the what-if panel.
Every form carries a token bound to a cookie and to its purpose; a bad token, a forged value, an
unknown id, a body too large or a moment already answered gets a 4xx page and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from securebase.model.parameters import ModelParameters
from securebase.rehearse import coaching, debrief, practice, replay
from securebase.rehearse import scenario as library
from securebase.rehearse.coaching import Coaching
from securebase.rehearse.cues import Voice
from securebase.rehearse.repertoire import index_of, keys, repertoire, response
from securebase.web import accounts, db, pages, retention, security
from securebase.web.charts import chart
from securebase.web.migrate import upgrade
from securebase.web.play import Environments
from securebase.web.practise import routes as team_routes

log = logging.getLogger(__name__)
ID_PATTERN = re.compile(r"^[0-9a-f]{16}$")
#: how long a page waits for a child's history before it answers "preparing" (and the browser looks again)
PREPARING_WAIT_SECONDS = 1.0

_page, _error, _check_token, _form = pages.page, pages.error, pages.check_token, pages.form
stylesheet = pages.stylesheet


def owner_of(request: Request) -> int | None:
    """Whose attempts the request may see: the signed-in trainee's (None: the single-user app, no accounts)."""
    return request.state.user.id if request.app.state.accounts else None


def _attempt_or_404(request: Request, session: Session, attempt_id: str) -> db.Attempt:
    """The attempt, if it is the signed-in trainee's: another trainee's is as unknown as a mistyped id."""
    attempt = session.get(db.Attempt, attempt_id) if ID_PATTERN.match(attempt_id) else None
    if attempt is not None and attempt.owner_id != owner_of(request):
        attempt = None
    if attempt is None:
        raise HTTPException(404, f"There is no attempt '{attempt_id[:40]}'. It may have been typed wrongly.")
    return attempt


# ---- pages ---------------------------------------------------------------------------------------


def index(request: Request) -> HTMLResponse:
    band = request.query_params.get("band") or None
    if band is not None and band not in practice.BANDS:
        raise HTTPException(400, f"There is no age band '{band[:40]}'. Choose one from the list.")
    with Session(request.app.state.engine) as session:
        mine = select(db.Attempt).where(db.Attempt.owner_id == owner_of(request) if request.app.state.accounts
                                        else db.Attempt.owner_id.is_(None))  # fmt: skip
        recent = list(session.scalars(mine.order_by(db.Attempt.created_at.desc()).limit(10)))
        rows = [(a, len(a.choices), library.library().get(a.scenario), _moments(a)) for a in recent]
    return _page(request, "index.html", scenarios=practice.scenarios_in(band), recent=rows, bands=practice.BANDS,
                 band=band, drills=practice.DRILLS.values(), drill_moments=practice.DRILL_MOMENTS)  # fmt: skip


def _moments(attempt: db.Attempt) -> int:
    """How many moments the attempt has: a drill's few, or the scenario's term."""
    if attempt.drill is not None:
        return practice.DRILL_MOMENTS
    scenario = library.library().get(attempt.scenario)
    return scenario.term.moments if scenario is not None else 0


def _new_attempt(request: Request, **columns: Any) -> RedirectResponse:
    attempt = db.Attempt(id=db.new_attempt_id(), created_at=db.now(), owner_id=owner_of(request), **columns)
    with Session(request.app.state.engine) as session:
        session.add(attempt)
        session.commit()
        attempt_id = attempt.id
    return RedirectResponse(f"/attempts/{attempt_id}", status_code=303)


async def start(request: Request) -> Response:
    form = await _form(request)
    _check_token(request, form, "start")
    name = form.get("scenario", "")
    if name not in library.library():
        raise HTTPException(400, f"There is no scenario '{str(name)[:40]}'. Choose one from the list.")
    if form.get("coaching") not in (None, "on"):
        raise HTTPException(400, "The coaching choice was not one the form offers.")
    return _new_attempt(request, scenario=name, seed=library.get(name).seed, coaching=form.get("coaching") == "on")


async def start_drill(request: Request) -> Response:
    form = await _form(request)
    _check_token(request, form, "drill")
    skill = form.get("skill", "")
    if skill not in practice.DRILLS:
        raise HTTPException(400, f"There is no drill '{str(skill)[:40]}'. Choose one from the list.")
    return _new_attempt(request, scenario=practice.DRILLS[skill].scenario, seed=practice.new_seed(), coaching=True,
                        drill=skill)  # fmt: skip


def practice_page(request: Request) -> Response:
    """Deliberate practice from an attempt: the same child again, another child like this, play on from a moment."""
    attempt_id = request.path_params["attempt"]
    with Session(request.app.state.engine) as session:
        attempt = _attempt_or_404(request, session, attempt_id)
        played, scenario = len(attempt.choices), library.get(attempt.scenario)
        drill = practice.DRILLS.get(attempt.drill) if attempt.drill else None
    return _page(request, "practice.html", attempt_id=attempt_id, scenario=scenario, played=played, drill=drill)


async def practise(request: Request) -> Response:
    """A new attempt from this one: ``again`` (the same child), ``another`` (a new seed) or ``branch`` (play on
    from a moment: the responses before it are copied, and the trainee chooses anew from there)."""
    attempt_id = request.path_params["attempt"]
    form = await _form(request)
    with Session(request.app.state.engine) as session:
        attempt = _attempt_or_404(request, session, attempt_id)
        _check_token(request, form, f"{attempt_id}:practice")
        kind = form.get("kind")
        columns = {"scenario": attempt.scenario, "coaching": attempt.coaching, "drill": attempt.drill}
        if kind == "again":
            return _new_attempt(request, seed=attempt.seed, **columns)
        if kind == "another":
            return _new_attempt(request, seed=practice.new_seed(), **columns)
        if kind != "branch":
            raise HTTPException(400, "Choose one of the ways to practise that the page offers.")
        played = len(attempt.choices)
        moment_text = str(form.get("moment", ""))
        if not moment_text.isdigit() or not 1 <= int(moment_text) <= played:
            raise HTTPException(400, f"Choose a moment between 1 and {played} to play on from.")
        kept = int(moment_text) - 1
        branch = db.Attempt(id=db.new_attempt_id(), created_at=db.now(), seed=attempt.seed, parent_id=attempt.id,
                            branched_at=kept, owner_id=attempt.owner_id, **columns)  # fmt: skip
        branch.choices = [db.Choice(moment=c.moment, response=c.response, note=c.note, created_at=c.created_at)
                          for c in attempt.choices[:kept]]  # fmt: skip
        session.add(branch)
        session.commit()
        return RedirectResponse(f"/attempts/{branch.id}", status_code=303)


def attempt_page(request: Request) -> Response:
    attempt_id = request.path_params["attempt"]
    with Session(request.app.state.engine) as session:
        attempt = _attempt_or_404(request, session, attempt_id)
        responses = [c.response for c in attempt.choices]
        notes = [c.note for c in attempt.choices]
        scenario = library.get(attempt.scenario)
        moments, drill = _moments(attempt), practice.DRILLS.get(attempt.drill) if attempt.drill else None
        finished = len(responses) >= moments
        if finished and not attempt.coaching and drill is None:  # nothing more to say before the debrief
            return RedirectResponse(f"/attempts/{attempt_id}/debrief", status_code=303)
        coaching, seed, parent, branched_at = attempt.coaching, attempt.seed, attempt.parent_id, attempt.branched_at
    envs: Environments = request.app.state.envs
    if request.app.state.prepare and not envs.live(attempt_id) and not envs.ready(scenario.name, seed):
        # the child's history is made in the background; a page says so, and looks again at once (a timed
        # refresh fails WCAG 2.2.1): each look waits here up to a second for the history
        envs.prepare(scenario.name, seed)
        if not envs.wait_ready(scenario.name, seed, request.app.state.preparing_wait_seconds):
            return _page(request, "preparing.html", scenario=scenario)
    with envs.lock_for(attempt_id):
        env = envs.env_for(attempt_id, scenario.name, seed, responses)
        cues, cue_lines = env.cues, env.cue_words()
        last = env.trace[-1] if env.trace else None
        trace = list(env.trace) if drill is not None else []
    comment = _coaching(last, scenario) if coaching and last and drill is None else None
    if finished:  # with coaching (or a drill): the comment on the last response before the debrief
        scores = [practice.score(m) for m in trace]
        return _page(request, "finished.html", scenario=scenario, attempt_id=attempt_id, comment=comment,
                     consequence=last["consequence"] if last else None, drill=drill, scores=scores,
                     right=sum(s.right for s in scores))  # fmt: skip
    return _page(
        request, "play.html", scenario=scenario, attempt_id=attempt_id, moment=len(responses), moments=moments,
        day=scenario.moment_day(len(responses)), situation=scenario.situation(len(responses)).text,
        cue_lines=cue_lines, strength=cues.strength(),
        consequence=last["consequence"] if last else None,
        repertoire=repertoire(), comment=comment, last_note=notes[-1] if notes else "",
        drill=drill, score=practice.score(last) if drill is not None and last else None,
        parent=parent, branched_at=branched_at,
    )  # fmt: skip


def _coaching(last: dict[str, Any], scenario: library.RehearsalScenario) -> Coaching:
    """The coaching on the last response: every cue it reacts to, what they may mean, the need, and why."""
    return coaching.for_moment(last, Voice.of(scenario))


async def respond(request: Request) -> Response:
    attempt_id = request.path_params["attempt"]
    moment = request.path_params["moment"]
    form = await _form(request)
    envs: Environments = request.app.state.envs
    with Session(request.app.state.engine) as session:
        attempt = _attempt_or_404(request, session, attempt_id)
        _check_token(request, form, f"{attempt_id}:{moment}")
        key = form.get("response")
        if key not in keys():
            raise HTTPException(400, "Choose one of the responses listed, then press \u201cRespond\u201d.")
        # PostgreSQL's text cannot hold U+0000 (SQLite's can): no note needs it, so it is dropped on both
        note = str(form.get("note", "")).replace("\x00", "")
        if len(note) > db.NOTE_LIMIT:
            raise HTTPException(400, f"The note is {len(note)} characters long; keep it to {db.NOTE_LIMIT}.")
        scenario = library.get(attempt.scenario)
        moments = _moments(attempt)
        with envs.lock_for(attempt_id):
            session.refresh(attempt)
            done = len(attempt.choices)
            if moment != done or done >= moments:
                raise AlreadyAnswered(attempt_id, note)
            session.add(db.Choice(attempt_id=attempt_id, moment=moment, response=key, note=note, created_at=db.now()))
            if moment + 1 >= moments:
                attempt.finished_at = datetime.now(UTC)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise AlreadyAnswered(attempt_id, note) from None
            responses = [c.response for c in attempt.choices]
            envs.env_for(attempt_id, scenario.name, attempt.seed, responses)
    return RedirectResponse(f"/attempts/{attempt_id}", status_code=303)


def _debrief_context(request: Request, attempt_id: str) -> dict[str, Any]:
    """The debrief's figures; with no moment played yet, only what the "nothing to debrief yet" page needs."""
    envs: Environments = request.app.state.envs
    with Session(request.app.state.engine) as session:
        attempt = _attempt_or_404(request, session, attempt_id)
        responses = [c.response for c in attempt.choices]
        notes = [c.note for c in attempt.choices]
        earlier = [
            (a.created_at, [c.response for c in a.choices])
            for a in db.attempts_like(session, attempt.scenario, attempt.seed, attempt.created_at, attempt.owner_id)
        ]
        seed, created = attempt.seed, attempt.created_at
        scenario = library.get(attempt.scenario)
    if not responses:
        return {"scenario": scenario, "attempt_id": attempt_id, "trace": []}
    with envs.lock_for(attempt_id):
        trace = list(envs.env_for(attempt_id, scenario.name, seed, responses).trace)
    params: ModelParameters = request.app.state.params
    expert = envs.expert(scenario.name, seed)
    expert_played = expert[: len(trace)]  # the expert over the moments played, to compare like with like
    earlier_traces = [
        (when, replay.play_actions(scenario, seed, params, [index_of(r) for r in rs])) for when, rs in earlier
    ]
    moments = scenario.term.moments
    series = {}
    for key, title in (("exploration", "Exploration"), ("anxiety", "Anxiety"), ("felt_security", "Felt security"),
                       ("trust", "Trust in you")):  # fmt: skip
        lines = {
            "Your responses": [m[key] for m in trace],
            "Expert practice, its own term": [m[key] for m in expert_played],
        }
        if key == "exploration":
            for number, (when, t) in enumerate(earlier_traces, start=1):
                lines[f"Your earlier attempt {number} ({when:%d %b %H:%M})"] = [m[key] for m in t[: len(trace)]]
        series[key] = chart(title, lines, moments)
    what_if = None
    moment_text, instead_text = request.query_params.get("moment"), request.query_params.get("instead")
    if moment_text is not None or instead_text is not None:
        what_if = _what_if(scenario, seed, params, responses, moment_text, instead_text, trace)
    # the expert column and the key moments: the expert practice applied to what the trainee saw, moment by moment
    alternatives = replay.expert_alternatives(scenario, seed, params, [index_of(r) for r in responses])
    ends = {key: (debrief.end([m[key] for m in trace]), debrief.end([m[key] for m in expert_played]))
            for key in ("trust", "felt_security")}  # fmt: skip
    return {
        "scenario": scenario,
        "attempt_id": attempt_id,
        "created": created,
        "trace": trace,
        "notes": notes,
        "labels": {r.key: r.label for r in repertoire()},
        "expert_choice": [a["expert"] for a in alternatives],
        "key_moments": debrief.key_moments(alternatives),
        "next_time": debrief.next_time(alternatives),
        "over_the_term": debrief.over_the_term(trace, expert_played),
        "same_as_expert": sum(a["chosen"] == a["expert"] for a in alternatives),
        "horizon": replay.HORIZON,
        "end_words": debrief.END_WORDS,
        "ends": ends,
        "compared": debrief.compared,
        "charts": series,
        "profile": debrief.profile(trace),
        "expert_profile": debrief.profile(expert_played),
        "repairs": debrief.repair_summary(trace),
        "miscues": debrief.miscue_summary(trace),
        "arc": debrief.arc(trace),
        "expert_arc": debrief.arc(expert_played),
        "finished": len(trace) >= moments,
        "what_if": what_if,
        "repertoire": repertoire(),
        "earlier": len(earlier_traces),
    }


def _what_if(scenario, seed, params, responses, moment_text, instead_text, trace) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The replay the URL asks for, exactly (its moment and its response, both checked), with the debrief's end."""
    if moment_text is None or not moment_text.isdigit() or not 1 <= int(moment_text) <= len(responses):
        raise HTTPException(400, f"Choose a moment between 1 and {len(responses)} for the replay.")
    if instead_text not in keys():
        raise HTTPException(400, "Choose one of the listed responses for the replay.")
    moment = int(moment_text) - 1
    other = replay.what_if(scenario, seed, params, [index_of(r) for r in responses], moment, index_of(instead_text))
    lines = {
        "As you played": [m["exploration"] for m in trace],
        "With the other response": [m["exploration"] for m in other],
    }
    return {
        "moment": moment + 1,
        "instead_key": instead_text,
        "instead": response(index_of(instead_text)).label,
        "played": response(index_of(responses[moment])).label,
        "chart": chart("Exploration", lines, scenario.term.moments),
        "then": trace[moment],
        "now": other[moment],
        "end_played": {key: debrief.end([m[key] for m in trace]) for key in ("trust", "exploration")},
        "end_other": {key: debrief.end([m[key] for m in other]) for key in ("trust", "exploration")},
    }


def debrief_page(request: Request) -> HTMLResponse:
    attempt_id = request.path_params["attempt"]
    asked = request.query_params.get("moment"), request.query_params.get("instead")
    if request.headers.get("hx-request") and asked != (None, None):
        # the what-if panel alone (htmx swaps it in): the replay asked for, without the rest of the debrief
        with Session(request.app.state.engine) as session:
            attempt = _attempt_or_404(request, session, attempt_id)
            responses, seed, scenario = (
                [c.response for c in attempt.choices],
                attempt.seed,
                library.get(attempt.scenario),
            )
        envs: Environments = request.app.state.envs
        with envs.lock_for(attempt_id):
            trace = list(envs.env_for(attempt_id, scenario.name, seed, responses).trace)
        what_if = _what_if(scenario, seed, request.app.state.params, responses, *asked, trace)
        return _page(request, "what_if.html", what_if=what_if, end_words=debrief.END_WORDS)
    return _page(request, "debrief.html", **_debrief_context(request, attempt_id))


def export(request: Request) -> HTMLResponse:
    """The debrief as one self-contained file (its stylesheet inline, no script), sent as a download: opened in
    a tab under the app's CSP (``style-src 'self'``) its inline style would be blocked, opened from disk it is not."""
    context = _debrief_context(request, request.path_params["attempt"])
    if not context["trace"]:
        return _page(request, "debrief.html", **context)
    response_ = _page(request, "export.html", css=stylesheet(), exported=datetime.now(UTC), **context)
    response_.headers["content-disposition"] = f'attachment; filename="rehearsal-{context["attempt_id"]}.html"'
    return response_


# ---- errors, cookies, headers ---------------------------------------------------------------------

TITLES = {400: "Something in the form was not right", 403: "Not accepted", 404: "Not found",
          405: "Not allowed", 409: "Already answered", 413: "Too much sent"}  # fmt: skip


class AlreadyAnswered(HTTPException):
    """A moment answered already (two tabs, or a form sent twice): the page keeps the note the trainee typed
    and leads to the attempt's current moment."""

    def __init__(self, attempt_id: str, note: str):
        super().__init__(409, "This moment has already been answered (the form was sent twice, or from an older page).")
        self.attempt_id, self.note = attempt_id, note


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    _ensure_state(request)
    if isinstance(error, AlreadyAnswered):
        return _page(request, "error.html", status=409, title=TITLES[409], detail=str(error.detail),
                     note=error.note, current=f"/attempts/{error.attempt_id}")  # fmt: skip
    return _error(request, error.status_code, TITLES.get(error.status_code, "Not possible"), str(error.detail))


async def server_error(request: Request, error: Exception) -> Response:
    _ensure_state(request)
    return _error(request, 500, "Something went wrong on the server",
                  "Your earlier moments are saved. Reload the page to carry on.")  # fmt: skip


def _ensure_state(request: Request) -> None:
    if not hasattr(request.state, "new_cookie"):
        request.state.new_cookie = security.new_cookie()


class Guard:
    """On every response: the forms' token cookie and the safe headers; with accounts, the signed-in user (any page
    but sign-in and the stylesheet needs one) and an audit row for every view and change."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = scope["app"].state
        had_cookie = security.CSRF_COOKIE in request.cookies
        new_cookie = security.new_cookie()
        scope.setdefault("state", {})["new_cookie"] = new_cookie
        # behind a TLS proxy that says so (uvicorn's --forwarded-allow-ips), the scheme is https: cookies then
        # go over TLS only
        secure = "; Secure" if security.over_https(scope) else ""
        scope["state"]["secure_cookies"] = bool(secure)
        user = None
        open_path = scope["path"] == "/login" or scope["path"].startswith("/static/")
        if state.accounts and not scope["path"].startswith("/static/"):
            with Session(state.engine) as session:
                user = accounts.user_of(session, request.cookies.get(accounts.SESSION_COOKIE))
                if user is not None:
                    user.teams  # noqa: B018 - loaded now: the page reads them after this session is closed
                    session.expunge(user)
            scope["state"]["user"] = user
            if user is None and not open_path:
                await RedirectResponse("/login", status_code=303)(scope, receive, send)
                return
        respond = self.app
        if not state.accounts and not security.from_this_computer(scope):
            respond = pages.page(request, "error.html", status=403, title="Only on this computer",
                                 detail="This rehearsal app has no accounts, so it answers only the computer it runs "
                                 "on. A team shares `securebase practise`, the server with accounts.")  # fmt: skip
        status = 500

        async def with_headers(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in security.HEADERS.items()]
                if not had_cookie:
                    cookie = f"{security.CSRF_COOKIE}={new_cookie}; Path=/; HttpOnly; SameSite=Strict{secure}"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await respond(scope, receive, with_headers)
        finally:
            if state.accounts and not scope["path"].startswith("/static/"):
                _audit_request(state.engine, scope, user, status)


def _audit_request(engine: Any, scope: Any, user: db.User | None, status: int) -> None:
    """Every request of the team server, as an audit row: a view (GET) or a change (any other method), or refused
    (4xx, 5xx); the path names what (ids, never what a note says)."""
    method = scope["method"]
    action = "refused" if status >= 400 else "view" if method in ("GET", "HEAD") else "change"
    with Session(engine) as session:
        db.audit(session, user.id if user is not None else None, action, f"{method} {scope['path']} {status}")
        session.commit()


def create_app(
    database_url: str,
    params: ModelParameters,
    accounts: bool = False,
    prepare: bool = False,
    report: Callable[[str], None] | None = None,
) -> Starlette:
    """The app on ``database_url`` (migrated to the latest schema first), with the model's ``params``.

    ``accounts``: the team server (``securebase practise``): every page needs a signed-in user, each sees their
    own attempts, and the journal, the cohort view and the administration are added; without it, the single-user
    app on loopback (``securebase rehearse``): no account, every attempt the one user's.
    ``prepare``: make every scenario's child history in the background from the start, and answer an attempt
    whose child is not made yet with a page that says so and refreshes (the server's way); without it, the
    first page of a child waits for its history (the tests' way: one request, one page). ``report`` hears a
    line when every scenario's child is ready.
    """
    upgrade(database_url)
    engine = db.make_engine(database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        if prepare:
            threading.Thread(target=_prepare_all, args=(app.state.envs, report), name="histories", daemon=True).start()
        purging, stopping = None, asyncio.Event()
        if app.state.accounts:  # retention applied when the team server starts, then daily while it runs
            await run_in_threadpool(_purge, app, "server start")
            purging = app.state.purging = asyncio.create_task(_purge_daily(app, stopping), name="retention")
        yield
        if purging is not None:  # this start's own task (a test may start the app more than once) ends, after
            stopping.set()  # the purge in progress if one is: a cancelled wait would leave its thread writing
            await purging
        engine.dispose()

    routes = [
        Route("/", index),
        Route("/attempts", start, methods=["POST"]),
        Route("/attempts/{attempt}", attempt_page),
        Route("/attempts/{attempt}/practice", practice_page),
        Route("/attempts/{attempt}/practice", practise, methods=["POST"]),
        Route("/drills", start_drill, methods=["POST"]),
        Route("/attempts/{attempt}/moments/{moment:int}", respond, methods=["POST"]),
        Route("/attempts/{attempt}/debrief", debrief_page),
        Route("/attempts/{attempt}/export", export),
        *(team_routes() if accounts else []),
        Mount("/static", StaticFiles(packages=[("securebase.web", "static")]), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(security.BodyLimit), Middleware(Guard)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.key = db.signing_key(engine)
    app.state.params = params
    app.state.accounts = accounts
    app.state.envs = Environments(params)
    app.state.prepare = prepare
    app.state.preparing_wait_seconds = PREPARING_WAIT_SECONDS
    # the team server's retention: how often it purges, and its clock (a test moves them)
    app.state.purge_every, app.state.clock, app.state.purging = retention.PURGE_EVERY, db.now, None
    return app


def _purge(app: Starlette, by: str) -> None:
    """One purge (web/retention.py); a database that fails it is logged, and the server carries on."""
    try:
        with Session(app.state.engine) as session:
            purged = retention.purge(session, by, app.state.clock())
            session.commit()
    except SQLAlchemyError as error:
        log.warning("the retention purge (%s) failed: %s: %s", by, type(error).__name__, error)
        return
    log.info("retention purge (%s): %s", by, purged.describe())


async def _purge_daily(app: Starlette, stopping: asyncio.Event) -> None:
    """A purge every ``app.state.purge_every`` until ``stopping`` is set."""
    while True:
        try:
            await asyncio.wait_for(stopping.wait(), app.state.purge_every.total_seconds())
            return
        except TimeoutError:
            await run_in_threadpool(_purge, app, "daily purge")


def _prepare_all(envs: Environments, report: Callable[[str], None] | None) -> None:
    """Every scenario's child (its own seed), one after the other: their first pages then open at once."""
    scenarios = list(library.library().values())
    for scenario in scenarios:
        envs.prepare(scenario.name, scenario.seed, wait=True)
    if report is not None:
        report(f"the children of all {len(scenarios)} situations are ready")
