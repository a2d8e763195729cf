"""MAX_BODY_SIZE: bodies over the limit get 413 before anything parses them.

Starlette's own limiter does the work; this gate only spares it for requests that cannot carry
a body (a GET without Content-Length or Transfer-Encoding), which is most of the traffic.
"""

from __future__ import annotations

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_size: int) -> None:
        self.app = app
        self.limited = RequestBodyLimitMiddleware(app, max_body_size=max_body_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in BODYLESS_METHODS:
            for name, _ in scope["headers"]:
                if name in BODY_HEADERS:
                    break
            else:
                await self.app(scope, receive, send)
                return
        await self.limited(scope, receive, send)
