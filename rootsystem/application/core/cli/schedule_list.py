"""`schedule:list`: the site's jobs declared with `cron=`, with each next run time in UTC.

It reads the same registry `queue:work` schedules from, so the list is what the workers run. It
needs no Redis: the next run comes from the cron expression alone, as the workers compute it.
"""

from __future__ import annotations

import argparse
import datetime


def configure(parser: argparse.ArgumentParser) -> None:
    """No options: every scheduled job of every queue is listed."""


def run(args: argparse.Namespace) -> int:
    from core.cli.table import print_table
    from core.jobs.discovery import discover_jobs
    from core.jobs.spec import next_run

    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    rows = [(job.name, job.queue, job.cron, next_run(job.cron, now).isoformat())
            for job in sorted(discover_jobs().values(), key=lambda job: job.name) if job.cron is not None]
    if not rows:
        print("No scheduled jobs: declare one with @job(cron='*/5 * * * *') in jobs/")
        return 0
    print_table(("JOB", "QUEUE", "CRON", "NEXT RUN (UTC)"), rows)
    return 0
