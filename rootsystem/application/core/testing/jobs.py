"""Jobs in a site's tests: record what was dispatched, then run it here, synchronously, when asked.

    async def test_signup_mails(client, jobs):
        await client.post("/signup", data=...)
        jobs.assert_dispatched(send_welcome, user_id=1)
        await jobs.run()          # with their retries and timeouts; failures in jobs.failed, not failed_jobs

The `jobs` fixture installs a recorder in place of the configured driver, so a test needs no
Redis and no worker and sees every dispatch, including those made by the jobs it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from core.jobs.embedded import EmbeddedBackend
from core.jobs.failures import Failure
from core.jobs.spec import Job, Options


@dataclass(frozen=True)
class Dispatched:
    job: Job
    kwargs: dict[str, Any]
    options: Options


@dataclass
class JobRecorder:
    dispatched: list[Dispatched] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    _waiting: list[Dispatched] = field(default_factory=list)
    _runner: EmbeddedBackend = field(init=False)

    def __post_init__(self) -> None:
        self._runner = EmbeddedBackend(on_failure=self._remember_failure)

    async def _remember_failure(self, failure: Failure) -> None:
        """Kept in `failed` rather than `failed_jobs`, so a test sees its own failures only."""
        self.failed.append(failure)

    async def dispatch(self, job: Job, kwargs: dict[str, Any], options: Options) -> str | None:
        record = Dispatched(job, kwargs, options)
        self.dispatched.append(record)
        self._waiting.append(record)
        return f"recorded-{len(self.dispatched)}"

    def assert_dispatched(self, job: Job, **kwargs: Any) -> None:
        """Fail unless `job` was dispatched (with exactly `kwargs`, when given)."""
        calls = [d.kwargs for d in self.dispatched if d.job is job]
        if not calls or (kwargs and kwargs not in calls):
            raise AssertionError(f"{job.name} was not dispatched with {kwargs}; dispatched: {calls}")

    async def run(self) -> None:
        """Run every waiting job now (delays skipped), and what those jobs dispatch, until none is left."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            for record in batch:
                await self._runner.dispatch(record.job, record.kwargs, replace(record.options, delay=0.0))
            await self._runner.drain()

    async def close(self) -> None:
        """Nothing to release: `run()` already waited for what it started."""
