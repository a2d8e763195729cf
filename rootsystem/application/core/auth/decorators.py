"""`login_required` and `require_verified`: pages redirect to the login page, APIs answer 401."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.auth.identity import current_user
from core.http.errors import error_response
from core.http.negotiation import wants_json
from core.settings import settings

Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Any]])
# What a guard asks for and the statuses it refuses with, as `(scheme, statuses)`: read by the
# OpenAPI generator (core/openapi), so the description cannot forget an endpoint's login.
REQUIREMENT = "__nori_auth__"


def safe_next(value: str | None, default: str = "/") -> str:
    """`value` when it is a path on this site, else `default`: no open redirect via `?next=`.

    Refused: absolute URLs, scheme-relative `//host`, backslashes (`/\\host` is `//host` to
    browsers) and any whitespace or control character (browsers drop tabs and newlines).
    """
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def request_of(args: tuple[Any, ...], kwargs: dict[str, Any], decorator: str = "login_required") -> Request:
    """The request among a controller's arguments (functions get it first, methods second).

    An HTTP request, not any connection: the refusals are responses (a redirect, a 401 page),
    which a WebSocket endpoint could not send.
    """
    for value in (*args, *kwargs.values()):
        if isinstance(value, Request):
            return value
    raise TypeError(f"{decorator}: the endpoint was not called with a request")


def login_required(endpoint: Endpoint) -> Endpoint:
    """Let the endpoint run only for a logged-in user."""

    @functools.wraps(endpoint)
    async def guarded(*args: Any, **kwargs: Any) -> Any:
        request = request_of(args, kwargs)
        if await current_user(request) is None:
            return unauthenticated(request)
        return await endpoint(*args, **kwargs)

    setattr(guarded, REQUIREMENT, ("session", (401,)))
    return cast(Endpoint, guarded)


def unauthenticated(request: Request) -> Response:
    """401 for API clients; browsers go (303) to the login page, carrying the local path to come back to."""
    if wants_json(request):
        return error_response(request, 401, "Authentication required", {"WWW-Authenticate": "Session"})
    path = "/" + request.url.path.lstrip("/")  # never `//host`, which browsers read as another site
    target = safe_next(path + (f"?{request.url.query}" if request.url.query else ""))
    separator = "&" if "?" in settings.LOGIN_URL else "?"
    return RedirectResponse(f"{settings.LOGIN_URL}{separator}next={quote(target, safe='/')}", status_code=303)


VERIFY_FIRST = "Verify your email address first: open the link we mailed you, or ask for a new one."


def require_verified(endpoint: Endpoint) -> Endpoint:
    """Let the endpoint run only for a logged-in user whose email address is verified.

    Visitors who are not logged in are answered as by `login_required`; a logged-in user with
    an unverified address gets 403 with what to do, as a page or JSON.
    """
    from core.auth.verification import is_verified

    @functools.wraps(endpoint)
    async def guarded(*args: Any, **kwargs: Any) -> Any:
        request = request_of(args, kwargs, "require_verified")
        user = await current_user(request)
        if user is None:
            return unauthenticated(request)
        if not is_verified(user):
            return error_response(request, 403, VERIFY_FIRST)
        return await endpoint(*args, **kwargs)

    setattr(guarded, REQUIREMENT, ("session", (401, 403)))
    return cast(Endpoint, guarded)
