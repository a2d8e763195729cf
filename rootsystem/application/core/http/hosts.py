"""ALLOWED_HOSTS: a request for a Host this site does not serve gets 400 before any layer sees it.

Anything built from the request's Host (an absolute redirect, a link in an email, a cache key)
is only as trustworthy as that header, and an attacker sends any Host he likes. Refusing unknown
hosts at the door makes every such URL safe at once. `/health` and `/metrics` answer whatever
the Host: orchestrators and Prometheus reach the pod by its IP address, which no site lists.

Entries are exact host names, `.example.com` for the domain and every subdomain, or `*` for any.
With no entry the site serves APP_URL's host, or any host in DEBUG (see `allowed_hosts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from core.http.errors import error_response

HOST_HEADER = b"host"
SEEN_HOSTS = 256
PROBE_PATHS = frozenset({"/health", "/metrics"})  # /metrics checks its own token or network


def allowed_hosts(configured: Sequence[str], *, debug: bool, app_url: str) -> list[str]:
    """The hosts served: the setting's, else `*` in DEBUG (any name a developer types) or APP_URL's host."""
    if configured:
        return [host.lower() for host in configured]
    if debug:
        return ["*"]
    return [urlsplit(app_url).hostname or ""]


def host_name(host_header: str) -> str:
    """The Host header without its port; `[::1]:8000` gives `[::1]`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0]


def is_allowed(host: str, patterns: Sequence[str]) -> bool:
    for pattern in patterns:
        if pattern in ("*", host) or (pattern.startswith(".") and (host.endswith(pattern) or host == pattern[1:])):
            return True
    return False


class HostCheck:
    """The front layer's host check (core/http/front.py): `admits` the request or answers it."""

    def __init__(self, hosts: Sequence[str]) -> None:
        self.hosts = list(hosts)
        self.any_host = "*" in self.hosts
        self.seen: dict[bytes, bool] = {}  # Host header -> allowed; a site sees few, a client may send any

    def allows(self, host_header: bytes) -> bool:
        host = host_name(host_header.decode("latin-1"))
        allowed = bool(host) and is_allowed(host, self.hosts)
        if len(self.seen) < SEEN_HOSTS:
            self.seen[host_header] = allowed
        return allowed

    async def admits(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """True when the request may go on; otherwise it has been answered (400, or close 1008)."""
        if self.any_host or scope["path"] in PROBE_PATHS:
            return True
        for key, value in scope["headers"]:
            if key == HOST_HEADER:
                allowed = self.seen.get(value)
                if allowed or (allowed is None and self.allows(value)):
                    return True
                break
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return False
        response = error_response(Request(scope), 400, "This site does not serve that host name.")
        await response(scope, receive, send)
        return False
