"""SESSION_BACKEND=redis: the cookie is a random id, data in Redis, rotation, logout, logout_everywhere, outages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import redis.asyncio
from starlette.requests import HTTPConnection

from core.auth.sessions import logout_everywhere
from core.http.session_store import PREFIX, close_session_store, session_store
from core.http.sessions import SESSION_ID
from core.testing.redis import PrivateRedis, require_redis
from models.user import User
from tests.support.web import csrf_token, register

COOKIE = "nori_session"


@pytest.fixture
async def site(db: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """The site with Redis sessions on the test Redis."""
    import settings
    from core.kernel import create_app

    monkeypatch.setattr(settings, "SESSION_BACKEND", "redis")
    monkeypatch.setattr(settings, "SESSION_URL", require_redis())
    await close_session_store()
    yield create_app()
    store = session_store()
    assert store is not None
    async for key in store.client.scan_iter(match=PREFIX + "*"):
        await store.client.delete(key)
    await close_session_store()


def browser(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def stored(session_id: str) -> bytes | None:
    client = redis.asyncio.Redis.from_url(require_redis())
    try:
        return await client.get(PREFIX + session_id)  # type: ignore[no-any-return]
    finally:
        await client.aclose()


async def test_the_cookie_holds_an_id_and_redis_the_data(site: Any) -> None:
    async with browser(site) as ada:
        await register(ada)
        session_id = ada.cookies[COOKIE]
        assert (await ada.get("/account")).status_code == 200
    data = await stored(session_id)
    assert data is not None and b'"_auth_user_id"' in data and session_id not in data.decode()
    assert data.startswith(b"{")  # JSON, not pickle


async def test_login_rotates_the_id_and_logout_destroys_it(site: Any) -> None:
    async with browser(site) as ada:
        await register(ada)
        token = await csrf_token(ada, "/account")
        await ada.post("/logout", data={"csrf_token": token})
        token = await csrf_token(ada, "/login")
        anonymous_id = ada.cookies[COOKIE]
        answer = await ada.post("/login", data={"csrf_token": token, "email": "ada@example.com",
                                                "password": "correct horse"})
        assert answer.status_code == 303
        logged_in_id = ada.cookies[COOKIE]
        assert logged_in_id != anonymous_id and await stored(anonymous_id) is None
        token = await csrf_token(ada, "/account")
        await ada.post("/logout", data={"csrf_token": token})
    assert await stored(logged_in_id) is None


async def test_a_stolen_id_stops_working_after_logout(site: Any) -> None:
    async with browser(site) as ada, browser(site) as thief:
        await register(ada)
        thief.cookies.set(COOKIE, ada.cookies[COOKIE])
        assert (await thief.get("/account")).status_code == 200
        token = await csrf_token(ada, "/account")
        await ada.post("/logout", data={"csrf_token": token})
        assert (await thief.get("/account")).status_code == 303  # to the login page


async def test_logout_everywhere_ends_every_session_but_the_one_kept(site: Any) -> None:
    async with browser(site) as phone, browser(site) as laptop, browser(site) as thief:
        await register(phone)
        token = await csrf_token(laptop, "/login")
        await laptop.post("/login", data={"csrf_token": token, "email": "ada@example.com",
                                          "password": "correct horse"})
        thief.cookies.set(COOKIE, phone.cookies[COOKIE])
        user = await User.get(email="ada@example.com")
        keep = HTTPConnection({"type": "http", SESSION_ID: laptop.cookies[COOKIE], "headers": []})
        assert await logout_everywhere(user, keep=keep) == 1
        assert (await phone.get("/account")).status_code == 303
        assert (await thief.get("/account")).status_code == 303
        assert (await laptop.get("/account")).status_code == 200


async def test_redis_away_is_a_503_with_a_message_and_recovers(db: str, monkeypatch: pytest.MonkeyPatch,
                                                               private_redis: PrivateRedis) -> None:
    import settings
    from core.kernel import create_app

    monkeypatch.setattr(settings, "SESSION_BACKEND", "redis")
    monkeypatch.setattr(settings, "SESSION_URL", private_redis.url)
    await close_session_store()
    try:
        app = create_app()
        async with browser(app) as ada:
            await register(ada)
            private_redis.stop()
            assert (await ada.get("/health")).status_code in (200, 503)  # never a 500
            answer = await ada.get("/account")
            assert answer.status_code == 503
            assert answer.text == "Sessions are unavailable right now: please try again in a moment."
            private_redis.start()  # an empty server: the session is gone, the site answers again
            assert (await ada.get("/account")).status_code == 303
    finally:
        await close_session_store()


def test_redis_sessions_without_a_redis_url_is_a_setting_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import settings
    from core.conf import SettingError

    monkeypatch.setattr(settings, "SESSION_BACKEND", "redis")
    monkeypatch.setattr(settings, "SESSION_URL", "")
    monkeypatch.setattr(settings, "REDIS_URL", "")
    with pytest.raises(SettingError, match="SESSION_BACKEND=redis needs a Redis"):
        session_store()


async def test_switching_backend_logs_out_cleanly(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import settings
    from core.kernel import create_app

    cookie_site = create_app()
    async with browser(cookie_site) as ada:
        await register(ada)
        signed = ada.cookies[COOKIE]
    monkeypatch.setattr(settings, "SESSION_BACKEND", "redis")
    monkeypatch.setattr(settings, "SESSION_URL", require_redis())
    await close_session_store()
    try:
        redis_site = create_app()
        async with browser(redis_site) as ada:
            ada.cookies.set(COOKIE, signed, domain="testserver.local")
            assert (await ada.get("/account")).status_code == 303  # a signed cookie is an unknown id
            await csrf_token(ada, "/login")
            session_id = ada.cookies[COOKIE]
        async with browser(cookie_site) as ada:
            ada.cookies.set(COOKIE, session_id, domain="testserver.local")
            assert (await ada.get("/account")).status_code == 303  # an id is not a valid signature
    finally:
        await close_session_store()
