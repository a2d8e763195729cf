"""A job on a two-second schedule for the scheduler tests; a site copy's `jobs/` imports it.

Each run adds one to the hash `T_DONE` under its two-second tick, so a tick run twice (by two
workers) shows as a count of 2.
"""

from __future__ import annotations

import time

from core.jobs import job
from tests.support.queue_jobs import mark_done


@job(cron="* * * * * */2", queue="nori-test-cron")
async def every_two_seconds() -> None:
    await mark_done(int(time.time()) // 2 * 2)
