"""core/cache on memory and on a real Redis: values, counters, remember, tags, outages, responses, cache:clear."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.cache import Cache, CacheValueError, cache_response
from core.cli import main as nori
from core.testing.redis import PrivateRedis, free_port, require_redis

PREFIX = f"{os.environ.get('NORI_TEST_DB_NAME', 'nori_test')}:cache:"


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    url = "memory://" if request.param == "memory" else require_redis()
    cache = Cache(url, prefix=PREFIX)
    await cache.clear()
    yield cache
    await cache.clear()
    await cache.close()


async def test_set_get_delete_and_json_values(store: Cache) -> None:
    value = {"title": "Hello", "tags": ["a", "b"], "n": 3, "ok": True, "none": None}
    assert await store.get("post:1") is None
    assert await store.get("post:1", "fallback") == "fallback"
    assert await store.set("post:1", value, ttl=60)
    assert await store.get("post:1") == value
    assert await store.delete("post:1")
    assert await store.get("post:1") is None


async def test_non_json_values_are_refused_when_stored(store: Cache) -> None:
    with pytest.raises(CacheValueError, match="only JSON data"):
        await store.set("obj", object())


async def test_redis_holds_json_bytes_not_pickle() -> None:
    import redis.asyncio

    cache = Cache(require_redis(), prefix=PREFIX)
    await cache.set("raw", {"a": 1})
    client = redis.asyncio.Redis.from_url(require_redis())
    try:
        raw = await client.get(PREFIX + "raw")
    finally:
        await client.aclose()
        await cache.clear()
        await cache.close()
    assert raw is not None and raw.endswith(b'{"a":1}') and b"\x80" not in raw  # \x80: every pickle's first byte


async def test_incr_counts_atomically(store: Cache) -> None:
    results = await asyncio.gather(*(store.incr("hits", ttl=60) for _ in range(50)))
    assert sorted(r for r in results if r is not None) == list(range(1, 51))
    assert await store.get("hits") == 50
    assert await store.incr("hits", 5) == 55


async def test_remember_calls_the_factory_once_for_100_parallel_misses(store: Cache) -> None:
    calls = 0

    async def expensive() -> dict[str, int]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return {"answer": 42}

    results = await asyncio.gather(*(store.remember("answer", 60, expensive) for _ in range(100)))
    assert calls == 1
    assert all(result == {"answer": 42} for result in results)
    assert await store.remember("answer", 60, expensive) == {"answer": 42} and calls == 1


async def test_remember_across_two_caches_on_one_redis_computes_once() -> None:
    url = require_redis()
    first, second = Cache(url, prefix=PREFIX), Cache(url, prefix=PREFIX)  # two processes' caches
    await first.clear()
    calls = 0

    async def expensive() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.1)
        return 7

    try:
        results = await asyncio.gather(*(c.remember("shared", 60, expensive) for c in (first, second) * 20))
        assert calls == 1 and set(results) == {7}
    finally:
        await first.clear()
        await first.close()
        await second.close()


async def test_tag_and_prefix_invalidation(store: Cache) -> None:
    await store.set("post:1", 1, 60, tags=["posts"])
    await store.set("post:2", 2, 60, tags=["posts", "front"])
    await store.set("user:1", 3, 60)
    await store.delete_tag("posts")
    assert await store.get("post:1") is None and await store.get("post:2") is None
    assert await store.get("user:1") == 3
    await store.set("page:a", 1)
    await store.set("page:b", 2)
    await store.delete_prefix("page:")
    assert await store.get("page:a") is None and await store.get("page:b") is None
    assert await store.get("user:1") == 3


async def test_clear_leaves_other_keys_in_the_same_redis() -> None:
    import redis.asyncio

    url = require_redis()
    client = redis.asyncio.Redis.from_url(url)
    cache = Cache(url, prefix=PREFIX)
    try:
        await client.set(PREFIX.replace("cache", "other") + "keep", b"1")
        await cache.set("gone", 1)
        await cache.clear()
        assert await cache.get("gone") is None
        assert await client.get(PREFIX.replace("cache", "other") + "keep") == b"1"
    finally:
        await client.delete(PREFIX.replace("cache", "other") + "keep")
        await client.aclose()
        await cache.close()


async def test_memory_cache_is_bounded() -> None:
    cache = Cache("memory://", prefix=PREFIX, max_entries=10)
    for n in range(25):
        await cache.set(f"k{n}", n)
    kept = [n for n in range(25) if await cache.get(f"k{n}") is not None]
    assert kept == list(range(15, 25))  # least recently used go first
    await cache.close()


async def test_unreachable_redis_is_a_logged_miss(caplog: pytest.LogCaptureFixture) -> None:
    cache = Cache(f"redis://127.0.0.1:{free_port()}/0", prefix=PREFIX)  # nothing listens there
    caplog.set_level(logging.WARNING, logger="nori.cache")
    assert await cache.get("k", "default") == "default"
    assert await cache.set("k", 1) is False
    assert await cache.incr("k") is None
    assert await cache.remember("k", 60, lambda: asyncio.sleep(0, result="computed")) == "computed"
    assert "cache get of 'k' failed, treated as a miss" in caplog.text
    await cache.close()


async def test_redis_going_away_and_coming_back(private_redis: PrivateRedis) -> None:
    cache = Cache(private_redis.url, prefix=PREFIX)
    await cache.set("k", "before")
    assert await cache.get("k") == "before"
    private_redis.stop()
    assert await cache.get("k", "miss") == "miss"
    private_redis.start()  # an empty server on the same port: the cache reconnects without a restart
    assert await cache.set("k", "after")
    assert await cache.get("k") == "after"
    await cache.close()


# --- @cache_response -----------------------------------------------------------------------------

def cached_app(store: Cache) -> tuple[Starlette, dict[str, int]]:
    calls = {"page": 0, "cookie": 0, "lang": 0}

    @cache_response(ttl=60, store=store)
    async def page(request: Request) -> Response:
        calls["page"] += 1
        return JSONResponse({"n": calls["page"]})

    @cache_response(ttl=60, store=store)
    async def with_cookie(request: Request) -> Response:
        calls["cookie"] += 1
        response = JSONResponse({"n": calls["cookie"]})
        response.set_cookie("seen", "1")
        return response

    @cache_response(ttl=60, vary=["Accept-Language"], store=store)
    async def lang(request: Request) -> Response:
        calls["lang"] += 1
        return JSONResponse({"lang": request.headers.get("accept-language")})

    async def session_user(request: Request) -> Response:  # stands in for a logged-in visitor
        request.scope["session"] = {"_auth_user_id": 1}
        return await page(request)

    routes = [Route("/page", page), Route("/cookie", with_cookie), Route("/lang", lang),
              Route("/mine", session_user)]
    return Starlette(routes=routes), calls


async def test_cache_response_serves_a_get_route_from_the_cache(store: Cache) -> None:
    app, calls = cached_app(store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        first, second = await client.get("/page"), await client.get("/page")
        assert first.json() == second.json() == {"n": 1} and calls["page"] == 1
        assert second.headers["x-cache"] == "hit" and "x-cache" not in first.headers
        assert second.headers["content-type"] == "application/json"
        assert (await client.get("/page?other=1")).json() == {"n": 2}
        assert (await client.post("/page")).status_code == 405


async def test_cache_response_never_keeps_set_cookie_or_logged_in_answers(store: Cache) -> None:
    app, calls = cached_app(store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        await client.get("/cookie")
        await client.get("/cookie")
        assert calls["cookie"] == 2
        await client.get("/mine")
        await client.get("/mine")
        assert calls["page"] == 2


async def test_cache_response_varies_on_the_named_headers(store: Cache) -> None:
    app, calls = cached_app(store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        es = await client.get("/lang", headers={"Accept-Language": "es"})
        en = await client.get("/lang", headers={"Accept-Language": "en"})
        es_again = await client.get("/lang", headers={"Accept-Language": "es"})
    assert es.json() == es_again.json() == {"lang": "es"} and en.json() == {"lang": "en"}
    assert calls["lang"] == 2


# --- cache:clear ---------------------------------------------------------------------------------

def run_nori(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> int:
    import settings
    from core.cache import cache

    monkeypatch.setattr(settings, "CACHE_URL", url, raising=False)
    monkeypatch.setattr(settings, "CACHE_PREFIX", PREFIX, raising=False)
    asyncio.run(cache.reconfigure())
    return nori(list(args))


def on_cache(url: str, step: Callable[[Cache], Awaitable[Any]]) -> Any:
    """Run `step` on a cache of its own event loop, as a second process would."""
    async def run() -> Any:
        cache = Cache(url, prefix=PREFIX)
        try:
            return await step(cache)
        finally:
            await cache.close()

    return asyncio.run(run())


def test_cache_clear_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = require_redis()

    async def fill(cache: Cache) -> None:
        await cache.set("a", 1, tags=["t"])
        await cache.set("b", 2)

    on_cache(url, fill)
    assert run_nori(monkeypatch, url, "cache:clear", "--tag", "t") == 0
    assert "Cache cleared: tag t." in capsys.readouterr().out
    assert on_cache(url, lambda c: c.get("a")) is None and on_cache(url, lambda c: c.get("b")) == 2
    assert run_nori(monkeypatch, url, "cache:clear") == 0
    assert on_cache(url, lambda c: c.get("b")) is None


def test_cache_clear_on_an_unreachable_redis_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    assert run_nori(monkeypatch, url, "cache:clear") == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"cache:clear: the cache at {url} is unreachable") and "\n" not in err


# --- which store ---------------------------------------------------------------------------------

def test_feature_urls_follow_redis_url_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    import settings
    from core.stores import store_url

    monkeypatch.setattr(settings, "REDIS_URL", "", raising=False)
    monkeypatch.setattr(settings, "CACHE_URL", "", raising=False)
    assert store_url("CACHE_URL") == "memory://"
    monkeypatch.setattr(settings, "REDIS_URL", "redis://127.0.0.1:6379/3", raising=False)
    assert store_url("CACHE_URL") == "redis://127.0.0.1:6379/3"
    monkeypatch.setattr(settings, "CACHE_URL", "memory://", raising=False)
    assert store_url("CACHE_URL") == "memory://"


def test_a_store_url_with_a_bad_scheme_is_refused_in_one_line() -> None:
    from core.conf import Env, SettingError

    assert Env(environ={"CACHE_URL": "redis://h:6379/1"}).store_url("CACHE_URL") == "redis://h:6379/1"
    with pytest.raises(SettingError, match=r"CACHE_URL='redis:/h' is not a store URL"):
        Env(environ={"CACHE_URL": "redis:/h"}).store_url("CACHE_URL")
