"""Jobs the queue tests dispatch; a site copy's `jobs/` imports this module so its worker runs them too.

Their side effect is a counter per argument in Redis (db 4, the hash `T_DONE` names), written at the
very end of each job, so a test counts how many runs of each job reached their end; the list
`T_DONE:by` says which worker process ran each of those runs.
"""

from __future__ import annotations

import asyncio
import os

import redis.asyncio as redis

from core.jobs import job

REDIS_URL = os.environ.get("NORI_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


async def mark_done(n: int) -> None:
    client = redis.from_url(REDIS_URL)
    try:
        done_key = os.environ.get("T_DONE", "nori:t:done")
        await client.hincrby(done_key, str(n), 1)
        await client.rpush(f"{done_key}:by", f"{n}:{os.getpid()}")
    finally:
        await client.aclose()


@job(retries=3, timeout=30, backoff=0.1, queue="nori-test-crash")
async def slow_step(n: int) -> None:
    await asyncio.sleep(0.3)
    await mark_done(n)


@job(queue="nori-test-retry")
async def refused_unless_allowed(n: int) -> None:
    """Fails until the process running it has T_ALLOW set: a failure `queue:retry` can then fix."""
    if not os.environ.get("T_ALLOW"):
        raise RuntimeError(f"refused {n}")
    await mark_done(n)


@job(queue="nori-test-crash", timeout=30)
async def unique_step(n: int) -> None:
    """Long enough that ten dispatches made at one moment all find it still queued or running."""
    await asyncio.sleep(2)
    await mark_done(n)
