"""`tokens:create` and `tokens:revoke` run as a user runs them, against the test database; the token
they print is then used on the app, and stops working once revoked."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.acl import assign_role, grant
from core.auth.identity import current_user
from core.auth.tokens import token_required
from core.kernel import create_app
from core.models import ApiToken, Role
from core.testing.engines import engine_database
from tests.support.site_copy import copy_site, database_environment, nori


@token_required(scopes=["reports.view"])
async def report(request: Request) -> JSONResponse:
    return JSONResponse({"for": (await current_user(request)).pk})


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(tmp_path)


async def run(site: Path, engine: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command in a subprocess, off the event loop that keeps the test's own connections."""
    settings = database_environment(engine_database(engine))
    return await asyncio.to_thread(nori, site, *args, settings=settings)


async def test_create_then_use_then_revoke(db: str, factory: Any, site: Path) -> None:
    user = await factory("User", email="ada@example.com")
    await Role.get_or_create(name="analyst")
    await grant("analyst", "reports.view")
    await assign_role(user, "analyst")

    created = await run(site, db, "tokens:create", "ada@example.com", "--name", "nightly export",
                        "--scope", "reports.view", "--scope", "reports.export", "--expires", "30")
    assert created.returncode == 0, created.stderr
    lines = created.stdout.splitlines()
    row = await ApiToken.get(user_id=user.pk)
    assert lines[0].startswith(f"Created token {row.id} 'nightly export' for ")
    assert "scopes: reports.export, reports.view; expires " in lines[0]
    plain = lines[1]
    assert plain.startswith("nori_pat_") and "cannot be shown again" in lines[2]
    assert row.scopes == ["reports.export", "reports.view"] and row.expires_at is not None

    app = create_app(routes=[Route("/api/report", report)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        used = await client.get("/api/report", headers={"Authorization": f"Bearer {plain}"})
        assert used.status_code == 200 and used.json() == {"for": user.pk}

        revoked = await run(site, db, "tokens:revoke", str(row.id))
        assert revoked.returncode == 0, revoked.stderr
        assert revoked.stdout.strip() == f"Revoked token {row.id} 'nightly export'."
        refused = await client.get("/api/report", headers={"Authorization": f"Bearer {plain}"})
        assert refused.status_code == 401 and "revoked" in refused.json()["error"]

    again = await run(site, db, "tokens:revoke", str(row.id))
    assert again.returncode == 0 and again.stdout.strip() == f"Token {row.id} 'nightly export' was already revoked."


async def test_a_user_is_found_by_id_or_slug_and_a_token_may_never_expire(db: str, factory: Any, site: Path) -> None:
    user = await factory("User", slug="grace")
    by_slug = await run(site, db, "tokens:create", "grace", "--name", "ci")
    by_id = await run(site, db, "tokens:create", str(user.pk), "--name", "cd")
    assert by_slug.returncode == 0 and by_id.returncode == 0, by_slug.stderr + by_id.stderr
    assert "scopes: none; never expires" in by_slug.stdout
    assert await ApiToken.filter(user_id=user.pk, expires_at__isnull=True).count() == 2


@pytest.mark.parametrize(("args", "message"), [
    (("tokens:create", "nobody@example.com", "--name", "x"), "no user with id, email or slug 'nobody@example.com'"),
    (("tokens:create", "{user}", "--name", "x", "--scope", "not a scope"), "'not a scope' is not a permission name"),
    (("tokens:create", "{user}", "--name", " "), "a token needs a name of 1 to 100 characters"),
    (("tokens:create", "{user}", "--name", "x", "--expires", "0"), "--expires takes 1 to 36500 days (got 0)"),
    (("tokens:revoke", "4242"), "no token with id 4242"),
])
async def test_a_mistake_is_one_line_on_stderr_and_exit_1(
    db: str, factory: Any, site: Path, args: tuple[str, ...], message: str
) -> None:
    user = await factory("User")
    result = await run(site, db, *(arg.replace("{user}", str(user.pk)) for arg in args))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{args[0]}: ") and message in lines[0], result.stderr
    assert await ApiToken.all().count() == 0
