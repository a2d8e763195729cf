"""Session login: who is logged in is the user id kept in the signed session cookie.

Importing this module installs its loader behind `core.auth.identity.current_user`, so ACL
checks, audit rows and templates all see the same user. A request carrying
`Authorization: Bearer` is the token's user instead (core.auth.tokens.bearer), whatever its
session says; the token machinery is imported by the first such request, not by every start.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import Scope

from core.auth.identity import current_user, set_current_user, set_user_loader
from core.http.context import current_request
from core.http.headers import RawHeaders, ResponseHook, no_store
from core.http.session_store import ActiveSession, session_handle, session_store
from core.http.sessions import renew_session_id, rotate_session, session_id

USER_KEY = "_auth_user_id"
AUTHORIZATION_HEADER = b"authorization"


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


async def load_request_user(connection: HTTPConnection) -> Any | None:
    """The bearer token's user when the request sends one, else the session's user."""
    if "authorization" in connection.headers:
        from core.auth.tokens.bearer import bearer_credentials, load_bearer_user

        if bearer_credentials(connection) is not None:
            return await load_bearer_user(connection)
    return await load_session_user(connection)


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


def _server_side_store() -> Any:
    store = session_store()
    if store is None:
        raise RuntimeError("this needs server-side sessions: set SESSION_BACKEND=redis or database")
    return store


async def logout_everywhere(user: Any, *, keep: HTTPConnection | None = None) -> int:
    """End every server-side session of `user`, except `keep`'s (the request changing the password).

    Every remember-me token of the user is revoked too, or one would open a new session. Gives how
    many sessions ended. With signed-cookie sessions there is nothing server-side to end: it
    raises, rather than pretend, so a site relying on it sets SESSION_BACKEND=redis or database.
    """
    from core.auth.remember import forget_user

    await forget_user(user.pk)
    return int(await _server_side_store().delete_user(user.pk, keep=session_id(keep) if keep is not None else None))


async def active_sessions(user: Any) -> list[ActiveSession]:
    """`user`'s live sessions (device, IP, last seen), most recently used first."""
    return list(await _server_side_store().sessions_of(user.pk))


async def end_session(user: Any, handle: str) -> bool:
    """End one of `user`'s sessions by its handle; False when no such session of theirs is live."""
    return bool(await _server_side_store().end(user.pk, handle))


def current_handle(connection: HTTPConnection) -> str | None:
    """The handle of this request's own session, to mark it in a list of sessions."""
    current = session_id(connection)
    return session_handle(current) if current else None


def privileges_changed(user_id: Any) -> None:
    """Called when a user's roles change: if the current request is theirs, its session gets a new id."""
    request = current_request()
    if request is not None and "session" in request.scope and request.session.get(USER_KEY) == user_id:
        renew_session_id(request)


class Authentication:
    """Loads the session's user before the controller runs, only when the session names one,
    and keeps what is shown to that user out of every cache (for the front layer, core/http/front.py).

    Templates render synchronously, so the layout can only show "logged in as" if the user is
    already loaded (from the session or a bearer token); anonymous requests pay a dict lookup and a
    header scan. Paths under `skip_prefixes` (static
    files) never need the user, so a page's stylesheet and images cost no query.

    Every response to a logged-in session gets `Cache-Control: no-store` unless it set its own
    Cache-Control, so neither a shared proxy nor the browser's history keeps an account page.
    (The answer that logs a user in sets the session cookie, which the session layer marks the
    same way.) Static files keep their own caching.
    """

    def __init__(self, skip_prefixes: tuple[str, ...] = ("/static/",)) -> None:
        self.skip_prefixes = skip_prefixes

    async def open(self, scope: Scope, on_start: list[ResponseHook] | None) -> None:
        """For an HTTP or WebSocket scope (`on_start` None: no answer to mark).

        Only a session holding a user id, or an Authorization header, outside the skipped paths
        loads anyone.
        """
        if scope["path"].startswith(self.skip_prefixes):
            return
        session = scope.get("session")
        if not (session and session.get(USER_KEY) is not None):
            for key, _ in scope["headers"]:
                if key == AUTHORIZATION_HEADER:
                    break
            else:
                return
        await current_user(HTTPConnection(scope))
        if on_start is not None:
            on_start.append(_uncached)


async def _uncached(headers: RawHeaders) -> None:
    no_store(headers)


set_user_loader(load_request_user)
