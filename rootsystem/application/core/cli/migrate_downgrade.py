"""`migrate:downgrade [--steps N] [--app A]`: revert exactly the N most recently applied migrations."""

from __future__ import annotations

import argparse
import sys

from core.cli.errors import CommandError
from core.database import FRAMEWORK_APP, SITE_APP
from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--steps", type=int, default=1, help="how many migrations to revert (default 1)")
    parser.add_argument("--app", choices=(FRAMEWORK_APP, SITE_APP), help="only this app's migrations")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation (DEBUG off, on a terminal)")


def confirmed(names: list[str]) -> bool:
    """Ask only where a person can answer and a mistake costs data: DEBUG off, stdin a terminal."""
    if settings.DEBUG or not sys.stdin.isatty():
        return True
    answer = input(f"Roll back {len(names)} migration(s) on {settings.DATABASE.describe()}: {', '.join(names)}? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations

    project = operations.Project.from_settings()
    plan = await operations.downgrade_plan(project, args.steps, args.app)
    if not args.yes and not confirmed([f"{m.app}/{m.name}" for m in plan]):
        raise CommandError("Cancelled; nothing was rolled back")
    await operations.downgrade(project, args.steps, args.app, print)
    return 0
