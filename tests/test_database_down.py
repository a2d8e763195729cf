"""A database that refuses connections: pages answer 503 with Retry-After, never a 500.

Run against a real closed port on PostgreSQL and MySQL (a connection refused by the kernel,
not a mock of the driver), in a subprocess so the app's settings and ORM are its own.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import asyncio, json, httpx
from starlette.routing import Route
from starlette.responses import PlainTextResponse
from core.auth.sessions import USER_KEY
from core.database import DatabaseSettings, tortoise_config
from core.kernel import create_app
from routes import routes

async def sign_in_as_user_one(request):
    request.session[USER_KEY] = 1  # what a login leaves in the session, without the database
    return PlainTextResponse("ok")

async def main():
    config = tortoise_config(DatabaseSettings(engine=ENGINE, name="nori", host="127.0.0.1", port=PORT,
                                              query_timeout=TIMEOUT))
    app = create_app(debug=DEBUG, tortoise_config=config, csrf_exempt=["login", "login.store"],
                     routes=[Route("/as-user", sign_in_as_user_one), *routes])
    results = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="https://127.0.0.1:8000") as client:
            login = await client.post("/login", json={"email": "a@example.com", "password": "x" * 12},
                                      headers={"Accept": "application/json"})
            results["login"] = [login.status_code, login.headers.get("retry-after"), login.json()]
            await client.get("/as-user")
            home = await client.get("/")
            account = await client.get("/account")
            results["account"] = [account.status_code, account.headers.get("retry-after"), "try again" in account.text]
            results["home"] = [home.status_code, home.headers.get("retry-after"), home.headers["content-type"],
                               "try again" in home.text]
    print(json.dumps(results))

asyncio.run(main())
"""


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_site(engine: str, debug: bool, port: int | None = None, timeout: int = 5) -> dict:
    code = (SCRIPT.replace("ENGINE", repr(engine)).replace("PORT", str(port or closed_port()))
            .replace("DEBUG", repr(debug)).replace("TIMEOUT", str(timeout)))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "rootsystem" / "application",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
@pytest.mark.parametrize("debug", [False, True])
def test_pages_answer_503_with_retry_after_while_the_database_refuses(engine: str, debug: bool) -> None:
    results = run_site(engine, debug)
    status, retry_after, body = results["login"]
    assert (status, retry_after) == (503, "5"), body
    assert "try again" in body["error"] and "{" not in body["error"]
    status, retry_after, content_type, says_try_again = results["home"]
    assert (status, retry_after) == (503, "5"), "the layout shows the logged-in user, loaded from the database"
    assert content_type.startswith("text/html") and says_try_again
    assert results["account"] == [503, "5", True], "a logged-in user's page loads the user from the database"


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
def test_a_database_that_accepts_and_never_answers_gives_503_after_db_query_timeout(engine: str) -> None:
    """A real TCP peer that takes the connection and stays silent, as a stuck server or proxy does."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        started = time.monotonic()
        results = run_site(engine, debug=False, port=silent.getsockname()[1], timeout=1)
        elapsed = time.monotonic() - started
    assert results["login"][:2] == [503, "5"]
    assert results["account"] == [503, "5", True]
    assert elapsed < 25, f"each request waited for the driver's own default ({elapsed:.0f} s in all)"


def test_migrations_run_without_the_read_timeout() -> None:
    sys.path.insert(0, str(ROOT / "rootsystem" / "application"))
    from core.database import DatabaseSettings, tortoise_config, without_query_timeout

    drivers = (("postgres", "timeout", "command_timeout"), ("mysql", "connect_timeout", "read_timeout"))
    for engine, connect, read in drivers:
        config = tortoise_config(DatabaseSettings(engine=engine, name="nori", query_timeout=7))
        credentials = config["connections"]["default"]["credentials"]
        assert credentials[connect] == credentials[read] == 7
        relaxed = without_query_timeout(config)["connections"]["default"]["credentials"]
        assert relaxed[connect] == 7 and read not in relaxed
    off = tortoise_config(DatabaseSettings(engine="postgres", name="nori", query_timeout=0))
    assert "command_timeout" not in off["connections"]["default"]["credentials"]


def test_only_connection_failures_count_as_unavailable() -> None:
    sys.path.insert(0, str(ROOT / "rootsystem" / "application"))
    from core.http.unavailable import is_unavailable

    try:
        try:
            raise ConnectionRefusedError(111, "refused")
        except ConnectionRefusedError as error:
            raise RuntimeError("query failed") from error
    except RuntimeError as wrapped:
        assert is_unavailable(wrapped)
    assert is_unavailable(socket.gaierror(-2, "Name or service not known"))
    assert not is_unavailable(FileNotFoundError(2, "missing"))
    assert not is_unavailable(ValueError("bad"))
