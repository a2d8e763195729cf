"""The security headers every response carries, computed once per app.

They are added by the outermost layer (core/http/front.py) together with the request id, so
they cost one list append per response and also reach 413 and 500 answers. A header the
response already set (a page with its own CSP, say) is left alone.

There are two precomputed lists, chosen by the answer's `Content-Type`:

- **Documents** (HTML, redirects, text, SVG, anything that is not JSON) get the full set: the
  CSP that keeps injected scripts from running, framing refused twice (the CSP's
  `frame-ancestors` and, for browsers that predate it, `X-Frame-Options`), the referrer policy
  (which a redirect's answer also sets for the next request) and the opener policy.
- **JSON answers** get the headers that still mean something to a browser that is handed JSON:
  `nosniff` (so it is never read as HTML or script), `frame-ancestors 'none'` (so it cannot be
  framed and dragged out of the frame), and HSTS. The rest govern a rendered document, which
  JSON with `nosniff` never becomes: no script in it runs, it opens no window, it loads nothing
  that would send a referrer; and the one browser that knows `X-Frame-Options` but not
  `frame-ancestors` (Internet Explorer) downloads JSON instead of showing it.

Every header costs the server about a microsecond per response to check and write (uvicorn
validates each one in Python), so the three a JSON answer does not need are a few percent of a
small API call (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

RawHeaders = list[tuple[bytes, bytes]]
# What a layer concern adds to the answer when it starts (a cookie, Cache-Control), given its headers.
ResponseHook = Callable[[RawHeaders], Awaitable[None]]

# Strict enough that an injected <script> or inline handler does not run; the shipped
# templates use only files from /static, so they satisfy it.
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
CACHE_CONTROL = b"cache-control"
NO_STORE = (CACHE_CONTROL, b"no-store")


JSON_CSP = "frame-ancestors 'none'"
CONTENT_TYPE = b"content-type"


def _encoded(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items())


@dataclass(frozen=True)
class SecurityHeaders:
    """The headers for documents and the (shorter) ones for JSON answers; see the module docstring."""

    documents: tuple[tuple[bytes, bytes], ...] = ()
    json: tuple[tuple[bytes, bytes], ...] = ()

    @property
    def names(self) -> frozenset[bytes]:
        return frozenset(name for name, _ in (*self.documents, *self.json))

    def for_type(self, content_type: bytes | None) -> tuple[tuple[bytes, bytes], ...]:
        """The list for an answer of this `Content-Type` (None: it has none, as a redirect)."""
        if content_type is not None and is_json(content_type):
            return self.json
        return self.documents


def is_json(content_type: bytes) -> bool:
    """`application/json`, or a `+json` type such as `application/problem+json`."""
    media_type = content_type.partition(b";")[0].strip().lower()
    return media_type == b"application/json" or (
        media_type.startswith(b"application/") and media_type.endswith(b"+json"))


def security_headers(*, debug: bool, csp: str = DEFAULT_CSP) -> SecurityHeaders:
    """Both lists; HSTS only without DEBUG, since development runs on plain HTTP."""
    hsts = {} if debug else {"strict-transport-security": HSTS}
    return SecurityHeaders(
        documents=_encoded({
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "referrer-policy": "strict-origin-when-cross-origin",
            "cross-origin-opener-policy": "same-origin",
            "content-security-policy": csp,
            **hsts,
        }),
        json=_encoded({"x-content-type-options": "nosniff", "content-security-policy": JSON_CSP, **hsts}),
    )


def no_store(headers: list[tuple[bytes, bytes]]) -> None:
    """Add `Cache-Control: no-store` to a response's raw headers, unless it chose its own caching.

    For answers that belong to one visitor (their session cookie, their account page): a shared
    proxy that kept one would hand it to the next visitor, and the browser's history would keep
    it after logout.
    """
    if not any(name.lower() == CACHE_CONTROL for name, _ in headers):
        headers.append(NO_STORE)
