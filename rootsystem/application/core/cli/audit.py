"""`audit:purge`: delete audit rows older than N days, in batches, and say how many went.

Batches keep each DELETE short, so a purge of millions of rows never holds a long lock on a
table the running site keeps writing to.
"""

from __future__ import annotations

import argparse
import datetime

from core.cli.errors import CommandError
from core.settings import settings

BATCH_SIZE = 1000
DEFAULT_DAYS = 90


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                        help=f"keep rows newer than this many days (default {DEFAULT_DAYS})")
    parser.add_argument("--dry-run", action="store_true", help="count the rows that would go, delete nothing")


def days_since_year_one() -> int:
    """The largest --days a date can express: more would be an OverflowError, not a purge."""
    return (datetime.datetime.now(datetime.UTC) - datetime.datetime.min.replace(tzinfo=datetime.UTC)).days


def cutoff_for(days: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)


async def purge(days: int, *, dry_run: bool = False, batch_size: int = BATCH_SIZE) -> int:
    """Delete (or with `dry_run` count) rows created before `days` ago; returns the count."""
    from core.models import AuditLog

    older = AuditLog.filter(created_at__lt=cutoff_for(days))
    if dry_run:
        return await older.count()
    deleted = 0
    while True:
        ids = await older.order_by("id").limit(batch_size).values_list("id", flat=True)
        if not ids:
            return deleted
        deleted += await AuditLog.filter(id__in=list(ids)).delete()


async def run(args: argparse.Namespace) -> int:
    from core.database import orm, ping

    if args.days < 0:
        raise CommandError(f"--days cannot be negative (got {args.days}); use 0 to purge everything up to now")
    limit = days_since_year_one()
    if args.days > limit:
        raise CommandError(f"--days {args.days} goes back before the year 1: use at most {limit}")
    async with orm(settings.TORTOISE_ORM):
        await ping(settings.DATABASE)
        count = await purge(args.days, dry_run=args.dry_run)
    noun = "row" if count == 1 else "rows"
    if args.dry_run:
        print(f"Would delete {count} audit {noun} older than {args.days} days (dry run, nothing deleted).")
    else:
        print(f"Deleted {count} audit {noun} older than {args.days} days.")
    return 0
