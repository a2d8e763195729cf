"""`@cache_response(ttl=..., vary=...)`: keep a GET route's whole answer in the cache.

What is safe to hand to the next visitor is decided here, not by each route: only GET and HEAD
answers with status 200 are kept; never one that sets a cookie, changes the session (a CSRF token
minted for this visitor, a flash message) or says `Cache-Control: private/no-store`; and never
for a logged-in visitor unless the route says `per_user=True`, which then keys the entry on the
user too. The key is the path, the query and the request headers named in `vary`, hashed.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar, cast

from starlette.requests import Request
from starlette.responses import Response

from core.auth.decorators import request_of
from core.auth.sessions import USER_KEY
from core.cache.store import Cache, cache

Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Any]])
CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
UNSHAREABLE = ("private", "no-store", "no-cache")
HIT_HEADER = "x-cache"


def _user_id(request: Request) -> Any | None:
    session = request.scope.get("session")
    return session.get(USER_KEY) if session else None


def response_key(request: Request, vary: Iterable[str], user_id: Any | None) -> str:
    parts = [request.method if request.method != "HEAD" else "GET", request.url.path, request.url.query]
    parts += [f"{name.lower()}={request.headers.get(name, '')}" for name in vary]
    parts.append(f"user={user_id}" if user_id is not None else "")
    return "response:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def shareable(request: Request, response: Response) -> bool:
    if response.status_code != 200 or "set-cookie" in response.headers:
        return False
    if any(word in response.headers.get("cache-control", "").lower() for word in UNSHAREABLE):
        return False
    session = request.scope.get("session")
    return not getattr(session, "modified", False)


def _freeze(response: Response) -> dict[str, Any]:
    headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in response.raw_headers if k != b"content-length"]
    return {"status": response.status_code, "headers": headers, "body": base64.b64encode(response.body).decode()}


def _thaw(entry: dict[str, Any]) -> Response:
    body = base64.b64decode(entry["body"])
    response = Response(body, status_code=entry["status"])
    response.raw_headers = [(b"content-length", str(len(body)).encode()), (HIT_HEADER.encode(), b"hit")]
    response.raw_headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in entry["headers"]]
    return response


def cache_response(ttl: float, *, vary: Iterable[str] = (), per_user: bool = False, tags: Iterable[str] = (),
                   store: Cache | None = None) -> Callable[[Endpoint], Endpoint]:
    """Serve the route from the cache for `ttl` seconds; see the module docstring for what is never kept."""
    vary, tags = tuple(vary), tuple(tags)

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def cached(*args: Any, **kwargs: Any) -> Any:
            request = request_of(args, kwargs, "cache_response")
            user_id = _user_id(request)
            if request.method not in CACHEABLE_METHODS or (user_id is not None and not per_user):
                return await endpoint(*args, **kwargs)
            target = store or cache
            key = response_key(request, vary, user_id)
            entry = await target.get(key)
            if isinstance(entry, dict):
                return _thaw(entry)
            response = await endpoint(*args, **kwargs)
            if isinstance(response, Response) and hasattr(response, "body") and shareable(request, response):
                await target.set(key, _freeze(response), ttl, tags=tags)
            return response

        return cast(Endpoint, cached)

    return decorate
