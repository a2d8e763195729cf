"""The options `serve` gives uvicorn: a forged X-Forwarded-For does not move the client address when
TRUSTED_PROXIES is empty, and the answer does not name the server software."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.support.server import served_site

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_serve_ignores_forwarded_for_without_trusted_proxies(tmp_path: Path) -> None:
    settings = {"DB_ENGINE": "sqlite", "DB_NAME": str(tmp_path / "proxy.sqlite3"), "DEBUG": "true",
                "TRUSTED_PROXIES": "", "LOGIN_IP_MAX_ATTEMPTS": "2", "LOGIN_MAX_ATTEMPTS": "50"}
    with served_site(settings, tmp_path, via_serve=True) as base, httpx.Client(base_url=base) as client:
        token = TOKEN.search(client.get("/login").text)
        assert token is not None
        assert "server" not in client.get("/health").headers and client.get("/health").headers["date"]
        statuses = []
        for attempt in range(3):
            # each attempt claims another address and another account: only the per-IP limit can stop it
            response = client.post("/login", data={"csrf_token": token.group(1), "email": f"u{attempt}@example.com",
                                                    "password": "wrong"},
                                   headers={"X-Forwarded-For": f"203.0.113.{attempt + 1}"})
            statuses.append(response.status_code)
        assert statuses[:2] != [429, 429] and statuses[2] == 429
