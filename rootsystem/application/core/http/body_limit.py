"""MAX_BODY_SIZE: bodies over the limit get 413 before anything parses them.

Starlette's own limiter does the work; this gate only spares it for requests that cannot carry
a body (a GET without Content-Length or Transfer-Encoding), which is most of the traffic.
A multipart body gets `multipart_max_body_size` instead: its files are streamed to disk under the
upload limits (core/http/uploads.py), so it may be larger than a body that is read into memory.
"""

from __future__ import annotations

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})
MULTIPART = b"multipart/form-data"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_size: int, multipart_max_body_size: int | None = None) -> None:
        self.app = app
        self.limited = RequestBodyLimitMiddleware(app, max_body_size=max_body_size)
        self.multipart = RequestBodyLimitMiddleware(app, max_body_size=multipart_max_body_size or max_body_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in BODYLESS_METHODS:
            for name, _ in scope["headers"]:
                if name in BODY_HEADERS:
                    break
            else:
                await self.app(scope, receive, send)
                return
        for name, value in scope["headers"]:
            if name == b"content-type":
                if value.startswith(MULTIPART):
                    await self.multipart(scope, receive, send)
                    return
                break
        await self.limited(scope, receive, send)
