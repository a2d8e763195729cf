"""Security headers, CSRF (including the attacks it stops), the body size limit and CORS."""

from __future__ import annotations

import logging
import secrets

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from core.kernel import create_app
from tests.support.web import csrf_token, register


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    form = await request.form() if b"=" in body else {}
    fields = {key: value if isinstance(value, str) else value.filename for key, value in form.items()}
    return JSONResponse({"size": len(body), "form": fields})


async def hook(request: Request) -> JSONResponse:
    return JSONResponse({"received": len(await request.body())})


def site_with_test_routes(debug: bool = True, **kwargs: object) -> httpx.AsyncClient:
    from routes import routes

    extra = [Route("/echo", echo, methods=["POST", "PUT", "PATCH", "DELETE"], name="echo"),
             Route("/hooks/pay", hook, methods=["POST"], name="payment-hook")]
    app = create_app(debug=debug, routes=[*routes, *extra], **kwargs)
    scheme = "http" if debug else "https"
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://testserver")


async def test_security_headers_on_pages_redirects_and_errors(client: httpx.AsyncClient) -> None:
    for path in ("/", "/no/such/page", "/static/css/app.css", "/account"):
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert response.headers["cross-origin-opener-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers  # DEBUG is on in tests
        assert response.headers.get_list("x-request-id") and len(response.headers.get_list("x-request-id")) == 1
    assert (await client.get("/account")).status_code in (302, 303)  # a redirect counts as a document


async def test_json_answers_get_the_headers_that_apply_to_json(client: httpx.AsyncClient) -> None:
    for path, headers in (("/health", {}), ("/no/such/page", {"Accept": "application/json"})):
        response = await client.get(path, headers=headers)
        assert response.headers["content-type"].startswith("application/json"), path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert len(response.headers.get_list("x-request-id")) == 1
        for document_only in ("x-frame-options", "referrer-policy", "cross-origin-opener-policy"):
            assert document_only not in response.headers, (path, document_only)
    async with site_with_test_routes(debug=False) as secure:
        assert (await secure.get("/health")).headers["strict-transport-security"].startswith("max-age=")


def test_which_content_types_are_json() -> None:
    from core.http.headers import is_json

    for value in (b"application/json", b"application/json; charset=utf-8", b"Application/JSON",
                  b"application/problem+json", b"application/vnd.api+json; charset=utf-8"):
        assert is_json(value), value
    for value in (b"text/html; charset=utf-8", b"text/json-ish", b"image/svg+xml", b"text/plain", b"application/xml",
                  b"text/x+json"):
        assert not is_json(value), value


async def test_hsts_and_secure_cookie_only_without_debug(db: str) -> None:
    async with site_with_test_routes(debug=False) as client:
        page = await client.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        cookie = page.headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    async with site_with_test_routes(debug=True) as client:
        page = await client.get("/login")
        assert "strict-transport-security" not in page.headers
        assert "Secure" not in page.headers["set-cookie"]


async def test_no_session_cookie_is_set_for_pages_that_do_not_use_it(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert "set-cookie" not in response.headers
    assert "set-cookie" not in (await client.get("/health")).headers


async def test_cross_site_post_without_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/register", data={"name": "Eve", "email": "eve@example.com"},
                                 headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "CSRF" in response.text and "evil.example" in response.text


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_every_unsafe_method_and_content_type_needs_the_token(db: str, method: str) -> None:
    async with site_with_test_routes() as client:
        await csrf_token(client)
        for body in ({"content": b"raw bytes"}, {"json": {"a": 1}}, {"data": {"a": "1"}}, {}):
            response = await client.request(method, "/echo", **body)
            assert response.status_code == 403, (method, body)
            assert "no CSRF token" in response.text


async def test_json_post_without_the_header_is_refused_and_with_it_accepted(db: str) -> None:
    async with site_with_test_routes() as client:
        token = await csrf_token(client)
        refused = await client.post("/echo", json={"a": 1}, headers={"Accept": "application/json"})
        assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
        accepted = await client.post("/echo", json={"a": 1}, headers={"X-CSRF-Token": token})
        assert accepted.status_code == 200 and accepted.json()["size"] == len(b'{"a":1}')


async def test_form_token_is_accepted_and_the_body_still_reaches_the_controller(db: str) -> None:
    async with site_with_test_routes() as client:
        token = await csrf_token(client)
        response = await client.post("/echo", data={"csrf_token": token, "note": "kept"})
        assert response.status_code == 200 and response.json()["form"]["note"] == "kept"
        multipart = await client.post("/echo", data={"csrf_token": token}, files={"f": ("a.txt", b"hello")})
        assert multipart.status_code == 200 and multipart.json()["form"]["f"] == "a.txt"
        shouting = await client.post("/echo", content=f"csrf_token={token}".encode(),
                                     headers={"Content-Type": "Application/X-WWW-Form-Urlencoded"})
        assert shouting.status_code == 200
        # a repeated field counts as the form gives it to the controller: the last one
        form = "application/x-www-form-urlencoded"
        last = await client.post("/echo", content=f"csrf_token=forged&csrf_token={token}".encode(),
                                 headers={"Content-Type": form})
        first = await client.post("/echo", content=f"csrf_token={token}&csrf_token=forged".encode(),
                                  headers={"Content-Type": form})
        assert (last.status_code, first.status_code) == (200, 403)


async def test_a_token_from_another_session_is_refused(db: str) -> None:
    async with site_with_test_routes() as visitor, site_with_test_routes() as attacker:
        attacker_token = await csrf_token(attacker)
        await csrf_token(visitor)
        response = await visitor.post("/echo", data={"csrf_token": attacker_token})
        assert response.status_code == 403 and "does not belong to this session" in response.text
        header = await visitor.post("/echo", json={}, headers={"X-CSRF-Token": attacker_token})
        assert header.status_code == 403


async def test_origin_and_referer_must_be_this_site(db: str) -> None:
    async with site_with_test_routes() as client:
        token = await csrf_token(client)
        sent = {"data": {"csrf_token": token}}
        assert (await client.post("/echo", headers={"Origin": "https://evil.example"}, **sent)).status_code == 403
        assert (await client.post("/echo", headers={"Origin": "null"}, **sent)).status_code == 403
        evil_referer = {"Referer": "https://evil.example/form"}
        assert (await client.post("/echo", headers=evil_referer, **sent)).status_code == 403
        assert (await client.post("/echo", headers={"Origin": "http://testserver"}, **sent)).status_code == 200
        app_url = {"Origin": settings.APP_URL}
        assert (await client.post("/echo", headers=app_url, **sent)).status_code == 200
        own_referer = {"Referer": "http://testserver/login"}
        assert (await client.post("/echo", headers=own_referer, **sent)).status_code == 200


async def test_exempt_routes_by_name_and_bearer_requests_without_session(db: str) -> None:
    async with site_with_test_routes(csrf_exempt=["payment-hook"]) as client:
        assert (await client.post("/hooks/pay", content=b"{}")).status_code == 200
        assert (await client.post("/echo", content=b"{}")).status_code == 403
        bearer = {"Authorization": "Bearer abc123"}
        assert (await client.post("/echo", content=b"{}", headers=bearer)).status_code == 200
        await csrf_token(client)  # now the client has a session cookie: bearer no longer exempts it
        assert (await client.post("/echo", content=b"{}", headers=bearer)).status_code == 403


async def test_oversized_body_gets_413_before_the_controller_reads_it(db: str) -> None:
    async with site_with_test_routes() as client:
        token = await csrf_token(client)
        big = b"x" * (settings.MAX_BODY_SIZE + 1)
        response = await client.post("/echo", content=big, headers={"X-CSRF-Token": token})
        assert response.status_code == 413
        assert response.headers["x-content-type-options"] == "nosniff"
        form = await client.post("/echo", content=b"csrf_token=" + big,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert form.status_code == 413

        async def chunks():  # no Content-Length: the limit counts bytes as they arrive
            for _ in range(settings.MAX_BODY_SIZE // 65536 + 2):
                yield b"y" * 65536

        streamed = await client.post("/echo", content=chunks(), headers={"X-CSRF-Token": token})
        assert streamed.status_code == 413


async def test_cors_allows_only_configured_origins(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CORS_ORIGINS", ["https://app.example.com"])
    async with site_with_test_routes() as client:
        allowed = await client.get("/health", headers={"Origin": "https://app.example.com"})
        assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
        other = await client.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = await client.options("/echo", headers={
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-CSRF-Token",
        })
        assert preflight.status_code == 200
        assert "x-csrf-token" in preflight.headers["access-control-allow-headers"].lower()
        assert preflight.headers["x-frame-options"] == "DENY"


async def test_session_cookie_is_signed(client: httpx.AsyncClient) -> None:
    await register(client)
    assert (await client.get("/account")).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE]
    client.cookies.set(settings.SESSION_COOKIE, cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
    assert (await client.get("/account", follow_redirects=False)).status_code == 303


async def test_an_oversized_session_cookie_is_logged(db: str, caplog: pytest.LogCaptureFixture) -> None:
    async def stuff(request: Request) -> JSONResponse:
        request.session["blob"] = secrets.token_hex(3000)  # random: compression cannot shrink it
        return JSONResponse({})

    app = create_app(routes=[Route("/stuff", stuff)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        with caplog.at_level(logging.WARNING, logger="nori.sessions"):
            await client.get("/stuff")
    assert "browsers drop cookies over 4 KB" in caplog.text
