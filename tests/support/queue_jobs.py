"""Jobs the queue tests dispatch; a site copy's `jobs/` imports this module so its worker runs them too.

Their side effect is a counter per argument in Redis (db 4, the hash `T_DONE` names), written at the
very end of each job, so a test counts how many runs of each job reached their end.
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
        await client.hincrby(os.environ.get("T_DONE", "nori:t:done"), str(n), 1)
    finally:
        await client.aclose()


@job(retries=3, timeout=30, backoff=0.1, queue="nori-test-crash")
async def slow_step(n: int) -> None:
    await asyncio.sleep(0.3)
    await mark_done(n)
