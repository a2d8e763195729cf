"""The security headers every response carries, computed once per app.

They are added by the outermost layer (core/http/front.py) together with the request id, so
they cost one list append per response and also reach 413 and 500 answers. A header the
response already set (a page with its own CSP, say) is left alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

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


def security_headers(*, debug: bool, csp: str = DEFAULT_CSP) -> list[tuple[bytes, bytes]]:
    """The (name, value) pairs; HSTS only without DEBUG, since development runs on plain HTTP."""
    headers = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
        "cross-origin-opener-policy": "same-origin",
        "content-security-policy": csp,
    }
    if not debug:
        headers["strict-transport-security"] = HSTS
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


def no_store(headers: list[tuple[bytes, bytes]]) -> None:
    """Add `Cache-Control: no-store` to a response's raw headers, unless it chose its own caching.

    For answers that belong to one visitor (their session cookie, their account page): a shared
    proxy that kept one would hand it to the next visitor, and the browser's history would keep
    it after logout.
    """
    if not any(name.lower() == CACHE_CONTROL for name, _ in headers):
        headers.append(NO_STORE)
