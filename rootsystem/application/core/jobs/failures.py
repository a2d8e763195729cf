"""Failure records: a job that used every attempt is kept in the framework table `failed_jobs`.

Both drivers write here, so a failure outlives the process that ran the job (the in-process
driver) and the queue that carried it (a Redis flush, an expired job record). The record holds
what `queue:retry` needs to run the job again: its name and arguments. If the row cannot be
written (the database is down), the whole record goes to the log at ERROR, so a failure is
never silently dropped.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from core.jobs.errors import JobError
from core.jobs.spec import job_named
from core.models import FailedJob

logger = logging.getLogger("nori.jobs")


@dataclass(frozen=True)
class Failure:
    """One job that used every attempt; `traceback` is the last attempt's, ending in its exception."""

    job_id: str
    name: str
    queue: str
    kwargs: dict[str, Any]
    traceback: str
    attempts: int

    @property
    def exception(self) -> str:
        """The traceback's last line: `RuntimeError: the message`."""
        lines = [line for line in self.traceback.strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else "unknown error"


async def record_failure(failure: Failure) -> None:
    """Write `failure` to `failed_jobs`; when that fails too, log all of it so it is not lost."""
    try:
        await FailedJob.create(job_id=failure.job_id, name=failure.name, queue=failure.queue, kwargs=failure.kwargs,
                               exception=failure.exception, traceback=failure.traceback, attempts=failure.attempts)
    except Exception as error:
        logger.error("job %s %s failed after %d attempt(s) and its failure record was NOT written (%s: %s); "
                     "queue %s, arguments %s, %s", failure.name, failure.job_id, failure.attempts,
                     type(error).__name__, error, failure.queue, json.dumps(failure.kwargs), failure.traceback)
        return
    logger.error("job %s %s failed after %d attempt(s): %s; recorded in failed_jobs", failure.name,
                 failure.job_id, failure.attempts, failure.exception)


async def failed_job(record_id: str) -> FailedJob:
    """The record `queue:retry` and `queue:forget` name by its id; JobError when there is none."""
    record = await FailedJob.get_or_none(id=int(record_id)) if record_id.isdigit() else None
    if record is None:
        raise JobError(f"no failed job with id {record_id!r} (queue:failed lists them)")
    return record


async def retry_failed(record: FailedJob) -> str | None:
    """Dispatch the recorded job again with its arguments, then delete the record; returns the new id.

    The record goes only once the job is queued again, so a dispatch that fails keeps it.
    """
    job_id = await job_named(record.name).dispatch(**record.kwargs)
    await record.delete()
    return job_id


async def failures_per_queue() -> dict[str, int]:
    """How many failure records each queue has (queues without any are left out)."""
    from tortoise.functions import Count

    from core.models import FailedJob

    rows = await FailedJob.all().annotate(count=Count("id")).group_by("queue").values("queue", "count")
    return {row["queue"]: row["count"] for row in rows}
