from __future__ import annotations

import logging

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.kernel import create_app
from models.user import User


async def boom(request: Request) -> JSONResponse:
    raise RuntimeError("SELECT password FROM secrets WHERE key='s3cr3t'")


async def missing(request: Request) -> JSONResponse:
    user = await User.get(id=999_999)
    return JSONResponse(user.to_dict())


async def duplicate(request: Request) -> JSONResponse:
    await User.create(slug="same", name="A", email="a@example.com", password_hash="x")
    await User.create(slug="same", name="B", email="b@example.com", password_hash="x")
    return JSONResponse({})


TEST_ROUTES = [
    Route("/boom", boom), Route("/api/boom", boom),
    Route("/missing", missing), Route("/api/missing", missing),
    Route("/duplicate", duplicate),
]


def client_for(debug: bool) -> httpx.AsyncClient:
    app = create_app(debug=debug, routes=TEST_ROUTES)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_home_page_and_health(client: httpx.AsyncClient) -> None:
    home = await client.get("/")
    assert home.status_code == 200 and "Welcome to Nori" in home.text
    health = await client.get("/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok"}


async def test_unknown_route_is_404_as_page_or_json(db: str) -> None:
    async with client_for(debug=False) as client:
        page = await client.get("/no/such/page")
        assert page.status_code == 404 and "text/html" in page.headers["content-type"]
        assert "404" in page.text
        api = await client.get("/api/nothing")
        assert api.status_code == 404 and api.json()["error"] == "Not Found"
        accept = await client.get("/no/such/page", headers={"Accept": "application/json"})
        assert accept.json() == {"error": "Not Found", "status": 404}


async def test_does_not_exist_becomes_404(db: str) -> None:
    async with client_for(debug=False) as client:
        assert (await client.get("/api/missing")).status_code == 404
        assert (await client.get("/missing")).status_code == 404


async def test_integrity_error_becomes_409(db: str) -> None:
    async with client_for(debug=False) as client:
        response = await client.get("/duplicate", headers={"Accept": "application/json"})
        assert response.status_code == 409
        assert "conflict" in response.json()["error"]


async def test_500_hides_internals_and_logs_the_request_id(db: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="nori.errors")
    async with client_for(debug=False) as client:
        for path, accept in (("/boom", "text/html"), ("/api/boom", "application/json")):
            response = await client.get(path, headers={"Accept": accept, "X-Request-ID": "req-42"})
            assert response.status_code == 500
            assert "s3cr3t" not in response.text and "SELECT" not in response.text
            assert "Traceback" not in response.text
            assert response.headers["x-request-id"] == "req-42"
    assert "req-42" in caplog.text and "s3cr3t" in caplog.text


async def test_debug_mode_shows_the_traceback(db: str) -> None:
    async with client_for(debug=True) as client:
        response = await client.get("/boom", headers={"Accept": "text/html"})
        assert response.status_code == 500 and "RuntimeError" in response.text


async def test_debug_page_is_ours_and_styled_within_the_csp(db: str) -> None:
    async with client_for(debug=True) as client:
        response = await client.get("/boom", headers={"Accept": "text/html", "X-Request-ID": "req-7"})
    assert response.status_code == 500 and response.headers["content-type"].startswith("text/html")
    assert "style-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    assert "<style" not in page and "style=" not in page  # inline styles are what the CSP blocks
    assert '<link rel="stylesheet" href="/static/css/app.css' in page
    assert "RuntimeError: SELECT password FROM secrets WHERE key=&#39;s3cr3t&#39;" in page  # escaped
    assert "GET /boom" in page and "in <code>boom</code>" in page
    assert 'raise RuntimeError(&#34;SELECT password' in page  # the source line where it broke
    assert response.headers["x-request-id"] == "req-7"


@pytest.mark.parametrize(("path", "accept"), [("/boom", "application/json"), ("/api/boom", "*/*")])
async def test_debug_500_is_json_with_the_traceback_for_json_clients(db: str, path: str, accept: str) -> None:
    async with client_for(debug=True) as client:
        response = await client.get(path, headers={"Accept": accept})
    assert response.status_code == 500 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["error"] == "Internal Server Error" and body["status"] == 500
    assert body["exception"] == "RuntimeError: SELECT password FROM secrets WHERE key='s3cr3t'"
    assert body["traceback"][0] == "Traceback (most recent call last):"
    assert '    raise RuntimeError("SELECT password FROM secrets WHERE key=\'s3cr3t\'")' in body["traceback"]


async def test_the_api_prefix_is_a_setting(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import settings

    monkeypatch.setattr(settings, "API_PREFIX", "/v1")
    app = create_app(debug=True, routes=[Route("/v1/boom", boom), Route("/api/boom", boom)])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        under = await client.get("/v1/boom", headers={"Accept": "text/html"})
        assert under.headers["content-type"] == "application/json" and "traceback" in under.json()
        old = await client.get("/api/boom", headers={"Accept": "text/html"})
        assert old.headers["content-type"].startswith("text/html")


async def test_without_debug_a_json_500_has_no_traceback(db: str) -> None:
    async with client_for(debug=False) as client:
        response = await client.get("/api/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error", "status": 500}


async def test_request_id_is_kept_when_safe_and_replaced_when_not(client: httpx.AsyncClient) -> None:
    kept = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    replaced = await client.get("/health", headers={"X-Request-ID": "evil\tinjected" + "x" * 300})
    assert replaced.headers["x-request-id"] != "evil" and len(replaced.headers["x-request-id"]) == 32
