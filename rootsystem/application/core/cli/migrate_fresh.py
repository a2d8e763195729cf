"""`migrate:fresh [--seed]`: drop every table and apply all migrations again (DEBUG only)."""

from __future__ import annotations

import argparse
import asyncio

from core.cli.catalog import FRAMEWORK_COMMANDS
from core.cli.errors import CommandError
from core.settings import settings

SEED_COMMAND = next(command for command in FRAMEWORK_COMMANDS if command.name == "db:seed")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", action="store_true", help="run the seeders afterwards (db:seed)")


def run(args: argparse.Namespace) -> int:
    from core.migrations import operations

    if not settings.DEBUG:
        raise CommandError("refusing to drop every table with DEBUG off (this command is for development)")
    asyncio.run(operations.fresh(operations.Project.from_settings(), print))
    if args.seed:
        # Hand over to db:seed, so seeding behaves exactly as that command documents.
        from core.cli import run_command

        return run_command(SEED_COMMAND, [])
    return 0
