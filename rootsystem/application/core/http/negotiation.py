"""Deciding whether a request wants JSON or a page, so one controller can serve both."""

from __future__ import annotations

from starlette.requests import HTTPConnection

API_PREFIX = "/api"


def wants_json(request: HTTPConnection) -> bool:
    """True for `/api` routes and for clients that ask for JSON rather than HTML."""
    path = request.url.path
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        return True
    accept = request.headers.get("accept", "")
    if "json" not in accept:
        return False
    return "text/html" not in accept or accept.find("json") < accept.find("text/html")
