"""/health against a database that does not answer: the probe reports, it never raises."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import asyncio, json, httpx
from core.kernel import create_app
from core.database import DatabaseSettings, tortoise_config

async def main():
    config = tortoise_config(DatabaseSettings(engine=ENGINE, name="nori", host="127.0.0.1", port=PORT))
    app = create_app(debug=False, tortoise_config=config)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/health")
            print(response.status_code, json.dumps(response.json()))

asyncio.run(main())
"""


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_health(engine: str) -> tuple[int, dict]:
    import json

    code = SCRIPT.replace("ENGINE", repr(engine)).replace("PORT", str(closed_port()))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "rootsystem" / "application",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(status), json.loads(body)


def test_health_is_503_when_postgres_is_unreachable() -> None:
    status, body = run_health("postgres")
    assert status == 503
    assert body["status"] == "error" and body["database"].startswith("unreachable")


def test_health_is_503_when_mysql_is_unreachable() -> None:
    status, body = run_health("mysql")
    assert status == 503
    assert body["status"] == "error" and body["database"] != "ok"
