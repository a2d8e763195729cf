"""MAX_BODY_SIZE: bodies over the limit get 413 before anything parses them.

Starlette's own limiter does the work where a body's size is not known in advance: it counts a
chunked body's bytes as they arrive, and refuses a declared Content-Length over the limit. This
gate spares it for the requests that need no counting, which are most of the traffic:

* one that cannot carry a body (a GET without Content-Length or Transfer-Encoding);
* one whose declared Content-Length is within the limit, without Transfer-Encoding. The server
  frames such a body by that length (uvicorn's httptools and h11 deliver exactly that many bytes
  and read anything after as the next request; h2 refuses a stream longer than declared), so
  counting it again would find the same number. The limiter's wrappers of `receive` and `send`
  cost a form post more than the check itself.

A multipart body gets `multipart_max_body_size` instead: its files are streamed to disk under the
upload limits (core/http/uploads.py), so it may be larger than a body that is read into memory.
A route's own `max_body_size` (Starlette's `Route(..., max_body_size=)`) still applies inside.
"""

from __future__ import annotations

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Scope

BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONTENT_LENGTH = b"content-length"
TRANSFER_ENCODING = b"transfer-encoding"
BODY_HEADERS = frozenset({CONTENT_LENGTH, TRANSFER_ENCODING})
CONTENT_TYPE = b"content-type"
MULTIPART = b"multipart/form-data"


class BodyLimit:
    """The limiters around `app` (the rest of the front layer, core/http/front.py, and the site)."""

    def __init__(self, app: ASGIApp, *, max_body_size: int, multipart_max_body_size: int | None = None) -> None:
        self.limited = RequestBodyLimitMiddleware(app, max_body_size=max_body_size)
        self.multipart = RequestBodyLimitMiddleware(app, max_body_size=multipart_max_body_size or max_body_size)

    def limiter(self, scope: Scope) -> ASGIApp | None:
        """The limiter an HTTP request goes through, or None when it needs none (see above)."""
        headers = scope["headers"]
        if scope["method"] in BODYLESS_METHODS:  # most requests: one look at each header name
            for name, _ in headers:
                if name in BODY_HEADERS:
                    break
            else:
                return None
        declared: bytes | None = None
        lengths = 0
        chunked = multipart = typed = False
        for name, value in headers:
            if name == CONTENT_LENGTH:
                declared, lengths = value, lengths + 1
            elif name == TRANSFER_ENCODING:
                chunked = True
            elif name == CONTENT_TYPE and not typed:  # the first Content-Type, as Starlette reads it
                typed, multipart = True, value.startswith(MULTIPART)
        limiter = self.multipart if multipart else self.limited
        if declared is not None and lengths == 1 and not chunked and declared.isdigit() and (
                int(declared) <= limiter.max_body_size):
            return None
        return limiter
