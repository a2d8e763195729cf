"""Cross-site WebSocket hijacking: a handshake from a foreign page is refused before it is accepted.

A browser sends the session cookie with a WebSocket handshake whatever page opens it, and the same-
origin policy does not apply to WebSockets, so without this check any site a logged-in user visits
could open a socket as them. The handshake's `Origin` must be this site (the Host it was sent to),
APP_URL or one of CORS_ORIGINS; anything else gets 403 (core/realtime/refusal.py). A handshake
without `Origin` comes from no browser (a script, a mobile app), which a page cannot forge, so it
passes: such clients authenticate with a token, not an ambient cookie.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from core.http.csrf import origin_of
from core.realtime.refusal import refuse

WEB_SCHEMES = {"ws": "http", "wss": "https"}


class WebSocketOriginMiddleware:
    def __init__(self, app: ASGIApp, *, trusted_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted_origins = frozenset(o for o in (origin_of(url) for url in trusted_origins) if o)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or self._trusted(origin.lower(), scope, headers):
            await self.app(scope, receive, send)
            return
        await refuse(scope, receive, send, 403, f"the socket is opened from {origin}, which is not this site")

    def _trusted(self, origin: str, scope: Scope, headers: Headers) -> bool:
        host = headers.get("host")
        scheme = WEB_SCHEMES.get(scope.get("scheme", "ws"), "http")
        return origin in self.trusted_origins or (host is not None and origin == f"{scheme}://{host}".lower())
