"""Creating, emptying and dropping test databases on each engine, through the real drivers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

from core.database import DatabaseSettings, table_names


async def _mysql_execute(db: DatabaseSettings, statement: str) -> None:
    """Run one statement on the MySQL/MariaDB server, outside any database."""
    import asyncmy

    conn = await asyncmy.connect(host=db.host, port=db.effective_port, user=db.effective_user, password=db.password)
    try:
        async with conn.cursor() as cursor:
            await cursor.execute(statement)
    finally:
        conn.close()


@contextlib.asynccontextmanager
async def _postgres_admin(db: DatabaseSettings) -> AsyncIterator[Any]:
    """A connection to the server's `postgres` database, from which others are made and dropped."""
    import asyncpg

    conn = await asyncpg.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                 password=db.password or None, database="postgres")
    try:
        yield conn
    finally:
        await conn.close()


async def create_database(db: DatabaseSettings) -> None:
    """Create the database if it is missing (SQLite creates its file on first connect)."""
    if db.engine == "mysql":
        await _mysql_execute(db, f"CREATE DATABASE IF NOT EXISTS `{db.name}` CHARACTER SET utf8mb4")
    elif db.engine == "postgres":
        async with _postgres_admin(db) as conn:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db.name):
                await conn.execute(f'CREATE DATABASE "{db.name}"')


async def drop_database(db: DatabaseSettings) -> None:
    """Remove the database entirely; used for throwaway databases of a single test."""
    if db.engine == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(db.name + suffix)
    elif db.engine == "mysql":
        await _mysql_execute(db, f"DROP DATABASE IF EXISTS `{db.name}`")
    else:
        async with _postgres_admin(db) as conn:
            await conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


async def recreate_database(db: DatabaseSettings) -> None:
    await drop_database(db)
    await create_database(db)


async def empty_tables(engine: str) -> None:
    """Delete every row of every model table, ignoring foreign-key order."""
    from tortoise import connections

    tables = table_names()
    if not tables:
        return
    conn = connections.get("default")
    if engine == "postgres":
        quoted = ", ".join(f'"{table}"' for table in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    elif engine == "mysql":
        statements = ["SET FOREIGN_KEY_CHECKS=0", *(f"DELETE FROM `{t}`" for t in tables), "SET FOREIGN_KEY_CHECKS=1"]
        from tortoise.transactions import in_transaction

        async with in_transaction("default") as tx:
            for statement in statements:
                await tx.execute_script(statement)
    else:
        statements = ["PRAGMA foreign_keys=OFF", *(f'DELETE FROM "{t}"' for t in tables), "PRAGMA foreign_keys=ON"]
        await conn.execute_script(";\n".join(statements))
