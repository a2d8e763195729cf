"""The in-process driver: with no queue server configured, jobs run on the app's own event loop.

Like Laravel's `sync` driver, a new site works with no server; unlike it, a job runs after
`dispatch` returns (so after the response that dispatched it), with the same retries, backoff,
timeout and failure records as the Redis worker. What it cannot give is durability: a process
that dies takes its pending jobs with it, which is why production sets QUEUE_URL.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from core.compat.tortoise import leave_transactions
from core.http.context import detached_context
from core.jobs.attempts import retry_delay, run_attempt
from core.jobs.failures import Failure, record_failure
from core.jobs.spec import Job, Options

FailureSink = Callable[[Failure], Awaitable[None]]


@dataclass
class EmbeddedBackend:
    """`on_failure` receives each job that used every attempt: `failed_jobs` (tests may keep them instead)."""

    on_failure: FailureSink = record_failure
    pending: set[asyncio.Task[None]] = field(default_factory=set)
    unique: dict[str, str] = field(default_factory=dict)

    async def dispatch(self, job: Job, kwargs: dict[str, Any], options: Options) -> str | None:
        if options.unique_key is not None and options.unique_key in self.unique:
            return None
        job_id = options.job_id
        if options.unique_key is not None:
            self.unique[options.unique_key] = job_id
        context = detached_context()
        context.run(leave_transactions)
        task = asyncio.get_running_loop().create_task(self._run(job, job_id, kwargs, options), context=context)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return job_id

    async def _run(self, job: Job, job_id: str, kwargs: dict[str, Any], options: Options) -> None:
        await asyncio.sleep(options.delay)  # even 0: the dispatching code (and its response) goes first
        try:
            for attempt in range(job.retries + 1):
                try:
                    await run_attempt(job, job_id, kwargs)
                    return
                except Exception:
                    if attempt == job.retries:
                        await self.on_failure(Failure(job_id, job.name, job.queue, kwargs, traceback.format_exc(),
                                                      attempt + 1))
                        return
                    await asyncio.sleep(retry_delay(job, attempt + 1))
        finally:
            if options.unique_key is not None:
                self.unique.pop(options.unique_key, None)

    async def drain(self) -> None:
        """Wait until every dispatched job (and any job they dispatch) has finished."""
        while self.pending:
            await asyncio.gather(*list(self.pending))

    async def close(self) -> None:
        """Let the jobs still pending finish (a command that dispatched some must not exit under them)."""
        await self.drain()
