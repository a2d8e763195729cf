#!/usr/bin/env python3
"""Cursor against offset pages deep in a large table, and a resource endpoint against hand-written code.

    python3 bench/api.py --engines sqlite,postgres --rows 1000000

For each engine: fill `bench_api_entries` with --rows rows by 100 authors (one INSERT ... SELECT
over a generated series, so a million rows take seconds, not minutes), then

1. time page 1 and page 10,000 (20 rows a page) of `cursor_paginate` (key `id`) and of
   `paginate`, the latter with its count skipped (the row query alone: OFFSET's cost) and with
   it (what a default numbered page costs): the median of --repeats calls each. Target: cursor
   page 10,000 within 2x of page 1; offset is expected to fall far behind.
2. req/s of `/api/entries` (a cursor page of 20 entries, each with its author, through
   `EntryResource` and `page_response`) beside a hand-written endpoint making the same two
   queries, verifying and signing the same cursor and building the same dicts. The hand-written
   endpoint runs twice: in the same Nori app (the ratio is what pagination and resources cost)
   and on a bare Starlette app (the whole stack's cost, middleware included). All three are
   called as ASGI apps in this process, no socket and no HTTP client, so nothing but their own
   code is measured; rounds alternate the order. Printed: req/s and this process's CPU time per
request (steadier on a busy machine), each as the median of per-round ratios. Target: resource /
hand-written >= 0.9.

Bodies are checked identical before measuring. A --rows below 200,000 has no page 10,000: the
deepest page there is is used, and printed. The database, `<NORI_TEST_DB_NAME>_api_bench`, is
dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# `python3 bench/api.py` puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's `http` package: put the project's folders there instead.
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]
os.environ.setdefault("DEBUG", "false")  # the production stack is the one measured
if not os.environ.get("SECRET_KEY"):
    import secrets

    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)

import itsdangerous  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from tortoise import Tortoise  # noqa: E402
from tortoise.exceptions import OperationalError  # noqa: E402

from bench.api_models import Author, Entry  # noqa: E402
from core.compat.tortoise import forget_insert_statements  # noqa: E402
from core.database import orm, tortoise_config, without_query_timeout  # noqa: E402
from core.pagination import CURSOR_SALT, cursor_for, cursor_paginate, page_response, paginate  # noqa: E402
from core.resources import Resource  # noqa: E402
from core.testing.databases import drop_database, recreate_database  # noqa: E402
from core.testing.engines import engine_database  # noqa: E402

PER_PAGE = 20
DEEP_PAGE = 10_000
AUTHORS = 100
TARGET_DEPTH = 2.0
TARGET_RATIO = 0.9


class AuthorResource(Resource):
    model = Author
    fields = ("id", "name")


class EntryResource(Resource):
    model = Entry
    fields = ("id", "title", "created_at")
    relations = {"author": AuthorResource}


async def nori_entries(request: Request) -> JSONResponse:
    page = await cursor_paginate(Entry.all(), request, per_page=PER_PAGE)
    return page_response(page, await EntryResource.many(page.items))


def hand_written_endpoint(secret_key: str) -> Callable[[Request], Awaitable[JSONResponse]]:
    signer = itsdangerous.URLSafeSerializer(secret_key, salt=CURSOR_SALT)

    async def entries(request: Request) -> JSONResponse:
        query = Entry.all().order_by("id")
        token = request.query_params.get("cursor")
        if token is not None:
            query = query.filter(id__gt=signer.loads(token)["after"][0])
        rows = list(await query.limit(PER_PAGE + 1))
        more = len(rows) > PER_PAGE
        rows = rows[:PER_PAGE]
        await Entry.fetch_for_list(rows, "author")
        data = [{"id": entry.id, "title": entry.title, "created_at": entry.created_at.isoformat(),
                 "author": {"id": entry.author.id, "name": entry.author.name}} for entry in rows]
        next_cursor = signer.dumps({"key": ["id"], "after": [rows[-1].id]}) if more else None
        links = {"first": str(request.url.remove_query_params("cursor")),
                 "next": str(request.url.include_query_params(cursor=next_cursor)) if next_cursor else None}
        return JSONResponse({"data": data, "meta": {"per_page": PER_PAGE, "next_cursor": next_cursor},
                             "links": links})

    return entries


def fill_statement(engine: str, rows: int) -> str:
    """One INSERT ... SELECT of `rows` entries, in the engine's own way of generating a series."""
    columns = "INSERT INTO bench_api_entries (title, body, created_at, author_id)"
    body = "'" + "lorem ipsum dolor sit amet " * 8 + "'"
    if engine == "postgres":
        return (f"{columns} SELECT 'Entry ' || n, {body}, timestamptz '2026-01-01 00:00:00+00' + n * interval "
                f"'1 second', 1 + n % {AUTHORS} FROM generate_series(1, {rows}) AS n")
    series = f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {rows})"
    if engine == "sqlite":
        return (f"{columns} {series} SELECT 'Entry ' || n, {body}, strftime('%Y-%m-%d %H:%M:%f+00:00', "
                f"'2026-01-01', '+' || n || ' seconds'), 1 + n % {AUTHORS} FROM seq")
    return (f"{columns} {series} SELECT CONCAT('Entry ', n), {body}, TIMESTAMP('2026-01-01') + INTERVAL n SECOND, "
            f"1 + n % {AUTHORS} FROM seq")


async def fill(engine: str, rows: int) -> None:
    connection = Tortoise.get_connection("default")
    await Author.bulk_create([Author(name=f"Author {n}", email=f"author{n}@example.com") for n in range(AUTHORS)])
    if engine == "mysql":  # a recursive CTE stops at 1,000 levels unless told otherwise (MySQL, MariaDB)
        for variable in ("cte_max_recursion_depth", "max_recursive_iterations"):
            with contextlib.suppress(OperationalError):  # each server knows only its own name for it
                await connection.execute_script(f"SET SESSION {variable} = {rows + 1}")
    started = time.perf_counter()
    await connection.execute_script(fill_statement(engine, rows))
    print(f"  filled {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def request_for(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/api/entries", "query_string": query.encode(),
                    "headers": [(b"host", b"127.0.0.1")], "scheme": "http", "server": ("127.0.0.1", 80)})


async def median_seconds(
    first: Callable[[], Awaitable[Any]], deep: Callable[[], Awaitable[Any]], repeats: int,
) -> tuple[float, float]:
    """Median seconds of each call, timed in turns (order swapped each time) so drift hits both alike."""
    calls = (first, deep)
    times: tuple[list[float], list[float]] = ([], [])
    for call in calls:
        await call()  # warm: the first call pays for statement compilation and the page cache
    for repeat in range(repeats):
        for index in (0, 1) if repeat % 2 == 0 else (1, 0):
            started = time.perf_counter()
            await calls[index]()
            times[index].append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1])


async def depth(rows: int, repeats: int) -> list[tuple[str, float, float]]:
    deep = min(DEEP_PAGE, rows // PER_PAGE)
    before_deep = await Entry.all().order_by("id").offset((deep - 1) * PER_PAGE - 1).first()
    assert before_deep is not None
    cursor = cursor_for(before_deep)
    results = []
    for label, shallow_call, deep_call in [
        ("cursor", lambda: cursor_paginate(Entry.all(), request_for("")),
         lambda: cursor_paginate(Entry.all(), request_for(f"cursor={cursor}"))),
        ("offset, count skipped", lambda: paginate(Entry.all().order_by("id"), request_for(""), count=False),
         lambda: paginate(Entry.all().order_by("id"), request_for(f"page={deep}"), count=False)),
        ("offset with count", lambda: paginate(Entry.all().order_by("id"), request_for("")),
         lambda: paginate(Entry.all().order_by("id"), request_for(f"page={deep}"))),
    ]:
        results.append((label, *await median_seconds(shallow_call, deep_call, repeats)))
    print(f"  deep page: {deep:,}")
    return results


async def call_asgi(app: Any, query: str, host: bytes) -> tuple[int, bytes]:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/api/entries", "raw_path": b"/api/entries", "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", host), (b"accept", b"application/json")], "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8000)}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(message.get("body", b"") for message in sent[1:])


@dataclass
class Rates:
    """Per endpoint and round: requests per wall second, and this process's CPU microseconds per request.

    The CPU figure leaves out the database server's work and the time other programs take the
    CPUs away, so it moves much less than req/s on a busy machine.
    """

    per_second: dict[str, list[float]]
    cpu_us: dict[str, list[float]]


async def throughput(config: dict[str, Any], rows: int, rounds: int, requests: int) -> Rates:
    from core.kernel import create_app
    from core.settings import settings

    hand_written = hand_written_endpoint(settings.SECRET_KEY)
    routes = [Route("/api/entries", nori_entries)]
    nori = create_app(tortoise_config=config, routes=routes)
    nori_hand = create_app(tortoise_config=config, routes=[Route("/api/entries", hand_written)])
    bare = Starlette(routes=[Route("/api/entries", hand_written)])
    host = settings.APP_URL.split("://", 1)[1].split("/", 1)[0].encode()
    middle = await Entry.all().order_by("id").offset(rows // 2).first()
    assert middle is not None
    query = f"cursor={cursor_for(middle)}"
    apps = {"resource": nori, "hand-written in Nori": nori_hand, "hand-written, bare Starlette": bare}
    bodies = {name: await call_asgi(app, query, host) for name, app in apps.items()}
    if len({body for body in bodies.values()}) != 1:
        raise SystemExit(f"the endpoints answer differently: {bodies}")
    rates = Rates({name: [] for name in apps}, {name: [] for name in apps})
    order = list(apps)
    for round_number in range(rounds):
        for name in order[round_number % 3:] + order[:round_number % 3]:
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(requests):
                await call_asgi(apps[name], query, host)
            rates.per_second[name].append(requests / (time.perf_counter() - started))
            rates.cpu_us[name].append((time.process_time() - cpu_started) / requests * 1e6)
    return rates


async def bench_engine(engine: str, args: argparse.Namespace) -> None:
    db = replace(engine_database(engine, suffix="_api_bench"), extra_apps={"bench": ("bench.api_models",)})
    config = without_query_timeout(tortoise_config(db))
    print(f"\n## {engine}, {args.rows:,} rows\n", flush=True)
    forget_insert_statements()  # INSERTs compiled for the previous engine's "default" connection must go
    await recreate_database(db)
    async with orm(config, global_fallback=True):
        await Tortoise.generate_schemas(safe=True)
        await fill(engine, args.rows)
        results = await depth(args.rows, args.repeats)
        print("\n| pages | page 1 (ms) | deep page (ms) | deep / first |\n|---|---:|---:|---:|")
        for label, first, deep in results:
            print(f"| {label} | {first * 1000:.2f} | {deep * 1000:.2f} | {deep / first:.1f}x |")
        cursor_ratio = results[0][2] / results[0][1]
        verdict = "met" if cursor_ratio <= TARGET_DEPTH else "MISSED"
        print(f"\ncursor deep / first {cursor_ratio:.2f}x (target <= {TARGET_DEPTH}x: {verdict})")
        rates = await throughput(config, args.rows, args.rounds, args.requests)
    await drop_database(db)  # a million rows are not worth keeping between runs
    print("\n| endpoint | req/s | resource / this | CPU µs/request | this / resource |\n|---|---:|---:|---:|---:|")
    for name in rates.per_second:
        speed = median_ratio(rates.per_second["resource"], rates.per_second[name])
        cpu = median_ratio(rates.cpu_us[name], rates.cpu_us["resource"])
        print(f"| {name} | {statistics.median(rates.per_second[name]):,.0f} | {speed:.2f} "
              f"| {statistics.median(rates.cpu_us[name]):,.0f} | {cpu:.2f} |")
    hand = "hand-written in Nori"
    speed = median_ratio(rates.per_second["resource"], rates.per_second[hand])
    cpu = median_ratio(rates.cpu_us[hand], rates.cpu_us["resource"])
    verdict = "met" if min(speed, cpu) >= TARGET_RATIO else "MISSED"
    print(f"\nresource / {hand}: req/s {speed:.2f}, by CPU time {cpu:.2f} (target >= {TARGET_RATIO}: {verdict})")


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median of each round's ratio: drift between rounds cancels within a round."""
    return statistics.median(a / b for a, b in zip(numerators, denominators, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres, mysql")
    parser.add_argument("--rows", type=int, default=1_000_000, help="entries in the table (default 1,000,000)")
    parser.add_argument("--repeats", type=int, default=31, help="timed calls per page (median)")
    parser.add_argument("--rounds", type=int, default=12, help="alternating throughput rounds")
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint per round")
    args = parser.parse_args()
    if args.rows < PER_PAGE * 2:
        print(f"bench/api.py: --rows must be at least {PER_PAGE * 2}", file=sys.stderr)
        return 2
    for engine in args.engines.split(","):
        asyncio.run(bench_engine(engine.strip(), args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
