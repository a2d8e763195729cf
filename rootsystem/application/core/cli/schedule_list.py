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
    from core.jobs.discovery import discover_jobs
    from core.jobs.spec import next_run

    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    rows = [(job.name, job.queue, job.cron, next_run(job.cron, now).isoformat())
            for job in sorted(discover_jobs().values(), key=lambda job: job.name) if job.cron is not None]
    if not rows:
        print("No scheduled jobs: declare one with @job(cron='*/5 * * * *') in jobs/")
        return 0
    header = ("JOB", "QUEUE", "CRON", "NEXT RUN (UTC)")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(3)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
    return 0
