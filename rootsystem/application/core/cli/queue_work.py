"""`queue:work`: run the site's jobs from Redis until SIGTERM or Ctrl-C, then finish the running ones.

Needs QUEUE_URL (or REDIS_URL): with neither, jobs already run inside the app and a worker would
have nothing to take, so that is a mistake said in one line rather than a worker that waits forever.
"""

from __future__ import annotations

import argparse
import logging

from core.cli.errors import CommandError
from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--queue", default="default", help="the queue to take jobs from (default: default)")
    parser.add_argument("--concurrency", type=int, default=10, help="jobs run at once (default 10)")


async def run(args: argparse.Namespace) -> int:
    from core.database import orm
    from core.jobs.discovery import discover_jobs
    from core.jobs.redis import RedisBackend, build_worker

    if not settings.QUEUE_URL:
        raise CommandError("QUEUE_URL (or REDIS_URL) is not set: without it jobs run inside the app, "
                           "so there is nothing for a worker to take")
    if args.concurrency < 1:
        raise CommandError(f"--concurrency must be at least 1 (got {args.concurrency})")
    logging.basicConfig(level=settings.LOG_LEVEL, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    jobs = [job for job in discover_jobs().values() if job.queue == args.queue]
    backend = RedisBackend(settings.QUEUE_URL)
    worker = build_worker(backend, args.queue, jobs, args.concurrency)
    async with orm(settings.TORTOISE_ORM):
        print(f"Working queue {args.queue!r} ({len(jobs)} jobs, concurrency {args.concurrency}); "
              "SIGTERM finishes running jobs and exits", flush=True)
        await worker.start()  # saq handles SIGTERM and SIGINT: it stops taking jobs and waits for running ones
        await backend.close()
    return 0
