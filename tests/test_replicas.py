"""Read replicas against a real PostgreSQL streaming replica started for this module.

Where a query ran is proven inside the query path: `pg_is_in_recovery()` is true only on the
replica. The replica's replay can be paused, which is replication lag on demand.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise.expressions import RawSQL
from tortoise.transactions import in_transaction

import settings
from core.database import DatabaseSettings, orm, tortoise_config
from core.kernel import create_app
from core.replicas import on_primary
from core.replicas.engine import mark_up
from core.testing.replica import ReplicaPair, start_replica_pair
from tests.support.models import Owner

DB = "nori_replicas"


@pytest.fixture(scope="module")
def pair() -> Iterator[ReplicaPair]:
    replica_pair = start_replica_pair()  # a machine that cannot start one fails here, with the reason
    try:
        replica_pair.sql(f"CREATE DATABASE {DB}")
        yield replica_pair
    finally:
        replica_pair.stop()


async def on_replica() -> bool:
    """Whether a model read, routed as the code around it says, ran on the replica."""
    rows = await Owner.annotate(recovery=RawSQL("pg_is_in_recovery()")).limit(1).values_list("recovery", flat=True)
    return bool(rows[0]) if rows else (await Owner.all().count() == -1)


async def where(request: Request) -> JSONResponse:
    return JSONResponse({"replica": await on_replica(), "names": [o.name for o in await Owner.all().order_by("id")]})


async def write_then_read(request: Request) -> JSONResponse:
    await Owner.create(name=request.query_params.get("name", "Ada"))
    return JSONResponse({"replica": await on_replica()})


async def in_a_transaction(request: Request) -> JSONResponse:
    async with in_transaction():
        return JSONResponse({"replica": await on_replica()})


async def fresh(request: Request) -> JSONResponse:
    async with on_primary():
        return JSONResponse({"replica": await on_replica()})


ROUTES = [Route("/where", where), Route("/write", write_then_read, methods=["POST"], name="write"),
          Route("/transaction", in_a_transaction), Route("/fresh", fresh)]


@pytest.fixture
async def site(pair: ReplicaPair, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    primary = DatabaseSettings(engine="postgres", name=DB, port=pair.primary_port, user="postgres",
                               extra_apps={"testapp": ("tests.support.models",)})
    database = primary.with_replicas([f"postgres://postgres@127.0.0.1:{pair.replica_port}/{DB}"])
    monkeypatch.setattr(settings, "DATABASE", database)
    monkeypatch.setattr(settings, "READ_AFTER_WRITE_SECONDS", 5)
    monkeypatch.setattr(settings, "DB_REPLICA_RETRY_SECONDS", 1)
    mark_up("replica_1")
    async with orm(tortoise_config(database)):
        from tortoise import Tortoise

        await Tortoise.generate_schemas(safe=True)
        await Owner.all().delete()
        await Owner.create(name="seed")
        pair.wait_replayed()
        yield create_app(routes=ROUTES, debug=False, tortoise_config=tortoise_config(database), csrf_exempt=["write"])
    mark_up("replica_1")


def browser(app: Any) -> httpx.AsyncClient:  # https: the session cookie is Secure with DEBUG off
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")


async def test_a_request_reads_the_replica_and_writes_the_primary(site: Any, pair: ReplicaPair) -> None:
    async with browser(site) as client:
        assert (await client.get("/where")).json() == {"replica": True, "names": ["seed"]}
        assert (await client.post("/write", params={"name": "Ada"})).json() == {"replica": False}  # read after write
    assert pair.sql("SELECT count(*) FROM test_owners WHERE name = 'Ada'", database=DB) == "1"


async def test_transactions_on_primary_and_code_outside_requests_read_the_primary(site: Any) -> None:
    async with browser(site) as client:
        assert (await client.get("/transaction")).json() == {"replica": False}
        assert (await client.get("/fresh")).json() == {"replica": False}
        assert (await client.get("/where")).json()["replica"] is True
    assert await on_replica() is False  # no request: the CLI, jobs and seeders read the primary


async def test_replication_lag_does_not_hide_a_sessions_own_writes(site: Any, pair: ReplicaPair) -> None:
    pair.sql("SELECT pg_wal_replay_pause()", replica=True)  # the replica stops applying the primary's changes
    try:
        async with browser(site) as writer, browser(site) as reader:
            assert (await writer.post("/write", params={"name": "Grace"})).status_code == 200
            mine = (await writer.get("/where")).json()
            assert mine == {"replica": False, "names": ["seed", "Grace"]}  # the redirect target sees the post
            others = (await reader.get("/where")).json()
            assert others == {"replica": True, "names": ["seed"]}  # another visitor reads the lagging replica
    finally:
        pair.sql("SELECT pg_wal_replay_resume()", replica=True)


async def test_a_stopped_replica_falls_back_to_the_primary_and_comes_back(site: Any, pair: ReplicaPair) -> None:
    async with browser(site) as client:
        assert (await client.get("/where")).json()["replica"] is True
        pair.stop_replica()
        try:
            answers = [await client.get("/where") for _ in range(3)]
            assert [a.status_code for a in answers] == [200, 200, 200]
            assert [a.json()["replica"] for a in answers] == [False, False, False]
        finally:
            pair.start_replica()
        await asyncio.sleep(1.1)  # DB_REPLICA_RETRY_SECONDS: the replica is tried again
        for _ in range(20):  # its pool reconnects on the first use after the restart
            if (await client.get("/where")).json()["replica"]:
                break
            await asyncio.sleep(0.2)
        assert (await client.get("/where")).json()["replica"] is True
