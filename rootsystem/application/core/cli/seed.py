"""`db:seed [--class NAME] [--force]`: run the seeders, each in its own transaction."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from core.cli.errors import CommandError
from core.cli.scaffold import PROJECT
from core.settings import settings

if TYPE_CHECKING:
    from core.seeding import SeedResult


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--class", dest="seeder", metavar="NAME",
                        help="run only this seeder, e.g. user_seeder (default: every one in SEEDERS)")
    parser.add_argument("--force", action="store_true", help="seed even with DEBUG off (production)")


def print_result(result: SeedResult) -> None:
    print(f"  {result.name:<40} {result.rows:>9,} rows  {result.seconds:8.3f} s", flush=True)


async def run(args: argparse.Namespace) -> int:
    from core.database import orm, ping
    from core.seeding import SeederError, seed, seeder_module_name

    if not settings.DEBUG and not args.force:
        raise CommandError("DEBUG is off, so this looks like production: db:seed refuses to run; add --force to seed")
    if str(PROJECT) not in sys.path:  # `seeders` sits at the project root, beside nori.py
        sys.path.insert(0, str(PROJECT))
    try:  # a mistyped --class is refused before the database is opened (or, for SQLite, created)
        names = [seeder_module_name(args.seeder)] if args.seeder else None
    except SeederError as error:
        raise CommandError(str(error)) from None
    print(f"Seeding {settings.DATABASE.describe()}")
    started = time.perf_counter()
    async with orm(settings.TORTOISE_ORM):
        await ping(settings.DATABASE)  # a dead database is not the first seeder's fault
        try:
            results = await seed(names, on_done=print_result)
        except SeederError as error:
            done = ", ".join(r.name for r in error.completed)
            kept = f"; committed before it: {done}" if done else "; nothing was committed"
            raise CommandError(f"{error}{kept}") from error
    if not results:
        print("SEEDERS in seeders/database_seeder.py is empty: nothing to run (python3 nori.py make:seeder Name)")
        return 0
    total = sum(r.rows for r in results)
    print(f"Done: {len(results)} seeder(s), {total:,} rows in {time.perf_counter() - started:.3f} s")
    return 0
