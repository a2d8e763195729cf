"""`@throttle("60/minute", key=...)` on a route, and `ThrottleMiddleware` for a Mount.

The key says whose requests are counted together: `"ip"` the client address the framework trusts
(core/http/client.py, the one implementation, so a spoofed X-Forwarded-For cannot mint fresh
counters), `"user"` the logged-in user (anonymous visitors fall back to their IP), or a callable
taking the request and giving a string (an API key, a tenant). Each limit counts under its own
name (the route's, or one given), so two throttled routes never share a budget by accident.

A refusal is a 429 with `Retry-After` and `RateLimit-*` headers, as JSON or an error page by
what the client accepts; allowed answers carry the `RateLimit-*` headers too.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.auth.decorators import request_of
from core.auth.sessions import USER_KEY
from core.http.client import client_ip
from core.http.errors import error_response
from core.http.throttle.limiter import Decision, RateLimiter, ThrottleUnavailable, check_rate, limiter, parse_rate
from core.settings import settings

if TYPE_CHECKING:
    from limits import RateLimitItem

Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Any]])
KeyFunction = Callable[[HTTPConnection], "str | Awaitable[str]"]
Key = str | KeyFunction
# On a throttled endpoint: its `fail_open` (None: THROTTLE_FAIL_OPEN decides at run time), read by
# the OpenAPI generator (core/openapi), which documents the 429 and, unless it fails open, the 503.
THROTTLED = "__nori_throttle__"


async def request_key(connection: HTTPConnection, key: Key) -> str:
    if key == "ip":
        return f"ip:{client_ip(connection) or 'unknown'}"
    if key == "user":
        session = connection.scope.get("session") or {}
        user_id = session.get(USER_KEY)
        return f"user:{user_id}" if user_id is not None else f"ip:{client_ip(connection) or 'unknown'}"
    if callable(key):
        value = key(connection)
        return "custom:" + str(await value if inspect.isawaitable(value) else value)
    raise ValueError(f"throttle key {key!r} is not 'ip', 'user' or a function of the request")


class Limit:
    """One declared limit: its rate, how requests are keyed, its name, and whether it fails open.

    The rate is checked when declared and parsed by limits at the first request, so declaring a
    route never loads limits.
    """

    def __init__(self, rate: str, *, key: Key = "ip", name: str | None = None, fail_open: bool | None = None,
                 store: RateLimiter | None = None) -> None:
        if not callable(key) and key not in ("ip", "user"):
            raise ValueError(f"throttle key {key!r} is not 'ip', 'user' or a function of the request")
        self.rate_text = check_rate(rate)
        self.key = key
        self.name = name
        self.fail_open = fail_open
        self.store = store

    @functools.cached_property
    def rate(self) -> RateLimitItem:
        return parse_rate(self.rate_text)

    async def check(self, connection: HTTPConnection, name: str) -> Decision | Response:
        """The decision for this request, or the 429/503 answer to send instead of the route's."""
        fail_open = settings.THROTTLE_FAIL_OPEN if self.fail_open is None else self.fail_open
        request = connection if isinstance(connection, Request) else Request(connection.scope)
        try:
            decision = await (self.store or limiter).hit(
                self.rate, self.name or name, await request_key(connection, self.key), fail_open=fail_open)
        except ThrottleUnavailable:
            return error_response(request, 503, "Rate limiting is unavailable right now: try again shortly",
                                  {"Retry-After": "5"})
        if not decision.allowed:
            return error_response(request, 429, f"Too many requests: try again in {decision.reset_seconds} seconds",
                                  decision.headers())
        return decision


def throttle(rate: str, *, key: Key = "ip", name: str | None = None, fail_open: bool | None = None,
             store: RateLimiter | None = None) -> Callable[[Endpoint], Endpoint]:
    """Allow `rate` (e.g. "60/minute") requests per key to the decorated route; see the module docstring."""
    limit = Limit(rate, key=key, name=name, fail_open=fail_open, store=store)

    def decorate(endpoint: Endpoint) -> Endpoint:
        route_name = f"{endpoint.__module__}.{endpoint.__qualname__}"

        @functools.wraps(endpoint)
        async def throttled(*args: Any, **kwargs: Any) -> Any:
            outcome = await limit.check(request_of(args, kwargs, "throttle"), route_name)
            if isinstance(outcome, Response):
                return outcome
            response = await endpoint(*args, **kwargs)
            if isinstance(response, Response):
                response.headers.update(outcome.headers())
            return response

        setattr(throttled, THROTTLED, fail_open)
        return cast(Endpoint, throttled)

    return decorate


class ThrottleMiddleware:
    """One limit for everything under a Mount: `Mount("/api", routes=..., middleware=[Middleware(
    ThrottleMiddleware, rate="100/minute")])`; every route below shares the budget (named `name`)."""

    def __init__(self, app: ASGIApp, *, rate: str, key: Key = "ip", name: str = "mount",
                 fail_open: bool | None = None, store: RateLimiter | None = None) -> None:
        self.app = app
        self.name = name
        self.limit = Limit(rate, key=key, name=name, fail_open=fail_open, store=store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outcome = await self.limit.check(HTTPConnection(scope), self.name)
        if isinstance(outcome, Response):
            await outcome(scope, receive, send)
            return
        extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in outcome.headers().items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
