"""Background jobs: `@job` declares one, `await fn.dispatch(...)` queues it; see docs/jobs.md.

    from core.jobs import job

    @job(retries=3, backoff=2.0, timeout=30)
    async def send_welcome(user_id: int) -> None: ...

    await send_welcome.dispatch(user_id=7)
"""

from core.jobs.errors import JobArgumentError, JobError
from core.jobs.spec import Job, job

__all__ = ["Job", "JobArgumentError", "JobError", "job"]
