"""What every page of the web app shares: the templates, the forms' tokens, reading a form, error pages."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from securebase.web import security

templates = Environment(loader=PackageLoader("securebase.web", "templates"), autoescape=select_autoescape())


def stylesheet() -> str:
    return resources.files("securebase.web").joinpath("static/rehearse.css").read_text("utf-8")


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    cookie = request.cookies.get(security.CSRF_COOKIE) or request.state.new_cookie
    key = request.app.state.key
    html = templates.get_template(name).render(
        token=lambda purpose: security.token(key, cookie, purpose), request=request,
        accounts=request.app.state.accounts, who=getattr(request.state, "user", None), **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


def error(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return page(request, "error.html", status=status, title=title, detail=detail)


def check_token(request: Request, form: Any, purpose: str) -> None:
    if not security.token_ok(request.app.state.key, request.cookies.get(security.CSRF_COOKIE), purpose,
                             form.get("csrf")):  # fmt: skip
        raise HTTPException(
            403, "This form has expired or did not come from this page. Go back, reload the page and try again."
        )


async def form(request: Request, max_fields: int = 10) -> Any:
    try:
        return await request.form(max_files=0, max_fields=max_fields, max_part_size=security.MAX_BODY_BYTES)
    except HTTPException:
        raise
    except Exception as error_:
        if isinstance(error_, security.BodyTooLarge):
            raise
        raise HTTPException(400, "The form could not be read. Reload the page and try again.") from None
