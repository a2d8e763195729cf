"""`queue:flush [--queue Q] [--force]`: delete every failure record (of one queue, with --queue).

The records are what `queue:retry` needs to run those jobs again, so on a terminal with DEBUG
off it asks first, as other commands that cost data do; --force skips the question.
"""

from __future__ import annotations

import argparse

from core.cli.confirm import ask, can_ask
from core.cli.errors import CommandError
from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--queue", help="only the failures of this queue")
    parser.add_argument("--force", action="store_true", help="do not ask for confirmation (DEBUG off, on a terminal)")


async def run(args: argparse.Namespace) -> int:
    from core.database import orm
    from core.models import FailedJob

    async with orm(settings.TORTOISE_ORM):
        found = FailedJob.all() if args.queue is None else FailedJob.filter(queue=args.queue)
        count = await found.count()
        where = "" if args.queue is None else f" of queue {args.queue!r}"
        if count and not args.force and can_ask() and not ask(
            f"Delete {count} failed job record(s){where} on {settings.DATABASE.describe()}? They cannot be retried "
            "afterwards"
        ):
            raise CommandError("Cancelled; nothing was deleted")
        deleted = await found.delete()
    print(f"Deleted {deleted} failed job record(s){where}.")
    return 0
