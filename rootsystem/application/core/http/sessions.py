"""Signed-cookie sessions, as pure ASGI and lazy on the way out.

The whole session lives in one cookie signed with SECRET_KEY (readable by its owner, not
forgeable), so any worker can serve any request without a shared store. A request without the
cookie costs nothing but an empty dict, and a cookie is only written when the session changed:
this keeps anonymous and API traffic free of signing work. A response that sets the cookie is
never stored by a cache (`Cache-Control: no-store`): a shared proxy would hand the session on.

Signed cookies cannot be revoked server-side: a copy taken before logout stays valid until it
expires (`SESSION_MAX_AGE`). `rotate_session` at login makes the logged-in cookie a new value.
With a `store` (SESSION_BACKEND=redis, see session_store.py) the same layer keeps the data
server-side and the cookie holds only a random id, which rotates at login and on a change of
privileges and dies at logout; a store that does not answer makes the request a 503 with a
clear message, never a 500. A logged-in server-side session is saved again at most once every
SEEN_EVERY seconds while it is used, with the device (IP, user agent) of that request: that keeps
its TTL sliding and is the "last seen" the account page lists.
"""

from __future__ import annotations

import logging
import time
from http.cookies import SimpleCookie
from typing import Any

import itsdangerous
from starlette.middleware.sessions import Session
from starlette.requests import HTTPConnection, cookie_parser
from starlette.types import Scope, Send

from core.http.client import client_ip
from core.http.headers import RawHeaders, ResponseHook, no_store
from core.http.session_store import Device, SessionStore, SessionStoreUnavailable, new_session_id

SALT = "nori.session"
MAX_COOKIE_VALUE = 4000
logger = logging.getLogger("nori.sessions")
COOKIE_HEADER = b"cookie"
COOKIES = "nori.cookies"  # the scope key of the request's parsed cookies
ROTATE = "nori.session.rotate"
SESSION_ID = "nori.session.id"
USER_ID_KEY = "_auth_user_id"  # core.auth.sessions.USER_KEY, which imports this module
SEEN_KEY = "_last_seen"
SEEN_EVERY = 60
USER_AGENT_HEADER = b"user-agent"
UNAVAILABLE = b"Sessions are unavailable right now: please try again in a moment."


def cookie_value(scope: Scope, name: str) -> str | None:
    """One cookie of the request, parsing the Cookie header only when there is one.

    The session, the CSRF check and remember-me each ask for a cookie: the header is parsed by
    the first and kept on the scope for the others.
    """
    cookies = scope.get(COOKIES)
    if cookies is None:
        cookies = {}
        for key, value in scope["headers"]:
            if key == COOKIE_HEADER:
                cookies = cookie_parser(value.decode("latin-1"))
                break
        scope[COOKIES] = cookies
    return cookies.get(name)


class Sessions:
    """Puts `scope["session"]` (Starlette's `Session` dict) on every request, for the front layer
    (core/http/front.py), and saves it when the answer starts."""

    def __init__(
        self, *, secret_key: str, cookie_name: str = "nori_session", max_age: int = 14 * 24 * 3600,
        secure: bool = False, store: SessionStore | None = None,
    ) -> None:
        self.store = store
        self.serializer = itsdangerous.URLSafeTimedSerializer(secret_key, salt=SALT)
        self.cookie_name = cookie_name
        self.max_age = max_age
        self.secure = secure

    async def open(self, scope: Scope, send: Send, on_start: list[ResponseHook]) -> bool:
        """Load the session; an HTTP request also gets the hook that saves it. False when the
        store did not answer and the request has been answered (503, or close 1013)."""
        if self.store is not None:
            return await self._server_side(self.store, scope, send, on_start)
        raw = cookie_value(scope, self.cookie_name)
        session = Session(self._load(raw)) if raw else Session()
        scope["session"] = session
        if scope["type"] != "http":
            return True

        async def save(headers: RawHeaders) -> None:
            if session.modified and (session or raw):
                set_cookie(headers, self._cookie(session))

        on_start.append(save)
        return True

    async def _server_side(self, store: SessionStore, scope: Scope, send: Send, on_start: list[ResponseHook]) -> bool:
        session_id = cookie_value(scope, self.cookie_name)
        try:
            data = await store.load(session_id) if session_id else None
        except SessionStoreUnavailable as error:
            logger.warning("session store unreachable: %s", error)
            if scope["type"] == "http":
                await unavailable(scope, send)
            else:
                await send({"type": "websocket.close", "code": 1013})  # "try again later"
            return False
        if data is None:
            session_id = None  # unknown, expired or ended: a new visit
        session = Session(data or {})
        scope["session"] = session
        scope[SESSION_ID] = session_id
        if scope["type"] != "http":
            return True
        before_user = (data or {}).get(USER_ID_KEY)
        if before_user is not None and session.get(SEEN_KEY, 0) < time.time() - SEEN_EVERY:
            session[SEEN_KEY] = int(time.time())  # saved below, with this request's device

        async def save(headers: RawHeaders) -> None:
            nonlocal session_id
            if not session.modified:
                return
            old = session_id
            try:
                if old and (scope.get(ROTATE) or not session):
                    await store.delete(old, before_user)
                    session_id = None
                if session:
                    session_id = session_id or new_session_id()
                    await store.save(session_id, dict(session), self.max_age, session.get(USER_ID_KEY),
                                     device_of(scope))
            except SessionStoreUnavailable as error:  # the answer is already decided: keep it, log
                logger.warning("session not saved, store unreachable: %s", error)
            else:
                if session_id != old:
                    set_cookie(headers, self._id_cookie(session_id))

        on_start.append(save)
        return True

    def _id_cookie(self, session_id: str | None) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[self.cookie_name] = session_id or ""
        return self._attributes(cookie[self.cookie_name], bool(session_id)).OutputString()

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
        return self._attributes(morsel, bool(session)).OutputString()

    def _attributes(self, morsel: Any, alive: bool) -> Any:
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        morsel["max-age"] = self.max_age if alive else 0
        if self.secure:
            morsel["secure"] = True
        return morsel


def device_of(scope: Scope) -> Device:
    """The IP (as the framework trusts it) and user agent a session is being used from."""
    agent = next((value for key, value in scope["headers"] if key == USER_AGENT_HEADER), b"")
    return Device(client_ip(HTTPConnection(scope)), agent.decode("latin-1")[:255] or None)


def set_cookie(headers: RawHeaders, cookie: str) -> None:
    """Add the session cookie to a response's raw headers: not cacheable, and varying by Cookie."""
    headers.append((b"set-cookie", cookie.encode("latin-1")))
    headers.append((b"vary", b"Cookie"))
    no_store(headers)


async def unavailable(scope: Scope, send: Send) -> None:
    """503 with a plain message: the session layer sits below the error pages, which need a session."""
    await send({"type": "http.response.start", "status": 503, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"retry-after", b"5"), (b"cache-control", b"no-store"),
        (b"content-length", str(len(UNAVAILABLE)).encode())]})
    await send({"type": "http.response.body", "body": UNAVAILABLE})


def rotate_session(connection: HTTPConnection) -> None:
    """Drop everything the session held, so the next cookie shares nothing with the previous one.

    Called at login (a pre-login cookie, or a CSRF token minted for it, is worth nothing after)
    and at logout. With a server-side store the id changes too, and the old one is deleted.
    """
    connection.session.clear()
    connection.scope[ROTATE] = True


def renew_session_id(connection: HTTPConnection) -> None:
    """Keep what the session holds under a new id (a server-side store deletes the old one).

    For a change of privileges: an id that leaked before the user became an admin is not an
    admin's session after it.
    """
    connection.scope[ROTATE] = True
    session = connection.scope.get("session")
    if isinstance(session, Session):
        session.mark_modified()


def session_id(connection: HTTPConnection) -> str | None:
    """The server-side session id of this request (None with cookie sessions or a new visit)."""
    value = connection.scope.get(SESSION_ID)
    return str(value) if value else None
