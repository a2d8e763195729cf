"""`queue:retry ID|all`: dispatch failed jobs again with their arguments and delete their records.

Each goes to the driver QUEUE_URL picks, like any dispatch: to Redis for the workers, or, with
no queue configured, run in this process before the command exits (a new failure is recorded
again). A record is deleted only once its job is dispatched.
"""

from __future__ import annotations

import argparse

from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="a failed job's id (see queue:failed), or all")


async def run(args: argparse.Namespace) -> int:
    from core.database import orm
    from core.jobs.backend import current_backend
    from core.jobs.discovery import discover_jobs
    from core.jobs.failures import failed_job, retry_failed
    from core.models import FailedJob

    discover_jobs()
    async with orm(settings.TORTOISE_ORM):
        records = await FailedJob.all().order_by("id") if args.id == "all" else [await failed_job(args.id)]
        try:
            for record in records:
                job_id = await retry_failed(record)
                print(f"Retried failed job {record.id} ({record.name}) as job {job_id}")
        finally:
            await current_backend().close()  # the in-process driver: its jobs finish before the ORM closes
    if not records:
        print("No failed jobs to retry.")
    return 0
