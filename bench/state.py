"""Shared state measured: a page with cookie or Redis sessions, and cache ops through core/cache.

1. req/s of a page that reads the session and one cache key, through the site's whole middleware
   stack in-process (httpx's ASGI transport, one client, sequential requests): with cookie
   sessions, with Redis sessions (SESSION_BACKEND=redis), and the same page with no session.
   Goal: Redis sessions ≥ 0.85 of cookie sessions.
2. Cache get/set ops/s through core/cache beside cashews used directly, in memory and on Redis.
   Both sides store the same JSON bytes, so the difference is the facade's own work: the key
   prefix, the encoding check and the outage handling. Goal: core/cache ≥ 0.9 of cashews.

Each side runs `--rounds` times, alternating, and its median and best are reported. Run from the
project root:

    python3 bench/state.py                                   # redis://127.0.0.1:6379/5
    python3 bench/state.py --redis redis://127.0.0.1:6379/5 --ops 5000 --rounds 5

Keys live under `bench:state:` (cache) and `nori:session:` (sessions) and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python3 bench/state.py` puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's http package: the project root and the application folder take its place.
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

import orjson  # noqa: E402
from cashews import Cache as Cashews  # noqa: E402

from core.cache import Cache  # noqa: E402
from core.cache.store import cashews_url  # noqa: E402

PREFIX = "bench:state:"
VALUE = {"id": 1, "title": "A cached article", "tags": ["a", "b", "c"], "views": 1234}


async def ops_per_second(run: Callable[[int], Awaitable[None]], ops: int) -> float:
    started = time.perf_counter()
    await run(ops)
    return ops / (time.perf_counter() - started)


async def measure(url: str, ops: int, rounds: int) -> list[tuple[str, list[float], list[float]]]:
    ours = Cache(url, prefix=PREFIX)
    theirs = Cashews()
    options = {"pickle_type": "null"} if url.startswith("memory") else {"pickle_type": "null", "suppress": False}
    theirs.setup(cashews_url(url, 10_000), **options)
    await theirs.init()

    async def our_set(n: int) -> None:
        for i in range(n):
            await ours.set(f"k{i % 100}", VALUE, 60)

    async def their_set(n: int) -> None:
        for i in range(n):
            await theirs.set(f"{PREFIX}k{i % 100}", orjson.dumps(VALUE), expire=60)  # JSON too: no pickle

    async def our_get(n: int) -> None:
        for i in range(n):
            await ours.get(f"k{i % 100}")

    async def their_get(n: int) -> None:
        for i in range(n):
            orjson.loads(await theirs.get(f"{PREFIX}k{i % 100}"))

    results = []
    for name, mine, library in (("set", our_set, their_set), ("get", our_get, their_get)):
        nori_rates, lib_rates = [], []
        for _ in range(rounds):
            nori_rates.append(await ops_per_second(mine, ops))
            lib_rates.append(await ops_per_second(library, ops))
        results.append((name, nori_rates, lib_rates))
    await ours.clear()
    await ours.close()
    await theirs.close()
    return results


async def page_rates(redis_url: str, requests: int, rounds: int) -> dict[str, list[float]]:
    """req/s of the same page: cookie sessions, Redis sessions, no session (cookie stack, no cookie sent)."""
    import httpx
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    import settings
    from core.cache import cache
    from core.http.session_store import close_session_store
    from core.kernel import create_app

    await cache.reconfigure(redis_url, prefix=PREFIX)
    await cache.set("greeting", "hello", 600)

    async def page(request: Request) -> JSONResponse:
        return JSONResponse({"theme": request.session.get("theme"), "greeting": await cache.get("greeting")})

    async def start(request: Request) -> JSONResponse:
        request.session["theme"] = "dark"
        return JSONResponse({"ok": True})

    routes = [Route("/page", page), Route("/start", start)]
    clients: dict[str, httpx.AsyncClient] = {}
    for label, backend in (("cookie sessions", "cookie"), ("redis sessions", "redis"), ("no session", "cookie")):
        settings.SESSION_BACKEND, settings.SESSION_URL = backend, redis_url
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(routes=routes, debug=False)),
                                   base_url="https://bench")
        if label != "no session":
            await client.get("/start")
        clients[label] = client
    rates: dict[str, list[float]] = {label: [] for label in clients}
    for _ in range(rounds):
        for label, client in clients.items():
            started = time.perf_counter()
            for _ in range(requests):
                await client.get("/page")
            rates[label].append(requests / (time.perf_counter() - started))
    for client in clients.values():
        await client.aclose()
    await close_session_store()
    await cache.clear()
    await cache.close()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--ops", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    options = parser.parse_args()
    try:
        pages = asyncio.run(page_rates(options.redis, options.requests, options.rounds))
    except Exception as error:  # an unreachable Redis: one line, the cache figures still measured
        print(f"page: {type(error).__name__}: {error}")
    else:
        cookie = statistics.median(pages["cookie sessions"])
        print("| page | req/s (median, best) | ratio to cookie sessions |")
        print("|---|---:|---:|")
        for label, rates in pages.items():
            print(f"| {label} | {statistics.median(rates):,.0f} ({max(rates):,.0f}) | "
                  f"**{statistics.median(rates) / cookie:.2f}** |")
        ratio = statistics.median(pages["redis sessions"]) / cookie
        print(f"Redis sessions / cookie sessions: {ratio:.2f} (goal ≥ 0.85: {'ok' if ratio >= 0.85 else 'missed'})\n")
    print("| store | op | cashews ops/s (median, best) | core/cache ops/s (median, best) | core/cashews | goal |")
    print("|---|---|---:|---:|---:|---|")
    for label, url in (("memory", "memory://"), ("redis", options.redis)):
        try:
            results = asyncio.run(measure(url, options.ops, options.rounds))
        except Exception as error:  # an unreachable Redis: one line, the other store still measured
            print(f"| {label} | - | {type(error).__name__}: {error} | | | |")
            continue
        for op, nori_rates, lib_rates in results:
            ratio = statistics.median(nori_rates) / statistics.median(lib_rates)
            print(f"| {label} | {op} | {statistics.median(lib_rates):,.0f} ({max(lib_rates):,.0f}) | "
                  f"{statistics.median(nori_rates):,.0f} ({max(nori_rates):,.0f}) | **{ratio:.2f}** | "
                  f"≥ 0.90 {'ok' if ratio >= 0.9 else 'missed'} |")


if __name__ == "__main__":
    main()
