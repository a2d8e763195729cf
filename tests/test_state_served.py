"""Two uvicorn processes on one Redis share the cache, the rate limits and sessions; Redis going away mid-run."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx

from core.http.throttle import RateLimiter
from core.testing.redis import PrivateRedis, require_redis
from tests.support.server import ROOT, served_site
from tests.support.web import TOKEN

PREFIX = f"{os.environ.get('NORI_TEST_DB_NAME', 'nori_test')}:served:"


def environment(redis_url: str, **extra: str) -> dict[str, str]:
    db = {"DB_ENGINE": "sqlite", "DB_NAME": ":memory:", "DEBUG": "false", "SECRET_KEY": "s" * 48}
    return {**db, "PYTHONPATH": str(ROOT), "REDIS_URL": redis_url, "CACHE_PREFIX": PREFIX, **extra}


def test_two_processes_share_the_cache_and_one_rate_limit(tmp_path: Path) -> None:
    url = require_redis()
    asyncio.run(RateLimiter(url).reset())
    settings = environment(url)
    with served_site(settings, tmp_path, app="tests.support.state_site:app") as a, \
            served_site(settings, tmp_path, app="tests.support.state_site:app") as b:
        assert httpx.get(a + "/state/cache/set", params={"key": "greeting", "value": "hola"}).json()["stored"]
        assert httpx.get(b + "/state/cache/get", params={"key": "greeting"}).json() == {"value": "hola"}
        codes = [httpx.get((a, b)[n % 2] + "/state/limited").status_code for n in range(14)]
        assert codes.count(200) == 10 and codes.count(429) == 4
    asyncio.run(RateLimiter(url).reset())


def test_redis_going_away_mid_run(tmp_path: Path) -> None:
    redis = PrivateRedis()
    redis.start()
    try:
        with served_site(environment(redis.url), tmp_path, app="tests.support.state_site:app") as site, \
                served_site(environment(redis.url, THROTTLE_FAIL_OPEN="false"), tmp_path,
                            app="tests.support.state_site:app") as closed:
            httpx.get(site + "/state/cache/set", params={"key": "k", "value": "v"})
            redis.stop()
            assert httpx.get(site + "/state/plain").status_code == 200
            assert httpx.get(site + "/state/cache/get", params={"key": "k"}).json() == {"value": None}
            assert httpx.get(site + "/state/limited").status_code == 200  # fails open by default
            refused = httpx.get(closed + "/state/limited", headers={"Accept": "application/json"})
            assert refused.status_code == 503 and "unavailable" in refused.json()["error"]
            redis.start()
            assert httpx.get(site + "/state/cache/set", params={"key": "k", "value": "w"}).json()["stored"]
            assert httpx.get(site + "/state/cache/get", params={"key": "k"}).json() == {"value": "w"}
            assert httpx.get(closed + "/state/limited").status_code == 200
    finally:
        redis.close()


def test_a_redis_session_started_on_one_process_works_and_ends_on_another(tmp_path: Path) -> None:
    url = require_redis()
    settings = {**environment(url, SESSION_BACKEND="redis", DEBUG="true"), "DB_NAME": str(tmp_path / "s.sqlite3")}
    with served_site(settings, tmp_path, app="tests.support.state_site:app") as a, \
            served_site(settings, tmp_path, app="tests.support.state_site:app") as b, \
            httpx.Client() as ada:  # one cookie jar: 127.0.0.1 whatever the port, like hosts behind one name
        token = TOKEN.search(ada.get(a + "/register").text)[1]
        form = {"csrf_token": token, "name": "Ada", "email": "ada@example.com", "password": "correct horse",
                "password_confirmation": "correct horse"}
        created = ada.post(a + "/register", data=form)
        assert created.status_code == 303
        assert ada.get(b + "/account").status_code == 200
        token = TOKEN.search(ada.get(b + "/account").text)[1]
        assert ada.post(b + "/logout", data={"csrf_token": token}).status_code == 303
        assert ada.get(a + "/account").status_code == 303
