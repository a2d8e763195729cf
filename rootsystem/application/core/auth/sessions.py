"""Session login: who is logged in is the user id kept in the signed session cookie.

Importing this module installs its loader behind `core.auth.identity.current_user`, so ACL
checks, audit rows and templates all see the same user.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.auth.identity import current_user, set_current_user, set_user_loader
from core.http.sessions import rotate_session

USER_KEY = "_auth_user_id"
CACHE_CONTROL = b"cache-control"
NO_STORE = (CACHE_CONTROL, b"no-store")


async def load_session_user(connection: HTTPConnection) -> Any | None:
    """The active `User` whose id the session holds; a deleted or disabled user is nobody."""
    if "session" not in connection.scope:
        return None
    user_id = connection.session.get(USER_KEY)
    if user_id is None:
        return None
    from core.registry import get_model

    user = await get_model("User").filter(pk=user_id).first()
    if user is None or not getattr(user, "status", True):
        return None
    return user


async def login(connection: HTTPConnection, user: Any) -> None:
    """Log `user` in: the session is emptied first, so nothing (no CSRF token, no data) carries over
    from the anonymous visit into the logged-in one."""
    rotate_session(connection)
    connection.session[USER_KEY] = user.pk
    set_current_user(connection, user)


async def logout(connection: HTTPConnection) -> None:
    """Forget the user and everything else the session held."""
    rotate_session(connection)
    set_current_user(connection, None)


class AuthenticationMiddleware:
    """Loads the session's user before the controller runs, only when the session names one,
    and keeps what is shown to a logged-in user out of every cache.

    Templates render synchronously, so the layout can only show "logged in as" if the user is
    already loaded; anonymous requests pay one dict lookup. Paths under `skip_prefixes` (static
    files) never need the user, so a page's stylesheet and images cost no query.

    A response sent while the session names a user (before or after this request: the login
    answer carries the user too) gets `Cache-Control: no-store` unless it set its own
    Cache-Control, so a shared proxy or the browser's history never keeps an account page.
    Static files stay cacheable.
    """

    def __init__(self, app: ASGIApp, skip_prefixes: tuple[str, ...] = ("/static/",)) -> None:
        self.app = app
        self.skip_prefixes = skip_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = scope.get("session")
        if session is None or scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return
        logged_in = session.get(USER_KEY) is not None
        if logged_in:
            await current_user(HTTPConnection(scope))
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_uncached(message: Message) -> None:
            if message["type"] == "http.response.start" and (logged_in or session.get(USER_KEY) is not None):
                headers = list(message.get("headers", ()))
                if not any(name.lower() == CACHE_CONTROL for name, _ in headers):
                    message["headers"] = [*headers, NO_STORE]
            await send(message)

        await self.app(scope, receive, send_uncached)


set_user_loader(load_session_user)
