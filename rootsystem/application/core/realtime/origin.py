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
from starlette.types import Receive, Scope, Send

from core.http.csrf import origin_of
from core.realtime.refusal import refuse

WEB_SCHEMES = {"ws": "http", "wss": "https"}


class OriginCheck:
    """The front layer's check of a handshake's origin (core/http/front.py); HTTP requests skip it."""

    def __init__(self, trusted_origins: Iterable[str] = ()) -> None:
        self.trusted_origins = frozenset(o for o in (origin_of(url) for url in trusted_origins) if o)

    async def admits(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """True when the handshake may go on; otherwise it has been refused (403)."""
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or self._trusted(origin.lower(), scope, headers):
            return True
        await refuse(scope, receive, send, 403, f"the socket is opened from {origin}, which is not this site")
        return False

    def _trusted(self, origin: str, scope: Scope, headers: Headers) -> bool:
        host = headers.get("host")
        scheme = WEB_SCHEMES.get(scope.get("scheme", "ws"), "http")
        return origin in self.trusted_origins or (host is not None and origin == f"{scheme}://{host}".lower())
