"""Query observability: the on_query hook, per-request figures in Server-Timing and the log, slow and N+1 warnings."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from core.kernel import create_app
from core.observability import Query, on_query, request_queries
from core.observability.requests import QueryTimingMiddleware, query_shape
from tests.support.models import Owner


@pytest.fixture
def seen() -> Iterator[list[Query]]:
    queries: list[Query] = []
    unsubscribe = on_query(queries.append)
    yield queries
    unsubscribe()


async def two_queries(request: Request) -> JSONResponse:
    names = [owner.name for owner in await Owner.all().order_by("id")]
    return JSONResponse({"names": names, "count": await Owner.filter(name="Ada").count(),
                         "so_far": request_queries().count if request_queries() else None})


async def one_by_one(request: Request) -> JSONResponse:
    for n in range(int(request.query_params["n"])):
        await Owner.filter(id=n + 1).first()
    return JSONResponse({"ok": True})


async def slow(request: Request) -> JSONResponse:
    await asyncio.sleep(0.3)
    return JSONResponse({"ok": True})


async def fast(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


ROUTES = [Route("/two", two_queries), Route("/loop", one_by_one), Route("/slow", slow), Route("/fast", fast)]


def client_of(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")  # type: ignore[arg-type]


async def test_every_query_reaches_the_hook_with_its_sql_time_and_connection(db: str, seen: list[Query]) -> None:
    await Owner.create(name="Ada")
    await Owner.filter(name="Ada").first()
    insert, select = seen[-2:]
    assert "INSERT" in insert.sql.upper() and "test_owners" in insert.sql
    assert "SELECT" in select.sql.upper() and select.connection == "default" and select.seconds > 0
    assert select.parameters is None and not select.failed  # values are left out unless asked for


async def test_parameters_are_seen_only_when_asked_for(db: str, seen: list[Query],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "QUERY_LOG_PARAMETERS", True)
    await Owner.filter(name="Grace").first()
    assert seen[-1].parameters is not None and "Grace" in seen[-1].parameters


async def test_a_failed_query_is_seen_as_failed(db: str, seen: list[Query]) -> None:
    from tortoise import connections

    with pytest.raises(Exception):  # noqa: B017  (each engine raises its own error)
        await connections.get("default").execute_query("SELECT * FROM no_such_table")
    assert seen[-1].failed and "no_such_table" in seen[-1].sql


async def test_a_known_page_counts_its_queries_in_server_timing_and_the_log(
        db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(settings, "SERVER_TIMING", True)
    await Owner.create(name="Ada")
    async with client_of(create_app(routes=ROUTES, debug=False)) as client:
        with caplog.at_level(logging.INFO, logger="nori.requests"):
            answer = await client.get("/two")
    assert answer.json() == {"names": ["Ada"], "count": 1, "so_far": 2}
    timing = answer.headers["server-timing"]
    assert re.fullmatch(r'db;dur=\d+\.\d;desc="2 queries", total;dur=\d+\.\d', timing), timing
    assert any(re.search(r"GET /two 200 \d+\.\dms, 2 queries in \d+\.\dms", r.getMessage()) for r in caplog.records)


async def test_with_everything_off_nothing_is_timed(db: str) -> None:
    app = create_app(routes=ROUTES, debug=False)
    async with client_of(app) as client:
        answer = await client.get("/two")
    assert "server-timing" not in answer.headers and answer.json()["so_far"] is None
    assert not any(m.cls is QueryTimingMiddleware for m in app.user_middleware)


async def test_slow_queries_and_slow_requests_are_logged(db: str, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(settings, "SLOW_QUERY_MS", 0.001)  # every query is slow at a microsecond
    monkeypatch.setattr(settings, "SLOW_REQUEST_MS", 200)
    async with client_of(create_app(routes=ROUTES, debug=False)) as client:
        with caplog.at_level(logging.INFO):
            assert "server-timing" not in (await client.get("/slow")).headers  # only asked to warn
            await client.get("/two")
            await client.get("/fast")
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(re.match(r"slow request GET /slow 200 \d+\.\dms \(over 200ms\), 0 queries", m) for m in messages)
    assert any(m.startswith("slow query ") and " on default: SELECT" in m and "test_owners" in m for m in messages)
    assert not any(m.startswith("slow request GET /fast") for m in messages)
    monkeypatch.setattr(settings, "SLOW_QUERY_MS", 0)
    create_app(routes=ROUTES, debug=False)  # the setting turned off: the slow-query subscriber goes
    caplog.clear()
    await Owner.filter(name="x").first()
    assert not [r for r in caplog.records if r.getMessage().startswith("slow query")]


async def test_debug_names_the_route_and_shape_of_a_likely_n_plus_one(db: str,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    async with client_of(create_app(routes=ROUTES, debug=True)) as client:
        with caplog.at_level(logging.WARNING, logger="nori.requests"):
            await client.get("/loop", params={"n": settings.N_PLUS_ONE_THRESHOLD - 1})
            assert not caplog.records  # below the threshold
            await client.get("/loop", params={"n": settings.N_PLUS_ONE_THRESHOLD + 1})
    [warning] = [r.getMessage() for r in caplog.records]
    assert warning.startswith(f"likely N+1 on GET /loop (tests.test_observability.one_by_one): "
                              f"{settings.N_PLUS_ONE_THRESHOLD + 1} x SELECT")
    assert "test_owners" in warning


def test_a_query_shape_ignores_the_values() -> None:
    assert query_shape("SELECT * FROM t WHERE id=12 AND name='O''Hara'") == "SELECT * FROM t WHERE id=? AND name=?"
    assert query_shape("SELECT  *\n FROM t WHERE id=$1") == "SELECT * FROM t WHERE id=$?"


# --- JSON logs ---------------------------------------------------------------------------------------


async def owner_page(request: Request) -> JSONResponse:
    logging.getLogger("tests").info("looked up", extra={"owner": request.path_params["id"]})
    return JSONResponse({"id": request.path_params["id"]})


async def test_json_logs_carry_the_request_its_route_template_and_user(db: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import orjson

    from core.http.context import RequestIdLogFilter
    from core.logs import JsonFormatter
    from routes import routes
    from tests.support.web import register

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdLogFilter())
    handler.setFormatter(JsonFormatter())
    watched = [logging.getLogger("nori.requests"), logging.getLogger("tests")]
    for logger in watched:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    monkeypatch.setattr(settings, "LOG_FORMAT", "json")
    try:
        app = create_app(routes=[*routes, Route("/owners/{id:int}", owner_page)], debug=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:  # Secure cookies
            await client.get("/owners/7", headers={"x-request-id": "trace-one"})
            await register(client)
            await client.get("/owners/8")
    finally:
        for logger in watched:
            logger.removeHandler(handler)
            logger.setLevel(logging.NOTSET)
    lines = [orjson.loads(line) for line in stream.getvalue().splitlines()]
    mine = [line for line in lines if line["logger"] == "tests"]
    assert mine[0]["message"] == "looked up" and mine[0]["owner"] == 7 and mine[0]["request_id"] == "trace-one"
    assert mine[0]["user_id"] is None and isinstance(mine[1]["user_id"], int)  # logged in by then
    requests = [line for line in lines if line["logger"] == "nori.requests" and line["path"].startswith("/owners")]
    assert [(r["route"], r["status"], r["method"]) for r in requests] == [("/owners/{id:int}", 200, "GET")] * 2
    assert requests[0]["request_id"] == "trace-one" and isinstance(requests[0]["duration_ms"], float)
    assert requests[0]["queries"] == 0 and requests[1]["queries"] >= 1  # the logged-in page loads its user
