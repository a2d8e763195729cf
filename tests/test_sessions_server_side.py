"""Server-side sessions, the same on Redis and on the database (every engine): the cookie is a random
id, rotation, logout, logout_everywhere, the account's sessions page and the password change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import redis.asyncio
from starlette.requests import HTTPConnection

from core.auth.sessions import logout_everywhere
from core.http.session_store import PREFIX, close_session_store, session_handle, session_store
from core.http.sessions import SESSION_ID
from core.models.session import Session
from core.testing.redis import PrivateRedis, require_redis
from models.user import User
from tests.support.web import csrf_token, register

COOKIE = "nori_session"
PHONE = {"user-agent": "Phone/1.0"}
LAPTOP = {"user-agent": "Laptop/2.0"}


@pytest.fixture(params=["redis", "database"])
async def site(request: pytest.FixtureRequest, db: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """The site with server-side sessions on each backend."""
    import settings
    from core.kernel import create_app

    monkeypatch.setattr(settings, "SESSION_BACKEND", request.param)
    if request.param == "redis":
        monkeypatch.setattr(settings, "SESSION_URL", require_redis())
    await close_session_store()
    yield create_app()
    store = session_store()
    if request.param == "redis":
        async for key in store.client.scan_iter(match=PREFIX + "*"):  # type: ignore[union-attr]
            await store.client.delete(key)  # type: ignore[union-attr]
    await close_session_store()


def browser(app: Any, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers)


async def stored(session_id: str) -> dict[str, Any] | None:
    """What the store holds for an id, read past the framework (the key is the id's SHA-256)."""
    import orjson

    import settings

    if settings.SESSION_BACKEND == "database":
        row = await Session.filter(id=session_handle(session_id)).first()
        return row.data if row is not None else None
    client = redis.asyncio.Redis.from_url(require_redis())
    try:
        raw = await client.get(PREFIX + session_handle(session_id))
    finally:
        await client.aclose()
    return orjson.loads(raw) if raw is not None else None


async def log_in(client: httpx.AsyncClient, password: str = "correct horse") -> httpx.Response:
    token = await csrf_token(client, "/login")
    return await client.post("/login", data={"csrf_token": token, "email": "ada@example.com", "password": password})


async def test_the_cookie_holds_an_id_and_the_store_the_data(site: Any) -> None:
    async with browser(site) as ada:
        await register(ada)
        session_id = ada.cookies[COOKIE]
        assert (await ada.get("/account")).status_code == 200
    data = await stored(session_id)
    user = await User.get(email="ada@example.com")
    assert data is not None and data["_auth_user_id"] == user.pk
    assert session_id not in str(data)


async def test_login_rotates_the_id_and_logout_destroys_it(site: Any) -> None:
    async with browser(site) as ada:
        await register(ada)
        token = await csrf_token(ada, "/account")
        await ada.post("/logout", data={"csrf_token": token})
        await csrf_token(ada, "/login")
        anonymous_id = ada.cookies[COOKIE]
        assert (await log_in(ada)).status_code == 303
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
        await log_in(laptop)
        thief.cookies.set(COOKIE, phone.cookies[COOKIE])
        user = await User.get(email="ada@example.com")
        keep = HTTPConnection({"type": "http", SESSION_ID: laptop.cookies[COOKIE], "headers": []})
        assert await logout_everywhere(user, keep=keep) == 1
        assert (await phone.get("/account")).status_code == 303
        assert (await thief.get("/account")).status_code == 303
        assert (await laptop.get("/account")).status_code == 200


async def test_the_sessions_page_lists_each_device_and_marks_this_one(site: Any) -> None:
    async with browser(site, PHONE) as phone, browser(site, LAPTOP) as laptop:
        await register(phone)
        await log_in(laptop)
        listed = (await laptop.get("/account/sessions", headers={"accept": "application/json"})).json()
        assert listed["tracked"] is True
        devices = {s["user_agent"]: s for s in listed["sessions"]}
        assert set(devices) == {"Phone/1.0", "Laptop/2.0"}
        assert devices["Laptop/2.0"]["current"] and not devices["Phone/1.0"]["current"]
        assert all(s["ip"] == "127.0.0.1" and s["last_seen"] for s in listed["sessions"])
        page = (await laptop.get("/account/sessions")).text
        assert "Phone/1.0" in page and "(this device)" in page
        assert phone.cookies[COOKIE] not in page and laptop.cookies[COOKIE] not in page  # handles, not ids


async def test_log_out_one_session_from_another_device(site: Any) -> None:
    async with browser(site, PHONE) as phone, browser(site, LAPTOP) as laptop:
        await register(phone)
        await log_in(laptop)
        phone_handle = session_handle(phone.cookies[COOKIE])
        token = await csrf_token(laptop, "/account/sessions")
        answer = await laptop.post(f"/account/sessions/{phone_handle}/logout", data={"csrf_token": token})
        assert answer.status_code == 303 and answer.headers["location"] == "/account/sessions"
        assert (await phone.get("/account")).status_code == 303
        assert (await laptop.get("/account")).status_code == 200
        again = await laptop.post(f"/account/sessions/{phone_handle}/logout", data={"csrf_token": token})
        assert again.status_code == 404 and "ended already" in again.text


async def test_a_session_of_another_user_cannot_be_ended(site: Any) -> None:
    async with browser(site) as ada, browser(site) as mallory:
        await register(ada)
        await register(mallory, email="mallory@example.com", name="Mallory")
        token = await csrf_token(mallory, "/account/sessions")
        answer = await mallory.post(f"/account/sessions/{session_handle(ada.cookies[COOKIE])}/logout",
                                    data={"csrf_token": token})
        assert answer.status_code == 404
        assert (await ada.get("/account")).status_code == 200


async def test_log_out_every_other_session(site: Any) -> None:
    async with browser(site) as phone, browser(site) as laptop, browser(site) as tablet:
        await register(phone)
        await log_in(laptop)
        await log_in(tablet)
        token = await csrf_token(laptop, "/account/sessions")
        answer = await laptop.post("/account/sessions/logout-others", data={"csrf_token": token},
                                   headers={"accept": "application/json"})
        assert answer.json() == {"ok": True, "ended": 2}
        assert [(await c.get("/account")).status_code for c in (phone, laptop, tablet)] == [303, 200, 303]


async def test_a_password_change_logs_out_the_others_and_renews_this_id(site: Any) -> None:
    async with browser(site) as phone, browser(site) as laptop:
        await register(phone)
        await log_in(laptop)
        before = laptop.cookies[COOKIE]
        token = await csrf_token(laptop, "/account/password")
        wrong = await laptop.post("/account/password", headers={"accept": "application/json"}, data={
            "csrf_token": token, "current_password": "nope", "password": "battery staple",
            "password_confirmation": "battery staple"})
        assert wrong.status_code == 422 and "current_password" in wrong.json()["errors"]
        answer = await laptop.post("/account/password", data={
            "csrf_token": token, "current_password": "correct horse", "password": "battery staple",
            "password_confirmation": "battery staple"})
        assert answer.status_code == 303
        assert laptop.cookies[COOKIE] != before and await stored(before) is None
        assert (await laptop.get("/account")).status_code == 200
        assert (await phone.get("/account")).status_code == 303
    async with browser(site) as again:
        assert (await log_in(again, "correct horse")).headers["location"].startswith("/login")
        assert (await log_in(again, "battery staple")).headers["location"] == "/account"


async def test_a_change_of_roles_gives_the_session_a_new_id(site: Any) -> None:
    from starlette.requests import Request
    from starlette.responses import JSONResponse

    from core.acl.changes import assign_role
    from core.auth.identity import current_user
    from core.models import Role

    await Role.create(name="editor")

    async def promote(request: Request) -> JSONResponse:
        await assign_role(await current_user(request), "editor")
        return JSONResponse({"ok": True})

    site.add_route("/promote-me", promote, methods=["POST"])
    async with browser(site) as ada:
        await register(ada)
        before = ada.cookies[COOKIE]
        token = await csrf_token(ada, "/account")
        assert (await ada.post("/promote-me", data={"csrf_token": token})).status_code == 200
        assert ada.cookies[COOKIE] != before and await stored(before) is None
        assert (await ada.get("/account")).status_code == 200  # still logged in, under the new id


# --- One backend's own behaviour ---------------------------------------------------------------------


async def test_an_expired_row_is_ignored_and_purged_on_the_next_save(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import settings
    from core.kernel import create_app

    monkeypatch.setattr(settings, "SESSION_BACKEND", "database")
    await close_session_store()
    app = create_app()
    async with browser(app) as ada, browser(app) as bob:
        await register(ada)
        session_id = ada.cookies[COOKIE]
        await Session.filter(id=session_handle(session_id)).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        assert (await ada.get("/account")).status_code == 303  # expired: a new visit
        await csrf_token(bob, "/login")  # any save purges what has expired
        assert await Session.filter(id=session_handle(session_id)).count() == 0
    await close_session_store()


async def test_with_cookie_sessions_the_page_says_it_cannot_list_them(db: str) -> None:
    from core.kernel import create_app

    async with browser(create_app()) as ada:
        await register(ada)
        assert (await ada.get("/account/sessions", headers={"accept": "application/json"})).json() == {
            "sessions": [], "tracked": False}
        assert "cannot list or end the sessions of other" in (await ada.get("/account/sessions")).text
        token = await csrf_token(ada, "/account/sessions")
        assert (await ada.post("/account/sessions/logout-others", data={"csrf_token": token})).status_code == 409


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
