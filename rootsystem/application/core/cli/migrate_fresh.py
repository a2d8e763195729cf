"""`migrate:fresh [--seed]`: drop every table and apply all migrations again (DEBUG only)."""

from __future__ import annotations

import argparse
import asyncio

from core.cli.errors import CommandError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", action="store_true", help="run the seeders afterwards (db:seed)")


def run(args: argparse.Namespace) -> int:
    import settings
    from core.migrations import operations

    if not settings.DEBUG:
        raise CommandError("migrate:fresh drops every table and only runs with DEBUG on")
    asyncio.run(operations.fresh(operations.Project.from_settings(), print))
    if args.seed:
        return seed()
    return 0


def seed() -> int:
    """Hand over to `db:seed`, so seeding behaves exactly as that command documents."""
    from core.cli import run_command
    from core.cli.catalog import all_commands

    command = all_commands().get("db:seed")
    if command is None:
        raise CommandError("--seed needs the db:seed command, which this installation lacks")
    return run_command(command, [])
