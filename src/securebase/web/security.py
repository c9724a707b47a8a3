"""Forms' tokens (CSRF), body limits and safe headers."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "sb_csrf"
#: the largest request body accepted (a response and a note of NOTE_LIMIT characters fit many times over)
MAX_BODY_BYTES = 16 * 1024

HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def over_https(scope: Scope) -> bool:
    """Whether the browser reached the app over TLS: directly, or through a reverse proxy that ends TLS and says so
    in X-Forwarded-Proto (uvicorn's proxy headers, trusted from ``--forwarded-allow-ips`` only, set the scheme).
    Cookies are then Secure: the browser never sends them over plain HTTP (docs/deploy.md)."""
    return scope.get("scheme") in ("https", "wss")


def from_this_computer(scope: Scope) -> bool:
    """Whether the request came from this computer: the single-user app (``securebase rehearse``, no accounts)
    answers nobody else, even when a reverse proxy on loopback forwards others to it (uvicorn's proxy headers then
    give the remote address). A client that is not an IP address (a Unix socket, a test client) is this computer."""
    client = scope.get("client")
    if not client:
        return True
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return True


def new_cookie() -> str:
    return secrets.token_urlsafe(24)


def token(key: bytes, cookie: str, purpose: str) -> str:
    """A form's token: bound to the browser's cookie and to what the form does (attempt and moment)."""
    return hmac.new(key, f"{cookie}|{purpose}".encode(), hashlib.sha256).hexdigest()


def token_ok(key: bytes, cookie: str | None, purpose: str, given: str | None) -> bool:
    if not cookie or not given:
        return False
    return hmac.compare_digest(token(key, cookie, purpose), given)


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, whether announced (Content-Length) or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await self._refuse(send)
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except BodyTooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Too much sent</title></head>"
            "<body><main><h1>Too much sent</h1><p>The form sent more than "
            f"{self.limit // 1024} KiB. Shorten the note and try again.</p><p><a href='/'>Back to the start</a></p>"
            "</main></body></html>"
        ).encode()
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass
