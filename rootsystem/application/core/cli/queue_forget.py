"""`queue:forget ID`: delete one failure record without running its job again."""

from __future__ import annotations

import argparse

from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="a failed job's id (see queue:failed)")


async def run(args: argparse.Namespace) -> int:
    from core.database import orm
    from core.jobs.failures import failed_job

    async with orm(settings.TORTOISE_ORM):
        record = await failed_job(args.id)
        await record.delete()
    print(f"Forgot failed job {record.id} ({record.name})")
    return 0
