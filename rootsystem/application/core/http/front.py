"""The front layer: everything the framework does to every request, with one `send` wrapper.

Each concern keeps its policy in its own module and is only called from here, in this order:
the request id and context (core/http/context.py), the host check (core/http/hosts.py), a
WebSocket handshake's origin (core/realtime/origin.py), the body size limit
(core/http/body_limit.py), CORS when configured, the session (core/http/sessions.py), read-replica
routing (core/replicas/router.py), the CSRF check (core/http/csrf.py), remember-me
(core/auth/remember.py) and the logged-in user (core/auth/sessions.py). Nested as one ASGI layer
each, every request paid a call per layer and a `send` wrapper per layer that adds a header;
here a concern that has something to add to the answer (a cookie, `Cache-Control`) registers a
hook for that request only, and the one wrapper runs the hooks, then appends the precomputed
security headers (core/http/headers.py). What a request does not use costs it nothing: no
session decode without a cookie, no CSRF work on a safe method, no user load without a user.

It is two ASGI objects, with the query-timing layer between them when it is on (it times and
counts the checks). `Front`, the outermost, sets the context, owns the wrapper and answers an
unhandled error with the 500 handler in place of Starlette's error layer, so 500 and 413 answers
carry the request id and the security headers. `Entrance` runs the checks, inside it, so an error
raised while loading the user becomes the 503 or 500 page. An error that leaves `Entrance` drops
the request's hooks: its page neither saves the session nor sets a cookie, as when each concern
wrapped `send` inside the error layer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.auth.remember import RememberMe
from core.auth.sessions import Authentication
from core.http.body_limit import BodyLimit
from core.http.context import HEADER as REQUEST_ID_HEADER
from core.http.context import enter_request, leave_request, request_id_of
from core.http.csrf import UNSAFE_METHODS, CSRFCheck
from core.http.headers import CONTENT_TYPE, ResponseHook, SecurityHeaders
from core.http.hosts import HostCheck
from core.http.sessions import Sessions
from core.realtime.origin import OriginCheck

if TYPE_CHECKING:  # given only with DB_READ_URLS (core.kernel.read_replicas), which loads it
    from core.replicas.router import ReadYourWrites

ON_START = "nori.on_start"  # the scope key of the request's hooks, which `Entrance` adds to
NO_HEADERS = SecurityHeaders()


ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class Front:
    """The outermost layer: the request context, the one wrapper of the answer's start and, given
    an `error_handler`, the job of Starlette's error layer (the 500 answer to an unhandled error),
    which then need not wrap `send` again."""

    def __init__(
        self, app: ASGIApp, headers: SecurityHeaders = NO_HEADERS, error_handler: ErrorHandler | None = None,
    ) -> None:
        self.app = app
        self.headers = headers
        self.watched = frozenset({REQUEST_ID_HEADER, *headers.names})
        self.error_handler = error_handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        tokens = enter_request(scope, request_id)
        on_start: list[ResponseHook] = []
        scope[ON_START] = on_start
        own_id = (REQUEST_ID_HEADER, request_id.encode("latin-1"))
        security, watched = self.headers, self.watched
        started = False

        async def send_front(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                for hook in reversed(on_start):  # the innermost concern first, as when they were layers
                    await hook(headers)
                content_type, set_by_app = None, False
                for name, value in headers:
                    if name == CONTENT_TYPE:
                        content_type = value
                    elif name in watched:  # the app set one of ours itself: keep its value
                        set_by_app = True
                fixed = security.for_type(content_type)
                if set_by_app:
                    present = {key for key, _ in headers}
                    headers.extend(item for item in (*fixed, own_id) if item[0] not in present)
                else:
                    headers.extend(fixed)
                    headers.append(own_id)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_front)
        except Exception as error:
            if self.error_handler is None or started:
                raise
            on_start.clear()  # the error page saves nothing the failed request changed
            response = await self.error_handler(Request(scope), error)
            await response(scope, receive, send_front)
            raise  # as Starlette's error layer does: the server logs it, a test client may raise it
        finally:
            leave_request(tokens)


class Entrance:
    """The checks, in the order of the module docstring; `Front` must be outside it (ON_START)."""

    def __init__(
        self, app: ASGIApp, *, hosts: HostCheck, origins: OriginCheck, max_body_size: int,
        multipart_max_body_size: int, cors: Callable[[ASGIApp], ASGIApp] | None, sessions: Sessions,
        replicas: ReadYourWrites | None, csrf: CSRFCheck, remember: RememberMe, authentication: Authentication,
    ) -> None:
        self.app = app
        self.hosts = hosts
        self.origins = origins
        self.sessions = sessions
        self.replicas = replicas
        self.csrf = csrf
        self.remember = remember
        self.authentication = authentication
        self.visit: ASGIApp = self._visit if cors is None else cors(self._visit)
        self.body_limit = BodyLimit(self.visit, max_body_size=max_body_size,
                                    multipart_max_body_size=multipart_max_body_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            if await self.hosts.admits(scope, receive, send):
                await (self.body_limit.limiter(scope) or self.visit)(scope, receive, send)
        elif kind == "websocket":
            if await self.hosts.admits(scope, receive, send) and await self.origins.admits(scope, receive, send):
                await self._socket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _visit(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An HTTP request, past the host check and the body limiter."""
        on_start: list[ResponseHook] = scope[ON_START]
        replicas = self.replicas
        try:
            if not await self.sessions.open(scope, send, on_start):
                return
            routing = replicas.open(scope, on_start) if replicas is not None else None
            try:
                if scope["method"] in UNSAFE_METHODS:
                    checked = await self.csrf.check(scope, receive, send)
                    if checked is None:
                        return
                    receive = checked
                await self.remember.open(scope, on_start)
                await self.authentication.open(scope, on_start)
                await self.app(scope, receive, send)
            finally:
                if replicas is not None and routing is not None:
                    replicas.close(routing)
        except BaseException:
            on_start.clear()  # the error layer outside answers, as if no concern had run
            raise

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket handshake: the session and the user, nothing to add to an answer."""
        if await self.sessions.open(scope, send, []):
            await self.authentication.open(scope, None)
            await self.app(scope, receive, send)
