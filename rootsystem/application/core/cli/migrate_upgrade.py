"""`migrate:upgrade [--to FILE] [--fake] [--yes]`: apply pending migrations, framework first, one run at a time."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli.confirm import ask, can_ask
from core.cli.errors import CommandError
from core.settings import settings

if TYPE_CHECKING:
    from core.migrations.operations import Project


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", metavar="FILE",
                        help="stop after FILE (e.g. models/2_20260301120000_add_body.py or its file name)")
    parser.add_argument("--fake", action="store_true",
                        help="only record the migrations as applied; their SQL is not run")
    parser.add_argument("--yes", action="store_true",
                        help="do not ask before destructive steps (asked with DEBUG off, on a terminal)")


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations

    project = operations.Project.from_settings()
    if not args.yes and not args.fake and can_ask():
        await confirm_destructive(project, args.to)
    await operations.upgrade(project, print, to=args.to, fake=args.fake)
    return 0


async def confirm_destructive(project: Project, to: str | None) -> None:
    """Name every step that can lose data and ask once, before anything runs."""
    from core.migrations import operations

    risky = [step for step in await operations.upgrade_plan(project, to) if step.destructive]
    if not risky:
        return
    for step in risky:
        for destructive in step.destructive:
            print(f"{step} {destructive}")
    if not ask(f"Apply {len(risky)} migration(s) with destructive steps to {settings.DATABASE.describe()}?"):
        raise CommandError("Cancelled; nothing was applied")
