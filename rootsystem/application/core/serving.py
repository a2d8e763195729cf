"""The uvicorn options every way of serving the site shares: `serve`, the gunicorn worker, the docs.

uvicorn rewrites the client address from `X-Forwarded-For` by default, trusting 127.0.0.1, so
behind nothing at all a client on the same host (or any client, when a local proxy passes the
header on) would choose the address the login throttle and the audit log see. The framework
reads that header itself, believing it only from `TRUSTED_PROXIES` (core/http/client.py), so
uvicorn's rewriting is off and that setting alone decides.

No `Server: uvicorn` header is sent: naming the server software tells a scanner which
advisories to try, and tells a browser nothing. `Date` stays, as HTTP asks of an origin server
with a clock.

Request heads are bounded (MAX_HEADER_SIZE bytes, MAX_HEADER_COUNT lines, 431 past either):
uvicorn's httptools protocol has no limit of its own (see core/compat/uvicorn.py).

WebSockets are pinged every REALTIME_PING_INTERVAL seconds and closed when the pong is later than
REALTIME_PING_TIMEOUT, so a client that vanished without closing (a laptop shut, a phone out of
range) does not hold its socket and rooms until TCP gives up, which takes minutes to hours.

The garbage collector can be tuned once a worker has started (GC_FREEZE, GC_THRESHOLD): by then
the imports, the routes, the templates and the ORM's models are all built and live for as long
as the process, yet a full collection would walk every one of them again and again. Freezing
moves them out of the collector's sight; a higher first threshold makes the young collections
that a request's short-lived objects trigger rarer. Both trade memory for CPU, so both are
measured (docs/performance.md) before any default is chosen for them.
"""

from __future__ import annotations

import gc
from typing import Any


def uvicorn_options() -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run` / `uvicorn.Config`."""
    from core.compat.uvicorn import BoundedHttpToolsProtocol
    from core.settings import settings

    return {
        "proxy_headers": False, "server_header": False, "http": BoundedHttpToolsProtocol,
        "ws_ping_interval": settings.REALTIME_PING_INTERVAL or None, "ws_ping_timeout": settings.REALTIME_PING_TIMEOUT,
    }


def tune_gc(*, freeze: bool, threshold: int) -> None:
    """Apply GC_FREEZE and GC_THRESHOLD (0 keeps Python's own first threshold).

    Collected before the freeze: what is garbage now would otherwise be kept for good.
    """
    if threshold:
        _, *older = gc.get_threshold()
        gc.set_threshold(threshold, *older)
    if freeze:
        gc.collect()
        gc.freeze()


def tune_gc_from_settings() -> None:
    from core.settings import settings

    tune_gc(freeze=settings.GC_FREEZE, threshold=settings.GC_THRESHOLD)
