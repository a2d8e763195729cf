"""`@job`: a coroutine function declared as a background job, and the registry workers read.

A job is named by its module and function (`jobs.mail.send_welcome`), the name a queue stores,
so the process that dispatches and the worker that runs agree without sharing objects. The
arguments are checked here, at `dispatch`, because a value a queue cannot carry would otherwise
fail later in a worker, far from the code that made the mistake.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from croniter import croniter

from core.compat.tortoise import after_commit
from core.jobs.errors import JobArgumentError, JobError

JobFunction = Callable[..., Awaitable[Any]]
_registry: dict[str, Job] = {}


@dataclass(frozen=True)
class Options:
    """How one dispatch is queued: when it may start, the key that keeps it unique, and its id.

    The id is chosen here, not by the driver, so a dispatch held until its transaction commits
    can return the id the job will have; a unique job's id is its key, as in saq.
    """

    delay: float = 0.0
    unique_key: str | None = None
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def of(cls, delay: float | None, at: datetime.datetime | None, unique_key: str | None) -> Options:
        if delay is not None and at is not None:
            raise JobArgumentError("pass delay= or at=, not both")
        if at is not None:
            if at.tzinfo is None:
                raise JobArgumentError(f"at={at!r} has no time zone: pass an aware datetime")
            delay = (at - datetime.datetime.now(datetime.UTC)).total_seconds()
        if delay is not None and delay < 0 and at is None:
            raise JobArgumentError(f"delay={delay!r} is negative: use 0 or more seconds")
        delay = max(delay or 0.0, 0.0)
        return cls(delay, unique_key) if unique_key is None else cls(delay, unique_key, unique_key)


class Job:
    """A declared job: `await job.dispatch(**kwargs)` queues it; calling it runs it here and now."""

    def __init__(self, function: JobFunction, *, retries: int, backoff: float, timeout: float, queue: str,
                 cron: str | None) -> None:
        self.function = function
        self.name = f"{function.__module__}.{function.__qualname__}"
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.queue = queue
        self.cron = cron
        self.__doc__ = function.__doc__

    def __repr__(self) -> str:
        return f"<job {self.name} queue={self.queue!r}>"

    async def __call__(self, **kwargs: Any) -> Any:
        return await self.function(**kwargs)

    async def dispatch(self, *, delay: float | None = None, at: datetime.datetime | None = None,
                       unique_key: str | None = None, **kwargs: Any) -> str | None:
        """Queue one run; returns its id, or None when `unique_key` is already queued.

        Inside a transaction the run is queued when the transaction commits, and never if it
        rolls back, so a job never looks for rows that were not committed (or never will be).
        """
        from core.jobs.backend import current_backend

        check_arguments(self.name, kwargs)
        options = Options.of(delay, at, unique_key)
        backend = current_backend()
        if after_commit(lambda: backend.dispatch(self, kwargs, options)):
            return options.job_id
        return await backend.dispatch(self, kwargs, options)


def check_arguments(name: str, kwargs: dict[str, Any]) -> None:
    """Refuse what JSON cannot carry unchanged (a model, a datetime, a set...)."""
    try:
        text = json.dumps(kwargs, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise JobArgumentError(f"{name}: arguments must be JSON-safe (numbers, text, lists, dicts): {error}; "
                               "pass ids, not objects") from None
    if json.loads(text) != kwargs:
        raise JobArgumentError(f"{name}: arguments must survive JSON unchanged (tuples become lists, "
                               "keys become text); pass lists and text keys")


def job(*, retries: int = 0, backoff: float = 1.0, timeout: float = 60, queue: str = "default",
        cron: str | None = None) -> Callable[[JobFunction], Job]:
    """Declare a coroutine function as a job; see docs/jobs.md."""
    if retries < 0 or backoff < 0 or timeout <= 0:
        raise JobError("@job needs retries >= 0, backoff >= 0 and timeout > 0")
    if cron is not None and not croniter.is_valid(cron):
        # saq's worker checks too, but only when `queue:work` starts: here the mistake names its line.
        raise JobError(f"@job(cron={cron!r}) is not a cron expression: use five fields, e.g. '*/5 * * * *'")

    def declare(function: JobFunction) -> Job:
        declared = Job(function, retries=retries, backoff=backoff, timeout=timeout, queue=queue, cron=cron)
        _registry[declared.name] = declared
        return declared

    return declare


def next_run(cron: str, after: datetime.datetime) -> datetime.datetime:
    """When `cron` next fires after `after`, read in the time zone `after` carries (workers use UTC)."""
    return croniter(cron, after).get_next(datetime.datetime)


def registered_jobs() -> dict[str, Job]:
    return dict(_registry)


def job_named(name: str) -> Job:
    try:
        return _registry[name]
    except KeyError:
        raise JobError(f"no job named {name!r}: is its module in jobs/?") from None
