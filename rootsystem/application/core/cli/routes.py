"""`routes:list`: every route of the site as the app serves it, Mounts expanded.

It lists `app_routes()`, the very list `create_app()` gives the app, so the framework's own
routes show beside the site's and the list can never drift from what serves; the app itself
(its middleware, sessions and checks) is not built, nor is a database connected.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple


class RouteRow(NamedTuple):
    methods: str
    path: str
    name: str
    endpoint: str


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--filter", metavar="TEXT", help="only routes whose path or name contains TEXT")


def describe_endpoint(endpoint: Any) -> str:
    func = getattr(endpoint, "__func__", endpoint)
    owner = getattr(endpoint, "__self__", None)
    name = getattr(func, "__qualname__", None) or type(endpoint).__qualname__
    if owner is not None and "." not in name:
        name = f"{type(owner).__qualname__}.{name}"
    module = getattr(func, "__module__", None) or type(endpoint).__module__
    return f"{module}.{name}" if module else name


def walk(routes: Sequence[Any], prefix: str = "", name_prefix: str = "") -> Iterator[RouteRow]:
    """Rows for `routes`; a Mount's children get its path and `mount:` name prefixes (as url_for does)."""
    from starlette.routing import Host, Mount, Route, WebSocketRoute

    for route in routes:
        name = f"{name_prefix}{route.name}" if getattr(route, "name", None) else ""
        if isinstance(route, Route):
            methods = sorted(route.methods or ())
            shown = [m for m in methods if m != "HEAD" or "GET" not in methods]
            yield RouteRow("|".join(shown) or "ANY", prefix + route.path, name, describe_endpoint(route.endpoint))
        elif isinstance(route, WebSocketRoute):
            yield RouteRow("WEBSOCKET", prefix + route.path, name, describe_endpoint(route.endpoint))
        elif isinstance(route, Mount):
            children = route.routes
            if children:
                inner = f"{name}:" if route.name else name_prefix
                yield from walk(children, prefix + route.path, inner)
            else:
                yield RouteRow("MOUNT", f"{prefix}{route.path}/*", name, describe_endpoint(route.app))
        elif isinstance(route, Host):
            inner = f"{name}:" if route.name else name_prefix
            for row in walk(route.routes, prefix, inner):
                yield row._replace(path=f"{route.host}{row.path}")
        else:
            yield RouteRow("?", prefix + str(getattr(route, "path", "")), name, type(route).__qualname__)


def format_table(rows: Sequence[RouteRow]) -> str:
    header = RouteRow("METHODS", "PATH", "NAME", "ENDPOINT")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(3)]
    return "\n".join(
        f"{row.methods:<{widths[0]}}  {row.path:<{widths[1]}}  {row.name or '-':<{widths[2]}}  {row.endpoint}"
        for row in (header, *rows)
    )


def run(args: argparse.Namespace) -> int:
    from core.cli.one_shot import collector_paused

    with collector_paused():
        from core.kernel import app_routes

        rows = list(walk(app_routes()))
    if args.filter:
        rows = [row for row in rows if args.filter in row.path or args.filter in row.name]
    print(format_table(rows))
    print(f"\n{len(rows)} route(s); WEBSOCKET marks WebSocket routes, MOUNT an app mounted whole (e.g. static files)")
    return 0
