"""One migration run at a time per database, across processes and machines.

Two deploy hooks starting `migrate:upgrade` together must not both apply the same file, so a
run holds a lock the database itself arbitrates: a session advisory lock on PostgreSQL,
`GET_LOCK` on MySQL/MariaDB, and an exclusive lock on a file next to the SQLite database. The
lock lives on a connection of its own, outside the ORM's pool, so it is held for the whole run.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from core.database import DatabaseSettings

WAIT_SECONDS = 600


def lock_name(db: DatabaseSettings) -> str:
    return f"nori_migrations:{db.name}"


def _pg_key(db: DatabaseSettings) -> int:
    """A stable signed 64-bit key for `pg_advisory_lock`."""
    digest = hashlib.sha256(lock_name(db).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@asynccontextmanager
async def migration_lock(db: DatabaseSettings, on_wait: Callable[[], None] = lambda: None) -> AsyncIterator[None]:
    """Hold the database's migration lock for the block; `on_wait` runs once if another run holds it."""
    if db.engine == "postgres":
        async with _postgres_lock(db, on_wait):
            yield
    elif db.engine == "mysql":
        async with _mysql_lock(db, on_wait):
            yield
    else:
        async with _file_lock(db.name + "-migrate.lock", on_wait):  # beside the database, ignored like it
            yield


@asynccontextmanager
async def _postgres_lock(db: DatabaseSettings, on_wait: Callable[[], None]) -> AsyncIterator[None]:
    import asyncpg

    conn = await asyncpg.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                 password=db.password or None, database=db.name)
    key = _pg_key(db)
    try:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
            on_wait()
            await conn.execute("SELECT pg_advisory_lock($1)", key)
        try:
            yield
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", key)
    finally:
        await conn.close()


@asynccontextmanager
async def _mysql_lock(db: DatabaseSettings, on_wait: Callable[[], None]) -> AsyncIterator[None]:
    import asyncmy

    conn = await asyncmy.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                 password=db.password, database=db.name)
    name = lock_name(db)[:64]  # GET_LOCK names are limited to 64 characters
    try:
        async with conn.cursor() as cursor:
            await cursor.execute("SELECT GET_LOCK(%s, 0)", (name,))
            (got,) = await cursor.fetchone()
            if got != 1:
                on_wait()
                await cursor.execute("SELECT GET_LOCK(%s, %s)", (name, WAIT_SECONDS))
                (got,) = await cursor.fetchone()
                if got != 1:
                    raise TimeoutError(f"another migration run held the lock for over {WAIT_SECONDS} s")
        try:
            yield
        finally:
            async with conn.cursor() as cursor:
                await cursor.execute("SELECT RELEASE_LOCK(%s)", (name,))
    finally:
        conn.close()


@asynccontextmanager
async def _file_lock(path: str, on_wait: Callable[[], None]) -> AsyncIterator[None]:
    import fcntl

    with await asyncio.to_thread(open, path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
