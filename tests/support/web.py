"""Helpers for tests that drive the site's pages: CSRF tokens and logged-in clients."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    """The token a page gives this client's session (the session cookie is kept by the client)."""
    page = await client.get(path)
    match = TOKEN.search(page.text)
    assert match, f"no CSRF field on {path}: {page.status_code}"
    return match.group(1)


async def register(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = "correct horse",
                   name: str = "Ada") -> httpx.Response:
    token = await csrf_token(client, "/register")
    return await client.post("/register", data={
        "csrf_token": token, "name": name, "email": email, "password": password,
        "password_confirmation": password,
    })


@pytest.fixture
async def fresh_limits() -> AsyncIterator[None]:
    """No request counted from another test; this test's audit rows written before the next one starts."""
    from core.audit import flush
    from core.http.throttle import limiter

    await limiter.reset()
    yield
    await limiter.reset()
    await flush()
