"""Signed-cookie sessions, as pure ASGI and lazy on the way out.

The whole session lives in one cookie signed with SECRET_KEY (readable by its owner, not
forgeable), so any worker can serve any request without a shared store. A request without the
cookie costs nothing but an empty dict, and a cookie is only written when the session changed:
this keeps anonymous and API traffic free of signing work. A response that sets the cookie is
never stored by a cache (`Cache-Control: no-store`): a shared proxy would hand the session on.

Signed cookies cannot be revoked server-side: a copy taken before logout stays valid until it
expires (`SESSION_MAX_AGE`). `rotate_session` at login makes the logged-in cookie a new value.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from typing import Any

import itsdangerous
from starlette.middleware.sessions import Session
from starlette.requests import HTTPConnection, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.http.headers import no_store

SALT = "nori.session"
MAX_COOKIE_VALUE = 4000
logger = logging.getLogger("nori.sessions")
COOKIE_HEADER = b"cookie"


def cookie_value(scope: Scope, name: str) -> str | None:
    """One cookie of the request, parsing the Cookie header only when there is one."""
    for key, value in scope["headers"]:
        if key == COOKIE_HEADER:
            return cookie_parser(value.decode("latin-1")).get(name)
    return None


class SessionMiddleware:
    """Puts `scope["session"]` (Starlette's `Session` dict) on every request."""

    def __init__(
        self, app: ASGIApp, *, secret_key: str, cookie_name: str = "nori_session", max_age: int = 14 * 24 * 3600,
        secure: bool = False,
    ) -> None:
        self.app = app
        self.serializer = itsdangerous.URLSafeTimedSerializer(secret_key, salt=SALT)
        self.cookie_name = cookie_name
        self.max_age = max_age
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = cookie_value(scope, self.cookie_name)
        session = Session(self._load(raw)) if raw else Session()
        scope["session"] = session
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.modified and (session or raw):
                headers = list(message.get("headers", ()))
                headers.append((b"set-cookie", self._cookie(session).encode("latin-1")))
                headers.append((b"vary", b"Cookie"))
                no_store(headers)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, raw: str) -> dict[str, Any]:
        """A tampered, expired or foreign cookie reads as an empty session, never as an error."""
        try:
            data = self.serializer.loads(raw, max_age=self.max_age)
        except (itsdangerous.BadData, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _cookie(self, session: Session) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[self.cookie_name] = self.serializer.dumps(dict(session)) if session else ""
        morsel = cookie[self.cookie_name]
        if len(morsel.value) > MAX_COOKIE_VALUE:
            logger.warning(
                "session cookie is %d bytes: browsers drop cookies over 4 KB, keep less in the session",
                len(morsel.value),
            )
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        morsel["max-age"] = self.max_age if session else 0
        if self.secure:
            morsel["secure"] = True
        return morsel.OutputString()


def rotate_session(connection: HTTPConnection) -> None:
    """Drop everything the session held, so the next cookie shares nothing with the previous one.

    Called at login (a pre-login cookie, or a CSRF token minted for it, is worth nothing after)
    and at logout.
    """
    connection.session.clear()
