"""The route template a request matched (`/articles/{id:int}`), for log fields and metric labels.

A metric labelled with raw paths grows one series per article id; the template keeps it to one
per route. Starlette leaves the matched endpoint in the scope but not the template, so each
app's routes are walked once (Mounts included) into an endpoint → template map.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.types import Scope

_templates: weakref.WeakKeyDictionary[Any, dict[int, str]] = weakref.WeakKeyDictionary()


def _walk(routes: Iterable[BaseRoute], prefix: str, found: dict[int, str]) -> None:
    for route in routes:
        if isinstance(route, Route | WebSocketRoute):
            found.setdefault(id(route.endpoint), prefix + route.path)
        elif isinstance(route, Mount):
            if route.routes:
                _walk(route.routes, prefix + route.path, found)
            else:
                found.setdefault(id(route.app), prefix + route.path + "/{path}")


def route_template(scope: Scope) -> str | None:
    """The template of the route that answered, or None (no route matched: a 404)."""
    endpoint: Any = scope.get("endpoint")
    app: Any = scope.get("app")
    if endpoint is None or app is None:
        return None
    templates = _templates.get(app)
    if templates is None:
        templates = _templates[app] = {}
        _walk(getattr(app, "routes", ()), "", templates)
    return templates.get(id(endpoint))
