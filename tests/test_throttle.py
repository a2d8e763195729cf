"""core/http/throttle on memory and a real Redis: exact limits, 429 headers, keys, Mounts, outages."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator

import httpx
import limits
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from core.compat.limits import parses_as_rate
from core.http.throttle import RateLimiter, ThrottleError, ThrottleMiddleware, throttle
from core.testing.redis import PrivateRedis, free_port, require_redis

PREFIX = f"{os.environ.get('NORI_TEST_DB_NAME', 'nori_test')}:throttle"
JSON = {"Accept": "application/json"}


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RateLimiter]:
    if request.param == "memory":  # a new store per test: nothing to reset
        yield RateLimiter("memory://", prefix=PREFIX)
        return
    limiter = RateLimiter(require_redis(), prefix=PREFIX)
    await limiter.reset()
    yield limiter
    await limiter.reset()


def app_with(store: RateLimiter, **options: object) -> Starlette:
    async def ok(request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def other(request: Request) -> Response:
        return JSONResponse({"other": True})

    def api_key(connection: HTTPConnection) -> str:
        return connection.headers.get("x-api-key", "none")

    routes = [
        Route("/ip", throttle("10/minute", store=store, **options)(ok)),  # type: ignore[arg-type]
        Route("/other", throttle("10/minute", store=store, **options)(other)),  # type: ignore[arg-type]
        Route("/user", throttle("2/minute", key="user", store=store)(ok)),
        Route("/keyed", throttle("2/minute", key=api_key, store=store)(ok)),
        Mount("/api", routes=[Route("/a", ok), Route("/b", ok)],
              middleware=[Middleware(ThrottleMiddleware, rate="3/minute", name="api", store=store)]),
    ]
    return Starlette(routes=routes)


def client_for(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=JSON)


async def test_exactly_the_limit_then_429_with_headers(store: RateLimiter) -> None:
    async with client_for(app_with(store)) as client:
        answers = [await client.get("/ip") for _ in range(12)]
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 2
    assert answers[0].headers["RateLimit-Limit"] == "10" and answers[0].headers["RateLimit-Remaining"] == "9"
    refused = answers[10]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0" and refused.headers["RateLimit-Limit"] == "10"
    assert refused.json()["error"].startswith("Too many requests: try again in")


async def test_each_route_has_its_own_budget(store: RateLimiter) -> None:
    async with client_for(app_with(store)) as client:
        for _ in range(10):
            await client.get("/ip")
        assert (await client.get("/ip")).status_code == 429
        assert (await client.get("/other")).status_code == 200


async def test_a_spoofed_forwarded_for_does_not_mint_new_counters(store: RateLimiter) -> None:
    async with client_for(app_with(store)) as client:
        answers = [await client.get("/ip", headers={"X-Forwarded-For": f"10.0.0.{n}"}) for n in range(11)]
    assert answers[-1].status_code == 429  # the peer is not a trusted proxy: its header is ignored


async def test_user_and_custom_keys_count_apart(store: RateLimiter) -> None:
    async with client_for(app_with(store)) as client:
        for _ in range(2):
            assert (await client.get("/keyed", headers={"X-API-Key": "a"})).status_code == 200
        assert (await client.get("/keyed", headers={"X-API-Key": "a"})).status_code == 429
        assert (await client.get("/keyed", headers={"X-API-Key": "b"})).status_code == 200
        assert [(await client.get("/user")).status_code for _ in range(3)] == [200, 200, 429]  # anonymous: by IP


async def test_a_mount_shares_one_budget(store: RateLimiter) -> None:
    async with client_for(app_with(store)) as client:
        codes = [(await client.get(path)).status_code for path in ("/api/a", "/api/b", "/api/a", "/api/b")]
    assert codes == [200, 200, 200, 429]


async def test_two_processes_on_one_redis_share_the_limit() -> None:
    url = require_redis()
    first, second = RateLimiter(url, prefix=PREFIX), RateLimiter(url, prefix=PREFIX)
    await first.reset()
    try:
        async with client_for(app_with(first)) as a, client_for(app_with(second)) as b:
            codes = [(await (a if n % 2 else b).get("/ip")).status_code for n in range(12)]
        assert codes.count(200) == 10 and codes[-2:] == [429, 429]
    finally:
        await first.reset()


# Rates limits reads and rates it refuses, each kind of part of its grammar.
RATES = ("60/minute", "1000 per hour", "1 PER Second", "5/2 minutes", "10 per 3 days", " 3/hour ", "1/month",
         "2/years", "1/second; 5/minute", "1/second,2/hour|3/day", "1/second:;2/hour", "0/minute",
         "lots", "", "60/fortnight", "60 per fortnight", "60/minutes; 1/fortnight", "/minute", "60", "60/",
         "-1/minute", "1.5/minute", "60 minute", "60//minute", "60/minute;", "60/mins", "60/minutess", "60/ms")


@pytest.mark.parametrize("rate", RATES)
def test_a_declared_rate_is_checked_by_limits_own_grammar(rate: str) -> None:
    """The declaration checks a rate without loading limits: it must agree with `limits.parse`."""
    try:
        limits.parse(rate)
    except ValueError:
        readable = False
    else:
        readable = True
    assert parses_as_rate(rate) is readable


def test_a_bad_rate_is_refused_when_declared() -> None:
    with pytest.raises(ThrottleError, match="is not a rate"):
        throttle("lots")
    with pytest.raises(ThrottleError, match=r"^'60 per fortnight' is not a rate: use a count per unit"):
        throttle("60 per fortnight")
    with pytest.raises(ValueError, match="is not 'ip', 'user'"):
        throttle("1/minute", key="email")


async def test_unreachable_store_fails_open_by_default_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    store = RateLimiter(f"redis://127.0.0.1:{free_port()}/0", prefix=PREFIX)
    caplog.set_level(logging.WARNING, logger="nori.throttle")
    async with client_for(app_with(store)) as client:
        answer = await client.get("/ip")
    assert answer.status_code == 200
    assert "unreachable" in caplog.text and "request allowed" in caplog.text


async def test_unreachable_store_fails_closed_when_told() -> None:
    store = RateLimiter(f"redis://127.0.0.1:{free_port()}/0", prefix=PREFIX)
    async with client_for(app_with(store, fail_open=False)) as client:
        answer = await client.get("/ip")
    assert answer.status_code == 503
    assert answer.json()["error"] == "Rate limiting is unavailable right now: try again shortly"


async def test_redis_going_away_and_coming_back(private_redis: PrivateRedis) -> None:
    store = RateLimiter(private_redis.url, prefix=PREFIX)
    async with client_for(app_with(store, fail_open=False)) as client:
        assert (await client.get("/ip")).status_code == 200
        private_redis.stop()
        assert (await client.get("/ip")).status_code == 503
        private_redis.start()
        assert (await client.get("/ip")).status_code == 200  # no restart: the client reconnects
