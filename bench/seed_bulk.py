"""Rows per second of a seeder's `bulk_create` beside the raw driver's `executemany`, per engine.

    NORI_TEST_DB_NAME=nori_bench python3 bench/seed_bulk.py [--rows 100000] [--engines sqlite,mysql,postgres]

Both sides insert the same rows into the site's `users` table of a scratch database
(`engine_database(engine, "_bulk")`, dropped at the end): the seeder side builds `User` objects
and calls `bulk_create` inside `in_transaction()`, as `db:seed` runs a seeder; the raw side sends
the same tuples through the driver Tortoise uses (aiosqlite, asyncmy, asyncpg) in one transaction.
Prints a markdown table with rows/s and how many times faster the raw driver is.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "rootsystem" / "application"))

from core.database import DatabaseSettings, orm, tortoise_config  # noqa: E402
from core.testing.databases import drop_database, recreate_database  # noqa: E402
from core.testing.engines import engine_database, reachable  # noqa: E402

COLUMNS = ("slug", "name", "email", "password_hash", "remember_token", "level", "status", "created_at", "updated_at")


def rows(count: int) -> list[tuple]:
    now = datetime.datetime.now(datetime.UTC)
    return [(f"user-{i}", f"User {i}", f"user{i}@example.com", "!", "", i % 10, True, now, now) for i in range(count)]


async def seeder_insert(count: int) -> float:
    """What a seeder does: build model instances and bulk_create them in the seeder's transaction."""
    from tortoise.transactions import in_transaction

    from models.user import User

    started = time.perf_counter()
    async with in_transaction():
        await User.bulk_create([User(**dict(zip(COLUMNS, row, strict=True))) for row in rows(count)])
    return time.perf_counter() - started


async def raw_insert(db: DatabaseSettings, count: int) -> float:
    """The same rows through the bare driver: one executemany in one transaction."""
    names = ", ".join(COLUMNS)
    started = time.perf_counter()
    if db.engine == "sqlite":
        import aiosqlite

        async with aiosqlite.connect(db.name) as conn:
            sql = f"INSERT INTO users ({names}) VALUES ({', '.join('?' * len(COLUMNS))})"
            await conn.executemany(sql, [(*r[:7], r[7].isoformat(), r[8].isoformat()) for r in rows(count)])
            await conn.commit()
    elif db.engine == "mysql":
        import asyncmy

        conn = await asyncmy.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                     password=db.password, database=db.name)
        try:
            async with conn.cursor() as cursor:
                sql = f"INSERT INTO users ({names}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
                await cursor.executemany(sql, [(*r[:7], r[7].replace(tzinfo=None), r[8].replace(tzinfo=None))
                                               for r in rows(count)])
            await conn.commit()
        finally:
            conn.close()
    else:
        import asyncpg

        conn = await asyncpg.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                     password=db.password or None, database=db.name)
        try:
            async with conn.transaction():
                params = ", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))
                await conn.executemany(f"INSERT INTO users ({names}) VALUES ({params})", rows(count))
        finally:
            await conn.close()
    return time.perf_counter() - started


async def empty_users(config: dict) -> None:
    from tortoise import connections

    async with orm(config):
        await connections.get("default").execute_script("DELETE FROM users")


async def count_users(config: dict) -> int:
    from models.user import User

    async with orm(config):
        return await User.all().count()


async def bench_engine(engine: str, count: int) -> tuple[float, float]:
    from tortoise import Tortoise

    from core.compat.tortoise import forget_insert_statements

    db = engine_database(engine, "_bulk")
    config = tortoise_config(db)
    await recreate_database(db)
    forget_insert_statements()
    try:
        async with orm(config):
            await Tortoise.generate_schemas(safe=False)
            seeded = await seeder_insert(count)
        assert await count_users(config) == count, "bulk_create did not insert every row"
        await empty_users(config)
        raw = await raw_insert(db, count)
        assert await count_users(config) == count, "executemany did not insert every row"
    finally:
        await drop_database(db)
    return seeded, raw


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,mysql,postgres")
    options = parser.parse_args()
    print(f"{options.rows:,} rows into `users` (9 columns), one transaction per side\n")
    print("| engine | bulk_create s | bulk_create rows/s | executemany s | executemany rows/s | raw speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for engine in options.engines.split(","):
        if not reachable(engine):
            print(f"| {engine} | unreachable | | | | |")
            continue
        seeded, raw = await bench_engine(engine, options.rows)
        print(f"| {engine} | {seeded:.2f} | {options.rows / seeded:,.0f} | {raw:.2f} | {options.rows / raw:,.0f} | "
              f"{seeded / raw:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
