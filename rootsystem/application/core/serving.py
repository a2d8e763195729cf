"""The uvicorn options every way of serving the site shares: `serve`, the gunicorn worker, the docs.

uvicorn rewrites the client address from `X-Forwarded-For` by default, trusting 127.0.0.1, so
behind nothing at all a client on the same host (or any client, when a local proxy passes the
header on) would choose the address the login throttle and the audit log see. The framework
reads that header itself, believing it only from `TRUSTED_PROXIES` (core/http/client.py), so
uvicorn's rewriting is off and that setting alone decides.

Request heads are bounded (MAX_HEADER_SIZE bytes, MAX_HEADER_COUNT lines, 431 past either):
uvicorn's httptools protocol has no limit of its own (see core/compat/uvicorn.py).

WebSockets are pinged every REALTIME_PING_INTERVAL seconds and closed when the pong is later than
REALTIME_PING_TIMEOUT, so a client that vanished without closing (a laptop shut, a phone out of
range) does not hold its socket and rooms until TCP gives up, which takes minutes to hours.
"""

from __future__ import annotations

from typing import Any


def uvicorn_options() -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run` / `uvicorn.Config`."""
    from core.compat.uvicorn import BoundedHttpToolsProtocol
    from core.settings import settings

    return {
        "proxy_headers": False, "http": BoundedHttpToolsProtocol,
        "ws_ping_interval": settings.REALTIME_PING_INTERVAL or None, "ws_ping_timeout": settings.REALTIME_PING_TIMEOUT,
    }
