"""The current user, resolved once per request through a loader the auth layer installs.

Keeping resolution behind `set_user_loader` lets features that only need "who is this"
(ACL decorators, audit rows) work without knowing how users log in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import HTTPConnection

from core.http.context import current_request

UserLoader = Callable[[HTTPConnection], Awaitable[Any | None]]
_STATE_KEY = "nori_user"
_loader: UserLoader | None = None


def set_user_loader(loader: UserLoader | None) -> UserLoader | None:
    """Install how a request's user is found (the session auth does this at import).

    Returns the loader it replaces, so a test or an alternative auth scheme can put it back.
    """
    global _loader
    previous, _loader = _loader, loader
    return previous


async def current_user(request: HTTPConnection | None = None) -> Any | None:
    """The logged-in user of `request` (or of the request being served), or None.

    The answer is cached on the request, so asking many times costs one lookup.
    """
    request = request or current_request()
    if request is None:
        return None
    state = request.scope.setdefault("state", {})
    if _STATE_KEY in state:
        return state[_STATE_KEY]
    user = await _loader(request) if _loader is not None else None
    state[_STATE_KEY] = user
    return user


def cached_user(request: HTTPConnection) -> Any | None:
    """The user already resolved for `request`, without loading it (for synchronous code such as
    templates; the session auth loads it before the controller runs)."""
    return request.scope.get("state", {}).get(_STATE_KEY)


def set_current_user(request: HTTPConnection, user: Any | None) -> None:
    """Replace the cached user for the rest of this request (after login or logout)."""
    request.scope.setdefault("state", {})[_STATE_KEY] = user
