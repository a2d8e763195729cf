"""SESSION_BACKEND=database: the cookie is a random id, data in the `sessions` table, on every engine."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.requests import HTTPConnection

from core.auth.sessions import logout_everywhere
from core.http.session_store import close_session_store
from core.http.sessions import SESSION_ID
from core.models.session import Session
from models.user import User
from tests.support.web import csrf_token, register

COOKIE = "nori_session"


@pytest.fixture
async def site(db: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """The site with database sessions on the engine under test."""
    import settings
    from core.kernel import create_app

    monkeypatch.setattr(settings, "SESSION_BACKEND", "database")
    await close_session_store()
    yield create_app()
    await close_session_store()


def browser(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def row(session_id: str) -> Session | None:
    return await Session.filter(id=hashlib.sha256(session_id.encode()).hexdigest()).first()


async def test_the_cookie_holds_an_id_and_the_table_the_data(site: Any) -> None:
    async with browser(site) as ada:
        await register(ada)
        session_id = ada.cookies[COOKIE]
        assert (await ada.get("/account")).status_code == 200
    stored = await row(session_id)
    user = await User.get(email="ada@example.com")
    assert stored is not None and stored.user_id == user.pk and "_auth_user_id" in stored.data
    assert await Session.filter(id=session_id).count() == 0  # the table holds hashes, not ids


async def test_login_rotates_the_id_and_logout_deletes_the_row(site: Any) -> None:
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
        assert logged_in_id != anonymous_id and await row(anonymous_id) is None
        token = await csrf_token(ada, "/account")
        await ada.post("/logout", data={"csrf_token": token})
    assert await row(logged_in_id) is None


async def test_a_stolen_id_stops_working_after_logout(site: Any) -> None:
    async with browser(site) as ada, browser(site) as thief:
        await register(ada)
        thief.cookies.set(COOKIE, ada.cookies[COOKIE])
        assert (await thief.get("/account")).status_code == 200
        token = await csrf_token(ada, "/account")
        await ada.post("/logout", data={"csrf_token": token})
        assert (await thief.get("/account")).status_code == 303


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


async def test_an_expired_row_is_ignored_and_purged_on_the_next_save(site: Any) -> None:
    async with browser(site) as ada, browser(site) as bob:
        await register(ada)
        session_id = ada.cookies[COOKIE]
        await Session.filter(id=hashlib.sha256(session_id.encode()).hexdigest()).update(
            expires_at=datetime.now(UTC) - timedelta(seconds=1))
        assert (await ada.get("/account")).status_code == 303  # expired: a new visit
        await csrf_token(bob, "/login")  # any save purges what has expired
        assert await row(session_id) is None
