"""Creating, emptying and dropping test databases on each engine, through the real drivers."""

from __future__ import annotations

import contextlib
import os

from core.database import DatabaseSettings, table_names


async def create_database(db: DatabaseSettings) -> None:
    """Create the database if it is missing (SQLite creates its file on first connect)."""
    if db.engine == "mysql":
        import asyncmy

        conn = await asyncmy.connect(host=db.host, port=db.effective_port, user=db.effective_user, password=db.password)
        try:
            async with conn.cursor() as cursor:
                await cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{db.name}` CHARACTER SET utf8mb4")
        finally:
            conn.close()
    elif db.engine == "postgres":
        import asyncpg

        conn = await asyncpg.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                     password=db.password or None, database="postgres")
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db.name):
                await conn.execute(f'CREATE DATABASE "{db.name}"')
        finally:
            await conn.close()


async def drop_database(db: DatabaseSettings) -> None:
    """Remove the database entirely; used for throwaway databases of a single test."""
    if db.engine == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(db.name + suffix)
    elif db.engine == "mysql":
        import asyncmy

        conn = await asyncmy.connect(host=db.host, port=db.effective_port, user=db.effective_user, password=db.password)
        try:
            async with conn.cursor() as cursor:
                await cursor.execute(f"DROP DATABASE IF EXISTS `{db.name}`")
        finally:
            conn.close()
    else:
        import asyncpg

        conn = await asyncpg.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                     password=db.password or None, database="postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
        finally:
            await conn.close()


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
