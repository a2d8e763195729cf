"""Deciding whether a request wants JSON or a page, so one controller can serve both."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from core.settings import settings


def api_prefix() -> str:
    """The `API_PREFIX` setting (a site whose settings predate it gets the framework default)."""
    return str(settings.API_PREFIX)


def wants_json(request: HTTPConnection) -> bool:
    """True for paths under `API_PREFIX` and for clients that ask for JSON rather than HTML."""
    path = request.url.path
    prefix = api_prefix()
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        return True
    accept = request.headers.get("accept", "")
    if "json" not in accept:
        return False
    return "text/html" not in accept or accept.find("json") < accept.find("text/html")
