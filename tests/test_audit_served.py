"""A served site: 10,000 audit() calls under load, then a graceful stop, leave exactly 10,000 rows."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from core.database import DatabaseSettings, orm, tortoise_config
from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.server import ROOT, served_site

REQUESTS, PER_REQUEST, CONCURRENCY = 100, 100, 20


def site_settings(db: DatabaseSettings) -> dict[str, str]:
    return {"DB_ENGINE": db.engine, "DB_NAME": db.name, "DB_HOST": db.host, "DB_PORT": str(db.effective_port),
            "DB_USER": db.effective_user, "DB_PASSWORD": db.password, "DEBUG": "true", "PYTHONPATH": str(ROOT)}


async def load(base: str) -> list[int]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def one() -> int:
            async with limit:
                response = await http.post("/_audit/burst", params={"n": PER_REQUEST})
                return response.status_code

        return await asyncio.gather(*(one() for _ in range(REQUESTS)))


async def count_rows(db: DatabaseSettings) -> int:
    async with orm(tortoise_config(db)):
        from core.models import AuditLog

        return await AuditLog.filter(action="burst").count()


def test_pending_rows_are_flushed_on_graceful_stop(nori_engine: str, tmp_path: Path) -> None:
    db = engine_database(nori_engine, "_auditserved")
    if nori_engine == "sqlite":
        db = db.with_name(str(tmp_path / "served.sqlite3"))
    asyncio.run(recreate_database(db))
    with served_site(site_settings(db), tmp_path, app="tests.support.audit_site:app") as base:
        statuses = asyncio.run(load(base))
    assert statuses == [200] * REQUESTS
    assert asyncio.run(count_rows(db)) == REQUESTS * PER_REQUEST
