"""The front layer: one wrapper adds what each concern asks for, and a request pays only for what it uses."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from core.http.csrf import CSRFCheck
from core.http.sessions import Sessions
from core.kernel import create_app


async def ping(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


async def remember_and_fail(request: Request) -> JSONResponse:
    request.session["seen"] = True
    raise RuntimeError("broken controller")


async def remember(request: Request) -> JSONResponse:
    request.session["seen"] = True
    return JSONResponse({"ok": True})


def client_for(*routes: Route) -> httpx.AsyncClient:
    app = create_app(routes=list(routes))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("this request should not have needed it")


async def test_a_changed_session_is_saved_beside_the_security_headers_once_each(db: str) -> None:
    async with client_for(Route("/remember", remember)) as client:
        response = await client.get("/remember")
    assert settings.SESSION_COOKIE in response.headers["set-cookie"]
    assert response.headers["vary"] == "Cookie" and response.headers["cache-control"] == "no-store"
    for name in ("x-content-type-options", "content-security-policy", "x-request-id"):  # a JSON answer's set
        assert len(response.headers.get_list(name)) == 1, name


async def test_an_error_page_has_the_security_headers_but_saves_nothing(db: str) -> None:
    async with client_for(Route("/fail", remember_and_fail)) as client:
        response = await client.get("/fail")
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["x-request-id"]
    assert "set-cookie" not in response.headers  # the session the failed request changed is not kept


async def test_a_request_without_a_session_cookie_decodes_none(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sessions, "_load", refuse)
    async with client_for(Route("/ping", ping)) as client:
        assert (await client.get("/ping")).status_code == 200


async def test_a_safe_method_skips_the_csrf_check(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CSRFCheck, "check", refuse)
    async with client_for(Route("/ping", ping, methods=["GET", "POST"])) as client:
        assert (await client.get("/ping")).status_code == 200
        assert (await client.post("/ping")).status_code == 500  # an unsafe one does ask


async def test_an_anonymous_request_loads_no_user(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.auth.sessions

    monkeypatch.setattr(core.auth.sessions, "current_user", refuse)
    async with client_for(Route("/ping", ping)) as client:
        assert (await client.get("/ping")).status_code == 200
        assert (await client.get("/ping", headers={"Authorization": "Bearer x"})).status_code == 500


async def test_the_cookie_header_is_parsed_once_however_many_concerns_read_it(
    db: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import core.http.sessions

    parsed: list[str] = []
    real_parser = core.http.sessions.cookie_parser

    def counting_parser(header: str) -> dict[str, str]:
        parsed.append(header)
        return real_parser(header)

    monkeypatch.setattr(core.http.sessions, "cookie_parser", counting_parser)
    async with client_for(Route("/ping", ping, methods=["GET", "POST"])) as client:
        client.cookies.set("other", "1")
        # The session and remember-me look for their cookies; with a bearer token the CSRF check
        # looks for the session's too (no session cookie: no CSRF token needed).
        response = await client.post("/ping", headers={"Authorization": "Bearer x"})
    assert response.status_code == 200
    assert parsed == ["other=1"]
