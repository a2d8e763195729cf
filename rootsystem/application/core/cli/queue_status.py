"""`queue:status`: per queue, how many jobs are queued, running, scheduled for later, and failed.

The queues listed are those the site's jobs name (and any a failure record names). Queued,
running and scheduled come from Redis; with no QUEUE_URL jobs run inside each app process,
where no other process can count them, so only the failures (kept in the database) are shown.
"""

from __future__ import annotations

import argparse

from core.settings import settings

UNKNOWN = "-"


def configure(parser: argparse.ArgumentParser) -> None:
    """No options: every queue is listed."""


async def run(args: argparse.Namespace) -> int:
    from core.cli.table import print_table
    from core.database import orm
    from core.jobs.discovery import discover_jobs
    from core.jobs.failures import failures_per_queue

    async with orm(settings.TORTOISE_ORM):
        failed = await failures_per_queue()
    queues = sorted({"default", *(job.queue for job in discover_jobs().values()), *failed})
    live = await live_counts(queues) if settings.QUEUE_URL else {}
    rows = [(name, *live.get(name, (UNKNOWN, UNKNOWN, UNKNOWN)), str(failed.get(name, 0))) for name in queues]
    print_table(("QUEUE", "QUEUED", "RUNNING", "SCHEDULED", "FAILED"), rows)
    if not settings.QUEUE_URL:
        print("No QUEUE_URL: jobs run inside the app processes, so only failures can be counted here.")
    return 0


async def live_counts(queues: list[str]) -> dict[str, tuple[str, str, str]]:
    """Queued, running and scheduled per queue, read from Redis."""
    from core.jobs.redis import RedisBackend

    backend = RedisBackend(settings.QUEUE_URL)
    try:
        counts = {name: await backend.counts(name) for name in queues}
    finally:
        await backend.close()
    return {name: (str(c.queued), str(c.running), str(c.scheduled)) for name, c in counts.items()}
