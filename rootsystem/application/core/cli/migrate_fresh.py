"""`migrate:fresh [--seed]`: drop every table and apply all migrations again (DEBUG only)."""

from __future__ import annotations

import argparse
import asyncio

from core.cli.catalog import Command, all_commands
from core.cli.errors import CommandError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", action="store_true", help="run the seeders afterwards (db:seed)")


def run(args: argparse.Namespace) -> int:
    import settings
    from core.migrations import operations

    if not settings.DEBUG:
        raise CommandError("refusing to drop every table with DEBUG off (this command is for development)")
    seeder = seed_command() if args.seed else None
    asyncio.run(operations.fresh(operations.Project.from_settings(), print))
    if seeder is not None:
        from core.cli import run_command

        return run_command(seeder, [])
    return 0


def seed_command() -> Command:
    """`--seed` hands over to `db:seed`, so seeding behaves exactly as that command documents.

    Looked up before anything is dropped: a missing command must not leave an empty database.
    """
    command = all_commands().get("db:seed")
    if command is None:
        raise CommandError("--seed needs the db:seed command, which this installation lacks; nothing was dropped")
    return command
