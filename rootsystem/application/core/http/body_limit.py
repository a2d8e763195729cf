"""MAX_BODY_SIZE: bodies over the limit get 413 before anything parses them.

Starlette's own limiter does the work; this gate only spares it for requests that cannot carry
a body (a GET without Content-Length or Transfer-Encoding), which is most of the traffic.
A multipart body gets `multipart_max_body_size` instead: its files are streamed to disk under the
upload limits (core/http/uploads.py), so it may be larger than a body that is read into memory.
"""

from __future__ import annotations

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Scope

BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})
MULTIPART = b"multipart/form-data"


class BodyLimit:
    """The limiters around `app` (the rest of the front layer, core/http/front.py, and the site)."""

    def __init__(self, app: ASGIApp, *, max_body_size: int, multipart_max_body_size: int | None = None) -> None:
        self.limited = RequestBodyLimitMiddleware(app, max_body_size=max_body_size)
        self.multipart = RequestBodyLimitMiddleware(app, max_body_size=multipart_max_body_size or max_body_size)

    def limiter(self, scope: Scope) -> ASGIApp | None:
        """The limiter an HTTP request goes through, or None when it cannot carry a body."""
        if scope["method"] in BODYLESS_METHODS:
            for name, _ in scope["headers"]:
                if name in BODY_HEADERS:
                    break
            else:
                return None
        for name, value in scope["headers"]:
            if name == b"content-type":
                if value.startswith(MULTIPART):
                    return self.multipart
                break
        return self.limited
