"""A served site keeps its audit rows: queued ones through a graceful stop, transactional ones through `kill -9`."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import httpx

from core.database import DatabaseSettings, orm
from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.audit_models import AuditedMember, BatchedMember, MemberFields, member_config
from tests.support.server import ROOT, database_environment, served_process, served_site

REQUESTS, PER_REQUEST, CONCURRENCY = 100, 100, 20
KILL_AFTER = 60  # sign-ups answered 201 before the server is killed, with others in flight


def site_settings(db: DatabaseSettings) -> dict[str, str]:
    return {**database_environment(db), "DEBUG": "false", "SECRET_KEY": "s" * 48, "PYTHONPATH": str(ROOT)}


def served_database(engine: str, tmp_path: Path) -> DatabaseSettings:
    """An empty database of the test's own with the site's, the framework's and the member tables."""
    db = engine_database(engine, "_auditserved")
    if engine == "sqlite":
        db = db.with_name(str(tmp_path / "served.sqlite3"))

    async def create() -> None:
        from tortoise import Tortoise

        await recreate_database(db)
        async with orm(member_config(db)):
            await Tortoise.generate_schemas()

    asyncio.run(create())
    return db


async def post_all(base: str, path: str, count: int) -> list[int]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def one() -> int:
            async with limit:
                return (await http.post(path)).status_code

        return await asyncio.gather(*(one() for _ in range(count)))


async def sign_up_until_killed(base: str, path: str, server: subprocess.Popen[bytes]) -> list[int]:
    """POSTs to `path` from CONCURRENCY clients until KILL_AFTER have been answered, then SIGKILL the server."""
    created: list[int] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def client() -> None:
            while server.poll() is None:
                try:
                    response = await http.post(path)
                except httpx.TransportError:
                    return  # the server died with this request in flight
                assert response.status_code == 201, response.text
                created.append(response.json()["id"])
                if len(created) >= KILL_AFTER and server.poll() is None:
                    server.kill()

        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    return created


async def members_and_logged(db: DatabaseSettings, model: type[MemberFields]) -> tuple[set[int], set[int]]:
    """Ids of the `model` rows, and the ids their `create` audit rows name."""
    async with orm(member_config(db)):
        from core.models import AuditLog

        members = set(await model.all().values_list("id", flat=True))
        logged = await AuditLog.filter(model_name=model.__name__, action="create").values_list("record_id", flat=True)
        return members, {int(record_id) for record_id in logged}


async def count_rows(db: DatabaseSettings, action: str) -> int:
    async with orm(member_config(db)):
        from core.models import AuditLog

        return await AuditLog.filter(action=action).count()


def test_pending_rows_are_flushed_on_graceful_stop(nori_engine: str, tmp_path: Path) -> None:
    db = served_database(nori_engine, tmp_path)
    with served_site(site_settings(db), tmp_path, app="tests.support.audit_site:app") as base:
        statuses = asyncio.run(post_all(base, f"/_audit/burst?n={PER_REQUEST}", REQUESTS))
    assert statuses == [200] * REQUESTS
    assert asyncio.run(count_rows(db, "burst")) == REQUESTS * PER_REQUEST


def test_batched_sign_ups_keep_their_rows_through_a_graceful_stop(nori_engine: str, tmp_path: Path) -> None:
    db = served_database(nori_engine, tmp_path)
    with served_site(site_settings(db), tmp_path, app="tests.support.audit_site:app") as base:
        statuses = asyncio.run(post_all(base, "/_audit/members/batched", REQUESTS))
    assert statuses == [201] * REQUESTS
    members, logged = asyncio.run(members_and_logged(db, BatchedMember))
    assert len(members) == REQUESTS and logged == members


def test_a_killed_server_loses_no_audit_row_of_a_committed_sign_up(nori_engine: str, tmp_path: Path) -> None:
    db = served_database(nori_engine, tmp_path)
    with served_process(site_settings(db), tmp_path, app="tests.support.audit_site:app") as (server, base):
        answered = asyncio.run(sign_up_until_killed(base, "/_audit/members/transactional", server))
    assert server.returncode == -9
    members, logged = asyncio.run(members_and_logged(db, AuditedMember))
    assert len(answered) >= KILL_AFTER and set(answered) <= members
    assert logged == members  # every committed sign-up has its row, and no row outlived its sign-up
