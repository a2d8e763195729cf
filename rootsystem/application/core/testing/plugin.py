"""pytest plugin: the engine matrix, a clean database per test, the app client and factories.

A site enables it in `tests/conftest.py` with `pytest_plugins = ["core.testing.plugin"]`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from core.compat.tortoise import forget_insert_statements, init_orm
from core.database import close_orm, tortoise_config
from core.search import create_indexes
from core.testing.databases import create_database, drop_database, empty_tables
from core.testing.engines import engine_database, engine_plans
from core.testing.factories import factory as make

# Test clients call the app by made-up names (`http://testserver`); a test of the host check sets its own.
os.environ.setdefault("ALLOWED_HOSTS", "*")
# Mail the site sends in a test (a verification mail at registration) stays in memory, not in files.
os.environ.setdefault("MAIL_URL", "memory://")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that touches the database once per engine of the matrix."""
    if "nori_engine" not in metafunc.fixturenames:
        return
    params = []
    for plan in engine_plans():
        marks = []
        if plan.skip_reason and not plan.required:
            marks.append(pytest.mark.skip(reason=plan.skip_reason))
        params.append(pytest.param(plan.engine, id=plan.engine, marks=marks))
    metafunc.parametrize("nori_engine", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def nori_engine(request: pytest.FixtureRequest) -> str:
    engine = request.param
    for plan in engine_plans():
        if plan.engine == engine and plan.required and not plan.reachable:
            pytest.fail(plan.skip_reason or f"{engine} unreachable", pytrace=False)
    return engine


@pytest.fixture(scope="session")
def nori_extra_apps() -> dict[str, tuple[str, ...]]:
    """Extra Tortoise apps for the test run (label to model modules); override to add some."""
    return {}


@pytest.fixture(scope="session")
def nori_db_config(nori_engine: str, nori_extra_apps: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """The same `TORTOISE_ORM` the site uses, pointed at the engine's test database."""
    from dataclasses import replace

    return tortoise_config(replace(engine_database(nori_engine), extra_apps=nori_extra_apps))


@pytest.fixture(scope="session")
async def nori_database(nori_engine: str, nori_db_config: dict[str, Any]) -> AsyncIterator[str]:
    """Create the engine's test database with a fresh schema, once per run and engine."""
    from tortoise import Tortoise

    db = engine_database(nori_engine)
    forget_insert_statements()
    await drop_database(db)
    await create_database(db)
    await init_orm(nori_db_config)
    await Tortoise.generate_schemas(safe=False)
    await create_indexes()  # what migrations add to the tables: search indexes
    try:
        yield nori_engine
    finally:
        await close_orm()  # rows a test left queued (an audit() without flush()) are written first
        if nori_engine == "sqlite":
            await drop_database(db)


@pytest.fixture
async def db(nori_database: str) -> AsyncIterator[str]:
    """Every test starts with empty tables; yields the engine name for engine-specific asserts."""
    await empty_tables(nori_database)
    yield nori_database


@pytest.fixture
def app(db: str) -> Any:
    """The site's app on the test database (the ORM is already open, so no lifespan runs)."""
    from core.kernel import create_app

    return create_app()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[Any]:
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def outbox() -> Iterator[Any]:
    """Mail the code under test sends lands in this list (`core.testing.mail.Outbox`), not on a server."""
    from core.mail.transports import MemoryTransport, set_mail_transport
    from core.testing.mail import Outbox

    sent = Outbox()
    previous = set_mail_transport(MemoryTransport(sent))
    try:
        yield sent
    finally:
        set_mail_transport(previous)


@pytest.fixture
def factory(db: str) -> Iterator[Any]:
    """`await factory('User', name='Ada')` inside a test; see `core.testing.factories`."""
    yield make


@pytest.fixture
def redis_url() -> str:
    """The test Redis (NORI_TEST_REDIS_URL), pinged; skips without it, fails when NORI_TEST_REDIS=required."""
    from core.testing.redis import require_redis

    return require_redis()


@pytest.fixture
def private_redis() -> Iterator[Any]:
    """A running `redis-server` of the test's own (`.url`, `.stop()`, `.start()`), for outage tests."""
    from core.testing.redis import PrivateRedis

    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
async def site_cache() -> AsyncIterator[Any]:
    """The site's `cache`, emptied before and after the test (only its own keys, under CACHE_PREFIX)."""
    from core.cache import cache

    await cache.reconfigure()
    await cache.clear()
    yield cache
    await cache.clear()
    await cache.close()


@pytest.fixture
def jobs() -> Iterator[Any]:
    """A `core.testing.jobs.JobRecorder` in place of the queue for one test."""
    from core.jobs.backend import use_backend
    from core.testing.jobs import JobRecorder

    recorder = JobRecorder()
    use_backend(recorder)
    yield recorder
    use_backend(None)
