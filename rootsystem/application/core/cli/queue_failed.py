"""`queue:failed`: the jobs that used every attempt, newest first, as `failed_jobs` keeps them.

The table is in the site's database, so the list is the same whichever driver ran the jobs and
survives a Redis flush; `queue:retry ID` runs one again, `queue:forget ID` drops it.
"""

from __future__ import annotations

import argparse

from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--queue", help="only the failures of this queue")


async def run(args: argparse.Namespace) -> int:
    from core.cli.table import print_table
    from core.database import orm
    from core.models import FailedJob

    async with orm(settings.TORTOISE_ORM):
        found = FailedJob.all() if args.queue is None else FailedJob.filter(queue=args.queue)
        records = await found.order_by("-id")
    if not records:
        print("No failed jobs.")
        return 0
    print_table(("ID", "FAILED AT (UTC)", "JOB", "QUEUE", "ATTEMPTS", "EXCEPTION"),
                [(str(r.id), r.failed_at.strftime("%Y-%m-%d %H:%M:%S"), r.name, r.queue, str(r.attempts),
                  r.exception) for r in records])
    return 0
