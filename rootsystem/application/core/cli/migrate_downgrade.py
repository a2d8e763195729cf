"""`migrate:downgrade [--steps N | --to FILE] [--app A] [--fake]`: revert the most recently applied migrations."""

from __future__ import annotations

import argparse

from core.cli.confirm import ask, can_ask
from core.cli.errors import CommandError
from core.database import FRAMEWORK_APP, SITE_APP
from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--steps", type=int, help="how many migrations to revert (default 1)")
    target.add_argument("--to", metavar="FILE",
                        help="revert the migrations of FILE's app applied after FILE, which stays applied; "
                             "'zero' reverts every migration of --app")
    parser.add_argument("--app", choices=(FRAMEWORK_APP, SITE_APP),
                        help="only this app's migrations (and the app of --to FILE when both have that file)")
    parser.add_argument("--fake", action="store_true",
                        help="only mark the migrations as not applied; their downgrade SQL is not run")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation (DEBUG off, on a terminal)")


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations

    project = operations.Project.from_settings()
    steps = 1 if args.steps is None else args.steps
    plan = await operations.downgrade_plan(project, steps, args.app, to=args.to)
    names = ", ".join(str(step) for step in plan)
    if plan and not args.yes and can_ask() and not ask(
        f"Roll back {len(plan)} migration(s) on {settings.DATABASE.describe()}: {names}?"
    ):
        raise CommandError("Cancelled; nothing was rolled back")
    await operations.downgrade(project, steps, args.app, print, to=args.to, fake=args.fake)
    return 0
