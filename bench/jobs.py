"""What does the job layer cost? Jobs through dispatch → worker → done, beside saq used directly.

Two workloads: a no-op job, and a job that inserts one row (a plain Tortoise model on a scratch
SQLite file, or --engine mysql/postgres). Each round runs both paths back to back, alternating
which goes first: `nori` dispatches `@job` functions with `.dispatch()` to a worker built by
`core.jobs.redis.build_worker` (argument checks, the after-commit check, heartbeats, the
timeout, the log line, the audit flush); `saq` enqueues bare functions with `Queue.enqueue` to a
plain `saq.Worker`. Both workers run in this process with the same concurrency, on the same
Redis, each on a queue of its own. A round dispatches --jobs jobs one after another and ends
when the last one is done; jobs/s is jobs over that time. The script prints medians, the median
of each round's ratio nori/saq (goal >= 0.9), and the latency of one `dispatch` (p50/p99, all
rounds) beside that of one `enqueue`.

    python3 bench/jobs.py --redis-url redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# `python3 bench/jobs.py` puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's `http` package (Starlette needs it): put the project's folders there.
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]
os.environ.setdefault("SECRET_KEY", "b" * 48)
os.environ.setdefault("LOG_LEVEL", "WARNING")

from saq import Queue, Worker  # noqa: E402

from bench.bare_models import Article  # noqa: E402
from core.database import DatabaseSettings, orm, tortoise_config  # noqa: E402
from core.jobs import job  # noqa: E402
from core.jobs.backend import use_backend  # noqa: E402
from core.jobs.redis import RedisBackend, build_worker  # noqa: E402
from core.testing.databases import recreate_database  # noqa: E402
from core.testing.engines import engine_database  # noqa: E402

TARGET = 0.9
CONCURRENCY = 10
done = {"count": 0, "goal": 0}
finished = asyncio.Event()


def count_one() -> None:
    done["count"] += 1
    if done["count"] == done["goal"]:
        finished.set()


@job(queue="bench-jobs-nori")
async def noop() -> None:
    count_one()


@job(queue="bench-jobs-nori")
async def insert_row(n: int) -> None:
    await Article.create(title="job", slug=f"nori-{n}-{uuid.uuid4().hex}", body="")
    count_one()


async def bare_noop(ctx: dict[str, Any]) -> None:
    count_one()


async def bare_insert_row(ctx: dict[str, Any], n: int) -> None:
    await Article.create(title="job", slug=f"saq-{n}-{uuid.uuid4().hex}", body="")
    count_one()


Round = tuple[float, list[float]]  # jobs/s, dispatch latencies in ms


Dispatch = Callable[[int], Awaitable[Any]]


async def measure(dispatch: Dispatch, jobs: int) -> Round:
    done.update(count=0, goal=jobs)
    finished.clear()
    latencies = []
    started = time.perf_counter()
    for n in range(jobs):
        before = time.perf_counter()
        await dispatch(n)
        latencies.append((time.perf_counter() - before) * 1000)
    await asyncio.wait_for(finished.wait(), 300)
    return jobs / (time.perf_counter() - started), latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def contenders(bare_queue: Queue) -> dict[str, dict[str, Dispatch]]:
    """Per workload, how each path dispatches job number n."""
    return {
        "no-op": {"nori": lambda n: noop.dispatch(), "saq": lambda n: bare_queue.enqueue("bare_noop")},
        "one-row insert": {"nori": lambda n: insert_row.dispatch(n=n),
                           "saq": lambda n: bare_queue.enqueue("bare_insert_row", n=n)},
    }


async def bench(args: argparse.Namespace, database: DatabaseSettings) -> dict[str, dict[str, list[Round]]]:
    from tortoise import Tortoise

    backend = RedisBackend(args.redis_url)
    use_backend(backend)
    bare_queue = Queue.from_url(args.redis_url, name="bench-jobs-saq")
    results: dict[str, dict[str, list[Round]]] = {}
    async with orm(tortoise_config(replace(database, extra_apps={"bench": ("bench.bare_models",)}))):
        await Tortoise.generate_schemas()
        workers = [build_worker(backend, "bench-jobs-nori", [noop, insert_row], CONCURRENCY),
                   Worker(bare_queue, [("bare_noop", bare_noop), ("bare_insert_row", bare_insert_row)],
                          concurrency=CONCURRENCY, dequeue_timeout=1.0)]
        running = [asyncio.create_task(worker.start()) for worker in workers]
        await asyncio.sleep(0.5)
        try:
            for workload, paths in contenders(bare_queue).items():
                for dispatch in paths.values():
                    await measure(dispatch, 200)  # warm-up: connections, scripts, statements
                results[workload] = {name: [] for name in paths}
                for number in range(args.rounds):
                    order = list(paths) if number % 2 == 0 else list(reversed(paths))
                    for name in order:
                        results[workload][name].append(await measure(paths[name], args.jobs))
        finally:
            for worker in workers:
                worker.event.set()
            await asyncio.gather(*running)
            await backend.close()
            await bare_queue.disconnect()
    return results


def report(args: argparse.Namespace, workload: str, results: dict[str, list[Round]]) -> None:
    ratios = sorted(nori[0] / bare[0] for nori, bare in zip(results["nori"], results["saq"], strict=True))
    where = "" if workload == "no-op" else f", {args.engine}"
    print(f"\n### {workload} jobs, dispatch → worker → done ({args.rounds} rounds x {args.jobs} jobs, "
          f"concurrency {CONCURRENCY}, worker in the dispatching process{where})\n")
    print("| path | jobs/s (median) | dispatch p50 ms | dispatch p99 ms |")
    print("|---|---:|---:|---:|")
    for name, label in (("nori", "core.jobs: @job .dispatch() + build_worker"), ("saq", "saq directly")):
        latencies = [ms for _, round_latencies in results[name] for ms in round_latencies]
        print(f"| {label} | {statistics.median(rate for rate, _ in results[name]):,.0f} | "
              f"{percentile(latencies, 0.5):.3f} | {percentile(latencies, 0.99):.3f} |")
    ratio = statistics.median(ratios)
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"\nnori/saq jobs/s: {ratio:.2f} (goal >= {TARGET}: {verdict}); per round {ratios[0]:.2f} to "
          f"{ratios[-1]:.2f}. Rounds alternate which path goes first; rerun on a quiet machine.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default=os.environ.get("QUEUE_URL") or "redis://127.0.0.1:6379/0")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2000, help="jobs per round and path")
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "mysql", "postgres"],
                        help="where the insert job writes (a scratch database)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        database = engine_database(args.engine, "_bench_jobs")
        if args.engine == "sqlite":
            database = database.with_name(str(Path(scratch) / "bench.sqlite3"))
        asyncio.run(recreate_database(database))
        for workload, results in asyncio.run(bench(args, database)).items():
            report(args, workload, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
