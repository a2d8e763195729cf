"""`routes:list`: the routes the app serves, Mounts expanded, WebSockets marked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.routing import Host, Mount, Route, Router, WebSocketRoute
from starlette.staticfiles import StaticFiles

from core.cli.routes import RouteRow, format_table, walk
from tests.support.site_copy import copy_site, nori


async def page(request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def chat(websocket: object) -> None:
    return None


class Articles:
    async def show(self, request: object) -> PlainTextResponse:
        return PlainTextResponse("article")


def test_walk_expands_mounts_and_marks_websockets(tmp_path: Path) -> None:
    articles = Articles()
    routes = [
        Route("/", page, name="home"),
        Route("/form", page, methods=["GET", "POST"], name="form"),
        WebSocketRoute("/ws/chat", chat, name="chat"),
        Mount("/admin", name="admin", routes=[
            Route("/articles/{id:int}", articles.show, name="article"),
            Mount("/api", routes=[Route("/ping", page, methods=["POST"], name="ping")]),
        ]),
        Mount("/assets", app=StaticFiles(directory=tmp_path), name="assets"),
        Mount("/legacy", app=Router(routes=[Route("/old", page, name="old")])),
        Host("api.example.com", app=Router(routes=[Route("/v1", page, name="v1")]), name="api"),
    ]
    rows = list(walk(routes))
    module = __name__
    assert rows == [
        RouteRow("GET", "/", "home", f"{module}.page"),
        RouteRow("GET|POST", "/form", "form", f"{module}.page"),
        RouteRow("WEBSOCKET", "/ws/chat", "chat", f"{module}.chat"),
        RouteRow("GET", "/admin/articles/{id:int}", "admin:article", f"{module}.Articles.show"),
        RouteRow("POST", "/admin/api/ping", "admin:ping", f"{module}.page"),
        RouteRow("MOUNT", "/assets/*", "assets", "starlette.staticfiles.StaticFiles"),
        RouteRow("GET", "/legacy/old", "old", f"{module}.page"),
        RouteRow("GET", "api.example.com/v1", "api:v1", f"{module}.page"),
    ]
    table = format_table(rows).splitlines()
    assert table[0].split() == ["METHODS", "PATH", "NAME", "ENDPOINT"]
    assert table[3].split() == ["WEBSOCKET", "/ws/chat", "chat", f"{module}.chat"]


def test_routes_list_shows_the_site_and_framework_routes(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    result = nori(site, "routes:list")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["GET", "/health", "health", "core.http.health.health"] in rows
    assert ["GET", "/", "home", "modules.home.HomeController.index"] in rows
    assert ["MOUNT", "/static/*", "static", "core.http.static.StaticFiles"] in rows
    filtered = nori(site, "routes:list", "--filter", "health")
    assert [line.split()[1] for line in filtered.stdout.splitlines()[1:] if line.startswith("GET")] == ["/health"]


def test_routes_list_reports_a_broken_routes_module_in_one_line(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    (site / "rootsystem" / "application" / "routes.py").write_text("from modules.missing import Nothing\n")
    result = nori(site, "routes:list")
    assert result.returncode == 1
    assert result.stderr.strip() == ("routes:list: ModuleNotFoundError: No module named 'modules.missing' "
                                     "(run with --verbose for the traceback)")
    assert subprocess.run([sys.executable, "nori.py", "routes:list", "--verbose"], cwd=site,
                          capture_output=True, text=True).stderr.count("Traceback") == 1
