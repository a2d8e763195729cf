"""ALLOWED_HOSTS: a request for a host the site does not serve is refused before it can shape a URL."""

from __future__ import annotations

import httpx
import pytest

import settings as site_settings
from core.kernel import create_app


def client_for(*, debug: bool = False, base_url: str = "http://testserver") -> httpx.AsyncClient:
    from routes import routes

    transport = httpx.ASGITransport(app=create_app(debug=debug, routes=routes), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=base_url)


async def test_static_redirect_cannot_point_at_an_injected_host(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_settings, "ALLOWED_HOSTS", [])
    monkeypatch.setattr(site_settings, "APP_URL", "https://example.com")
    async with client_for(base_url="http://evil.example") as http:
        response = await http.get("/static")
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "host name" in response.text


async def test_default_serves_app_urls_host_when_debug_is_off(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_settings, "ALLOWED_HOSTS", [])
    monkeypatch.setattr(site_settings, "APP_URL", "https://example.com")
    async with client_for(base_url="https://example.com:443") as http:
        assert (await http.get("/")).status_code == 200
    async with client_for(base_url="https://www.example.com") as http:
        response = await http.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "This site does not serve that host name."


async def test_debug_serves_any_host_by_default(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_settings, "ALLOWED_HOSTS", [])
    monkeypatch.setattr(site_settings, "APP_URL", "https://example.com")
    async with client_for(debug=True, base_url="http://192.168.1.20:8000") as http:
        assert (await http.get("/")).status_code == 200


@pytest.mark.parametrize(("host", "status"), [
    ("example.com", 200), ("shop.example.com", 200), ("a.b.example.com", 200),
    ("admin.internal", 200), ("badexample.com", 400), ("example.com.evil", 400), ("evil.internal", 400),
])
async def test_leading_dot_allows_the_domain_and_its_subdomains(
    db: str, monkeypatch: pytest.MonkeyPatch, host: str, status: int,
) -> None:
    monkeypatch.setattr(site_settings, "ALLOWED_HOSTS", [".example.com", "admin.internal"])
    async with client_for(base_url=f"http://{host}") as http:
        assert (await http.get("/")).status_code == status


async def test_star_allows_every_host(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_settings, "ALLOWED_HOSTS", ["*"])
    async with client_for(base_url="http://anything.test") as http:
        assert (await http.get("/")).status_code == 200


async def test_health_answers_whatever_the_host(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_settings, "ALLOWED_HOSTS", ["example.com"])
    async with client_for(base_url="http://10.0.3.7:8000") as http:
        assert (await http.get("/health")).status_code == 200
        assert (await http.get("/")).status_code == 400
