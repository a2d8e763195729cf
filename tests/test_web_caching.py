"""What is shown to a logged-in user is never stored by a cache; public pages and assets may be."""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.kernel import create_app
from tests.support.web import csrf_token, register

JSON = {"Accept": "application/json"}


async def cached_for_a_minute(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True}, headers={"Cache-Control": "private, max-age=60"})


async def test_a_response_that_sets_the_session_cookie_is_no_store(client: httpx.AsyncClient) -> None:
    public = await client.get("/")
    assert "set-cookie" not in public.headers and "cache-control" not in public.headers
    first = await client.get("/login")  # mints this visitor's CSRF token into a new session cookie
    assert "set-cookie" in first.headers and first.headers["cache-control"] == "no-store"


async def test_pages_for_a_logged_in_user_are_no_store(client: httpx.AsyncClient) -> None:
    await register(client)
    for path in ("/account", "/"):
        assert (await client.get(path)).headers["cache-control"] == "no-store", path
    assert (await client.get("/account", headers=JSON)).headers["cache-control"] == "no-store"
    assert (await client.get("/static/css/app.css")).headers["cache-control"] != "no-store"  # its own


async def test_the_answer_that_logs_in_is_no_store_too(client: httpx.AsyncClient) -> None:
    await register(client)
    await client.post("/logout", data={"csrf_token": await csrf_token(client, "/account")})
    token = await csrf_token(client)
    response = await client.post("/login", headers={**JSON, "X-CSRF-Token": token},
                                 json={"email": "ada@example.com", "password": "correct horse"})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"


async def test_a_response_that_sets_its_own_cache_control_keeps_it(db: str) -> None:
    from routes import routes

    app = create_app(routes=[*routes, Route("/cached", cached_for_a_minute)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as web:
        await register(web)
        assert (await web.get("/cached")).headers.get_list("cache-control") == ["private, max-age=60"]
