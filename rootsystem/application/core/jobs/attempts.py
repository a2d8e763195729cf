"""One attempt of a job, as every driver runs it: a timeout, a log line, the audit rows flushed.

Shared by the in-process driver and the Redis worker so a job behaves the same on a laptop and
in a cluster. The log line is written with the job id as the request id of its context, so every
line the job logs can be traced to it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from core.audit import flush
from core.http.context import request_id_context
from core.jobs.spec import Job

logger = logging.getLogger("nori.jobs")


def retry_delay(job: Job, attempt: int) -> float:
    """Seconds before retry number `attempt` (1-based): `backoff`, doubled at each further attempt."""
    return float(job.backoff * 2 ** (attempt - 1))


async def run_attempt(job: Job, job_id: str, kwargs: dict[str, Any]) -> Any:
    """Run `job` once within its timeout; a timeout raises TimeoutError, a failure its own error."""
    started = time.perf_counter()
    with request_id_context(job_id):
        try:
            result = await asyncio.wait_for(job.function(**kwargs), job.timeout)
        except BaseException as error:
            outcome = "timeout" if isinstance(error, TimeoutError) else f"failed {type(error).__name__}"
            logger.warning("job %s %s %.1fms %s", job.name, job_id, (time.perf_counter() - started) * 1000, outcome)
            raise
        finally:
            await flush()
        logger.info("job %s %s %.1fms done", job.name, job_id, (time.perf_counter() - started) * 1000)
        return result
