"""The Redis driver, on saq: `dispatch` enqueues, `queue:work` runs a saq worker.

saq gives what a hand-written queue lacked: a job is moved to the active set when a worker takes
it, and a worker that stops sending heartbeats (killed, frozen, its host gone) has its jobs swept
back to the queue by any other worker. The worker here touches each running job every third of
QUEUE_HEARTBEAT seconds and sweeps every QUEUE_HEARTBEAT seconds, so a job lost with its worker
runs again within about twice QUEUE_HEARTBEAT. Sites never import saq: this module is its facade.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from saq import CronJob, Queue, Worker
from saq import Job as SaqJob
from saq.job import Status
from saq.queue.redis import RedisQueue
from saq.types import PartialTimersDict

from core.jobs.attempts import run_attempt
from core.jobs.failures import Failure, record_failure
from core.jobs.spec import Job, Options, job_named
from core.settings import settings

# saq's own timeout is a backstop for a job our wait_for could not cancel; ours fires first and logs.
TIMEOUT_MARGIN = 5
SWEEP_ABORT_WAIT = 0.05
# What a job swept back (or, on its last attempt, recorded as failed) carries as its error.
LOST_ERROR = "JobLost: its worker stopped sending heartbeats (killed, frozen or gone) while it ran"


# The active list and each job's record, read in one step (and only by the sweeper holding the
# lock), so a job cannot finish between the two reads and look lost.
ACTIVE_JOBS_SCRIPT = """
local jobs = {}
if redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then
    for i, id in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
        jobs[i] = {id, redis.call('GET', id)}
    end
end
return jobs
"""


class SweepingQueue(RedisQueue):
    """saq's Redis queue with a sweep that is quick and never takes a job being claimed for a lost one.

    - Quick: every QUEUE_HEARTBEAT seconds (saq's lock made it 60 s), waiting SWEEP_ABORT_WAIT per
      lost job for its worker to confirm the abort (a dead worker never confirms, and saq's 5 s, one
      job after another, made 100 lost jobs wait 8 minutes). A lost job is retried either way.
    - Never too eager: a worker takes a job by moving it to the active list and marks it active two
      round trips later. saq's sweep treats a job caught in between as lost, aborts it and queues it
      again while that worker runs it, so it ran twice (seen under load, 1 job in 200). Here a job
      still unclaimed is left for one sweep interval and swept only if it is still unclaimed at the
      next sweep of this process (its worker died between the two steps).
    """

    _unclaimed: frozenset[tuple[str, int]] = frozenset()

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        script = self.redis.register_script(ACTIVE_JOBS_SCRIPT)
        found = await script(keys=[self._sweep, self._active], args=[min(lock, settings.QUEUE_HEARTBEAT)],
                             client=self.redis)
        swept: list[str] = []
        unclaimed: set[tuple[str, int]] = set()
        for raw_id, job_bytes in found:
            job_id, job = raw_id.decode(), self.deserialize(job_bytes)
            if job is None:
                await self._forget(job_id)
            elif job.status == Status.QUEUED and (job_id, job.attempts) not in self._unclaimed:
                unclaimed.add((job_id, job.attempts))
                continue
            elif job.status == Status.ACTIVE and not job.stuck:
                continue
            else:
                await self._give_back(job, min(abort, SWEEP_ABORT_WAIT))
            swept.append(job_id)
        self._unclaimed = frozenset(unclaimed)
        return swept

    async def finish(self, job: SaqJob, status: Status, *, result: Any = None, error: str | None = None,
                     **kwargs: Any) -> None:
        """saq's finish, and a failure record when the job failed on its last attempt (or timed out)."""
        await super().finish(job, status, result=result, error=error, **kwargs)
        if status == Status.FAILED:
            await record_failure(failure_of(job))

    async def _forget(self, job_id: str) -> None:
        """Drop the id of a job whose record expired from the active list."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lrem(self._active, 0, job_id)
            pipe.zrem(self._incomplete, job_id)
            await pipe.execute()

    async def _give_back(self, job: SaqJob, abort: float) -> None:
        """Abort a lost job (its worker stops it if alive) and queue it again, or end it when out of retries."""
        await self.abort(job, error=self.swept_error_message)
        with contextlib.suppress(TimeoutError):  # a dead worker never confirms
            await job.refresh(abort)
        if job.retryable:
            await self.retry(job, error=self.swept_error_message)
        else:  # lost on its last attempt: a failure like any other (its worker, if alive, records nothing)
            await self.finish(job, Status.ABORTED, error=self.swept_error_message)
            await record_failure(failure_of(job))


def failure_of(job: SaqJob) -> Failure:
    """The failure record of a saq job that ended for good; `error` holds its last traceback."""
    return Failure(job.key, job.function, job.queue.name if job.queue else "", dict(job.kwargs or {}),
                   job.error or "unknown error", job.attempts)


@dataclass(frozen=True)
class QueueCounts:
    """Jobs waiting to be taken, taken by a worker, and waiting for their time (a delay or a retry)."""

    queued: int
    running: int
    scheduled: int


class RedisBackend:
    def __init__(self, url: str) -> None:
        self.url = url
        self._queues: dict[str, Queue] = {}

    def queue(self, name: str) -> Queue:
        if name not in self._queues:
            self._queues[name] = SweepingQueue.from_url(self.url, name=name, swept_error_message=LOST_ERROR)
        return self._queues[name]

    async def dispatch(self, job: Job, kwargs: dict[str, Any], options: Options) -> str | None:
        queued = SaqJob(
            function=job.name, kwargs=kwargs, retries=job.retries + 1, timeout=int(job.timeout) + TIMEOUT_MARGIN,
            heartbeat=settings.QUEUE_HEARTBEAT, retry_delay=job.backoff, retry_backoff=True,
            scheduled=int(time.time() + options.delay) if options.delay else 0, key=options.job_id,
        )
        enqueued = await self.queue(job.queue).enqueue(queued)
        return None if enqueued is None else enqueued.key

    async def counts(self, name: str) -> QueueCounts:
        """saq's three lists for queue `name`; its `incomplete` set holds all three, so scheduled is the rest."""
        queue = self.queue(name)
        queued, running = await queue.count("queued"), await queue.count("active")
        return QueueCounts(queued, running, max(await queue.count("incomplete") - queued - running, 0))

    async def close(self) -> None:
        for queue in self._queues.values():
            await queue.disconnect()
        self._queues.clear()


def _runner(name: str) -> Any:
    """The function saq calls for job `name`: heartbeats while the attempt runs under our rules."""

    async def run(ctx: dict[str, Any], **kwargs: Any) -> Any:
        saq_job: SaqJob = ctx["job"]
        beating = asyncio.create_task(_heartbeat(saq_job))
        try:
            return await run_attempt(job_named(name), saq_job.key, kwargs)
        finally:
            beating.cancel()

    run.__qualname__ = name
    return run


async def _heartbeat(saq_job: SaqJob) -> None:
    while True:
        await asyncio.sleep(max(saq_job.heartbeat / 3, 0.2))
        await saq_job.update()


def build_worker(backend: RedisBackend, queue: str, jobs: Iterable[Job], concurrency: int) -> Worker:
    """A saq worker for one queue running `jobs`, sweeping lost jobs every QUEUE_HEARTBEAT seconds.

    On stop it waits for running jobs up to the longest job timeout, so SIGTERM loses no work.
    A job with `cron=` is queued by every worker of its queue for its next tick under saq's unique
    key `cron:<name>`: the first enqueue wins and the others are no-ops until that run ends, after
    which the next tick lies in the future, so several workers still run each tick once.
    """
    jobs = list(jobs)
    functions = [(job.name, _runner(job.name)) for job in jobs]
    cron_jobs = [CronJob(runner, cron=job.cron, timeout=int(job.timeout) + TIMEOUT_MARGIN, retries=job.retries + 1,
                         heartbeat=settings.QUEUE_HEARTBEAT)
                 for job, (_, runner) in zip(jobs, functions, strict=True) if job.cron is not None]
    grace = int(max((job.timeout for job in jobs), default=60)) + TIMEOUT_MARGIN
    return Worker(backend.queue(queue), functions, concurrency=concurrency, shutdown_grace_period_s=grace,
                  cron_jobs=cron_jobs,
                  timers=cast(PartialTimersDict, {"sweep": settings.QUEUE_HEARTBEAT}), dequeue_timeout=1.0)
