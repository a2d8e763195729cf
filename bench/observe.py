#!/usr/bin/env python3
"""What observability costs a request, and what a read replica adds, measured side by side.

    python3 bench/observe.py --engines sqlite,postgres

1. req/s of `/api/entries` (bench/api.py's cursor page of 20 entries with their authors) with
   observability off (the default: no hook installed, no layer) and on (SERVER_TIMING=true and
   METRICS_ENABLED=true: every query observed, a Server-Timing header, a log line suppressed
   by level, the Prometheus metrics updated). Both apps are called as ASGI apps in this
   process, rounds alternating. Target: on / off >= 0.95.
2. reads/s of the same endpoint on PostgreSQL, 32 requests in flight, against the primary alone
   and against the primary plus one streaming replica (core.testing.replica starts both in a
   temporary folder). On one machine both servers share its CPUs, so this shows the routing's
   cost and the spread of load, not a second machine's capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

from bench.api import call_asgi, fill, median_ratio, nori_entries  # noqa: E402  (sets DEBUG and SECRET_KEY)
from core.compat.tortoise import forget_insert_statements  # noqa: E402
from core.database import DatabaseSettings, orm, tortoise_config, without_query_timeout  # noqa: E402
from core.testing.databases import drop_database, recreate_database  # noqa: E402
from core.testing.engines import engine_database  # noqa: E402

TARGET_RATIO = 0.95
IN_FLIGHT = 32


def app_with(config: dict[str, Any], *, observed: bool) -> Any:
    from starlette.routing import Route

    from core.kernel import create_app
    from core.settings import settings

    settings.module().SERVER_TIMING = observed
    settings.module().METRICS_ENABLED = observed
    return create_app(tortoise_config=config, routes=[Route("/api/entries", nori_entries)])


async def observability_rates(config: dict[str, Any], rounds: int, requests: int) -> dict[str, list[float]]:
    from core.settings import settings

    host = settings.APP_URL.split("://", 1)[1].split("/", 1)[0].encode()
    apps = {"off": app_with(config, observed=False), "on": app_with(config, observed=True)}
    logging.getLogger("nori.requests").setLevel(logging.WARNING)  # the line is built, not printed
    rates: dict[str, list[float]] = {name: [] for name in apps}
    for round_number in range(rounds):
        for name in (["off", "on"] if round_number % 2 == 0 else ["on", "off"]):
            started = time.perf_counter()
            for _ in range(requests):
                status, _ = await call_asgi(apps[name], "", host)
                assert status == 200
            rates[name].append(requests / (time.perf_counter() - started))
    return rates


async def bench_observability(engine: str, args: argparse.Namespace) -> None:
    db = replace(engine_database(engine, suffix="_observe_bench"), extra_apps={"bench": ("bench.api_models",)})
    config = without_query_timeout(tortoise_config(db))
    forget_insert_statements()  # INSERTs compiled for the previous engine's "default" connection must go
    await recreate_database(db)
    async with orm(config, global_fallback=True):
        from tortoise import Tortoise

        await Tortoise.generate_schemas(safe=True)
        await fill(engine, args.rows)
        rates = await observability_rates(config, args.rounds, args.requests)
    await drop_database(db)
    ratio = median_ratio(rates["on"], rates["off"])
    print(f"\n## {engine}: observability off vs on ({args.rows:,} rows)\n")
    print("| observability | req/s (median) |\n|---|---:|")
    for name, values in rates.items():
        print(f"| {name} | {statistics.median(values):,.0f} |")
    print(f"\non / off: {ratio:.2f} (target >= {TARGET_RATIO}: {'met' if ratio >= TARGET_RATIO else 'MISSED'})")


async def read_rates(config: dict[str, Any], seconds: float, host: bytes) -> float:
    from starlette.routing import Route

    from core.kernel import create_app

    app = create_app(tortoise_config=config, routes=[Route("/api/entries", nori_entries)])
    done = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await call_asgi(app, "", host)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(IN_FLIGHT)))
    return done / (time.perf_counter() - started)


async def bench_replica(args: argparse.Namespace) -> None:
    from core.settings import settings
    from core.testing.replica import start_replica_pair

    pair = start_replica_pair()
    try:
        pair.sql("CREATE DATABASE bench")
        primary = DatabaseSettings(engine="postgres", name="bench", port=pair.primary_port, user="postgres",
                                   pool_max=IN_FLIGHT, extra_apps={"bench": ("bench.api_models",)})
        both = primary.with_replicas([f"postgres://postgres@127.0.0.1:{pair.replica_port}/bench"])
        host = settings.APP_URL.split("://", 1)[1].split("/", 1)[0].encode()
        async with orm(without_query_timeout(tortoise_config(primary)), global_fallback=True):
            from tortoise import Tortoise

            await Tortoise.generate_schemas(safe=True)
            forget_insert_statements()
            await fill("postgres", args.rows)
        pair.wait_replayed(60)
        rates: dict[str, list[float]] = {"primary alone": [], "primary + 1 replica": []}
        for round_number in range(args.replica_rounds):
            for name in (list(rates) if round_number % 2 == 0 else list(reversed(rates))):
                database = primary if name == "primary alone" else both
                settings.module().DATABASE = database  # with replicas the app routes its reads to them
                async with orm(tortoise_config(database), global_fallback=True):
                    rates[name].append(await read_rates(tortoise_config(database), args.seconds, host))
        print(f"\n## PostgreSQL: reads with and without a replica ({IN_FLIGHT} in flight)\n")
        print("| database | reads/s (median) |\n|---|---:|")
        for name, values in rates.items():
            print(f"| {name} | {statistics.median(values):,.0f} |")
        ratio = median_ratio(rates["primary + 1 replica"], rates["primary alone"])
        print(f"\nwith a replica / primary alone: {ratio:.2f}")
    finally:
        pair.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--replica-rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3.0, help="per replica round")
    parser.add_argument("--no-replica", action="store_true", help="skip the replica figures")
    args = parser.parse_args()
    for engine in args.engines.split(","):
        asyncio.run(bench_observability(engine.strip(), args))
    if not args.no_replica:
        asyncio.run(bench_replica(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
