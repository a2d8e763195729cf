"""Background jobs: the in-process driver, the Redis driver on a real Redis, and a worker killed mid-job."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis
from tortoise.context import TortoiseContext
from tortoise.transactions import atomic, in_transaction

from core.jobs import JobArgumentError, JobError, job
from core.jobs.backend import current_backend, use_backend
from core.jobs.embedded import EmbeddedBackend
from core.jobs.failures import Failure, record_failure
from core.models import FailedJob
from core.settings import settings
from tests.support.models import Owner
from tests.support.queue_jobs import REDIS_URL, slow_step
from tests.support.server import site_environment
from tests.support.site_copy import ROOT, TEST_SECRET, copy_site

attempts: list[str] = []


@job(retries=2, backoff=0.01)
async def flaky(name: str, fail_times: int) -> str:
    attempts.append(name)
    if attempts.count(name) <= fail_times:
        raise RuntimeError(f"{name} failed")
    return name


@job(timeout=0.05)
async def too_slow() -> None:
    await asyncio.sleep(5)


@job()
async def write_author(name: str) -> None:
    await Owner.create(name=name)


@job()
async def chain(name: str) -> None:
    await write_author.dispatch(name=f"{name}-child")


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(settings.module(), "QUEUE_URL", "", raising=False)
    backend = EmbeddedBackend()
    use_backend(backend)
    yield backend
    use_backend(None)


async def test_no_queue_url_runs_jobs_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings.module(), "QUEUE_URL", "", raising=False)
    use_backend(None)
    assert isinstance(current_backend(), EmbeddedBackend)


async def test_a_job_runs_after_dispatch_returns(embedded: EmbeddedBackend) -> None:
    attempts.clear()
    job_id = await flaky.dispatch(name="later", fail_times=0)
    assert job_id and attempts == []  # nothing ran inside dispatch: the response goes first
    await embedded.drain()
    assert attempts == ["later"]


async def test_retries_until_success_and_failure_after_the_last(db: str, embedded: EmbeddedBackend) -> None:
    attempts.clear()
    await flaky.dispatch(name="twice", fail_times=2)
    failing = await flaky.dispatch(name="always", fail_times=9)
    await embedded.drain()
    assert attempts.count("twice") == 3 and attempts.count("always") == 3
    record = await FailedJob.get(job_id=failing)
    assert await FailedJob.all().count() == 1
    assert (record.name, record.queue, record.kwargs, record.attempts) == (
        "tests.test_jobs.flaky", "default", {"name": "always", "fail_times": 9}, 3)
    assert record.exception == "RuntimeError: always failed"
    assert record.traceback.startswith("Traceback") and "in flaky" in record.traceback
    assert record.failed_at is not None


async def test_a_timeout_counts_as_a_failure(db: str, embedded: EmbeddedBackend) -> None:
    job_id = await too_slow.dispatch()
    await embedded.drain()
    record = await FailedJob.get(job_id=job_id)
    assert record.exception.startswith("TimeoutError") and record.attempts == 1


async def test_a_failure_record_that_cannot_be_written_is_logged_whole(caplog: pytest.LogCaptureFixture) -> None:
    failure = Failure("id-1", "jobs.mail.send", "mail", {"user_id": 7}, "Traceback ...\nOSError: down\n", 4)
    async with TortoiseContext():  # a context with no ORM open: the table cannot be reached
        await record_failure(failure)
    [line] = [r for r in caplog.records if r.name == "nori.jobs"]
    assert line.levelname == "ERROR" and "NOT written" in line.getMessage()
    for part in ("jobs.mail.send", "id-1", "4 attempt(s)", "mail", '{"user_id": 7}', "OSError: down"):
        assert part in line.getMessage()


@pytest.mark.parametrize("kwargs", [{"name": object()}, {"name": (1, 2)}, {"name": float("nan")}])
async def test_arguments_a_queue_cannot_carry_fail_at_dispatch(embedded: EmbeddedBackend, kwargs: Any) -> None:
    with pytest.raises(JobArgumentError, match="JSON"):
        await flaky.dispatch(fail_times=0, **kwargs)
    assert not embedded.pending


async def test_at_must_be_aware(embedded: EmbeddedBackend) -> None:
    import datetime

    with pytest.raises(JobArgumentError, match="time zone"):
        await flaky.dispatch(name="x", fail_times=0, at=datetime.datetime.now())


async def test_a_job_reads_and_writes_models_and_dispatches_another(db: str, embedded: EmbeddedBackend) -> None:
    await chain.dispatch(name="parent")
    await embedded.drain()
    assert await Owner.filter(name="parent-child").count() == 1


async def test_unique_job_dispatched_ten_times_in_parallel_is_queued_once(embedded: EmbeddedBackend) -> None:
    attempts.clear()
    ids = await asyncio.gather(*(flaky.dispatch(name="once", fail_times=0, unique_key="k") for _ in range(10)))
    await embedded.drain()
    assert sum(job_id is not None for job_id in ids) == 1 and attempts == ["once"]


async def test_the_recorder_asserts_and_runs_jobs(db: str, jobs: Any) -> None:
    await chain.dispatch(name="rec")
    jobs.assert_dispatched(chain, name="rec")
    with pytest.raises(AssertionError):
        jobs.assert_dispatched(write_author)
    await jobs.run()
    jobs.assert_dispatched(write_author, name="rec-child")
    assert await Owner.filter(name="rec-child").count() == 1 and jobs.failed == []


async def test_a_dispatch_in_a_transaction_waits_for_the_commit(db: str, embedded: EmbeddedBackend) -> None:
    """Held until the commit, then run on the job's own connection (the transaction has ended by then)."""
    async with in_transaction():
        job_id = await write_author.dispatch(name="committed")
        await Owner.create(name="row")
        await asyncio.sleep(0.05)
        assert not embedded.pending and job_id  # nothing queued yet, but the id is known
    assert embedded.pending
    await embedded.drain()
    assert await Owner.filter(name="committed").count() == 1 and await FailedJob.all().count() == 0


async def test_a_dispatch_in_a_transaction_that_rolls_back_runs_nothing(db: str, embedded: EmbeddedBackend) -> None:
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await write_author.dispatch(name="rolled")
            raise RuntimeError("roll back")
    await asyncio.sleep(0.05)
    await embedded.drain()
    assert await Owner.filter(name="rolled").count() == 0 and not embedded.pending


async def test_atomic_holds_dispatches_too_and_outside_a_transaction_they_go_at_once(
        db: str, embedded: EmbeddedBackend) -> None:
    @atomic()
    async def sign_up(name: str, fail: bool) -> None:
        await write_author.dispatch(name=name)
        if fail:
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        await sign_up("refused", True)
    await sign_up("accepted", False)
    await write_author.dispatch(name="direct")
    assert len(embedded.pending) == 2
    await embedded.drain()
    assert sorted(await Owner.all().values_list("name", flat=True)) == ["accepted", "direct"]


# --- Redis (saq) ----------------------------------------------------------------------------------------


@pytest.fixture
async def queue_redis() -> Any:
    client = redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:
        await client.aclose()
        if os.environ.get("NORI_TEST_REDIS") == "required":
            pytest.fail(f"Redis at {REDIS_URL} is not reachable: {error}", pytrace=False)
        pytest.skip(f"Redis at {REDIS_URL} is not reachable")
    for key in await client.keys("saq:*nori-test-*"):
        await client.delete(key)
    yield client
    for key in await client.keys("saq:*nori-test-*"):
        await client.delete(key)
    await client.aclose()


def start_worker(site: Path, done_key: str, *args: str) -> subprocess.Popen[str]:
    env = site_environment({"SECRET_KEY": TEST_SECRET, "QUEUE_URL": REDIS_URL, "QUEUE_HEARTBEAT": "2",
                            "T_DONE": done_key, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
                            "DB_NAME": str(site / "jobs.sqlite3")}, site.parent)
    log = site / f"worker-{uuid.uuid4().hex}.log"  # a file, not a pipe nobody reads: a full pipe blocks the worker
    with log.open("w") as output:
        worker = subprocess.Popen([sys.executable, "nori.py", "queue:work", "--queue", "nori-test-crash", *args],
                                  cwd=site, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
    worker.log = log  # type: ignore[attr-defined]
    return worker


def stop_left_running(workers: list[subprocess.Popen[str]]) -> None:
    """Kill whatever worker a failed test left running, so the next test starts with none."""
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def output_of(worker: subprocess.Popen[str], timeout: float = 60) -> str:
    worker.wait(timeout)
    return worker.log.read_text()  # type: ignore[attr-defined]


@pytest.fixture
def worker_site(tmp_path: Path) -> Path:
    site = copy_site(tmp_path)
    (site / "rootsystem/application/jobs/crash_jobs.py").write_text(
        '"""The queue tests\' jobs."""\n\nfrom tests.support.queue_jobs import slow_step\n\n__all__ = ["slow_step"]\n'
    )
    return site


async def wait_for(condition: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


async def test_a_worker_killed_mid_job_loses_nothing(queue_redis: Any, worker_site: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    done_key = f"nori:t14:done:{uuid.uuid4().hex}"
    monkeypatch.setattr(settings.module(), "QUEUE_URL", REDIS_URL, raising=False)
    monkeypatch.setattr(settings.module(), "QUEUE_HEARTBEAT", 2, raising=False)  # the workers' value
    use_backend(None)
    workers = [start_worker(worker_site, done_key, "--concurrency", "10") for _ in range(2)]
    try:
        for n in range(200):
            assert await slow_step.dispatch(n=n)

        async def some_done() -> bool:
            return int(await queue_redis.hlen(done_key)) >= 20

        await wait_for(some_done, 60)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()

        async def all_done() -> bool:
            return int(await queue_redis.hlen(done_key)) == 200

        await wait_for(all_done, 60)  # the killed worker's jobs come back after ~2 x QUEUE_HEARTBEAT
        counts = {int(k): int(v) for k, v in (await queue_redis.hgetall(done_key)).items()}
        assert sorted(counts) == list(range(200))
        # At least once: a job may run again only if the killed worker reached its end and died
        # before saying so (at most one per slot); the surviving worker never runs a job twice.
        runs = [entry.decode().split(":") for entry in await queue_redis.lrange(f"{done_key}:by", 0, -1)]
        again = {n for n, count in counts.items() if count > 1}
        assert set(counts.values()) <= {1, 2} and len(again) <= 10, counts
        for n in again:
            assert sorted(pid for m, pid in runs if int(m) == n) == sorted(str(w.pid) for w in workers), runs
        workers[1].send_signal(signal.SIGTERM)
        output = output_of(workers[1])
        assert workers[1].returncode == 0, output
        assert "job tests.support.queue_jobs.slow_step " in output and " done" in output
    finally:
        stop_left_running(workers)
        await queue_redis.delete(done_key, f"{done_key}:by")
        await current_backend().close()  # type: ignore[attr-defined]
        use_backend(None)


async def test_a_job_being_claimed_is_not_swept_but_one_left_unclaimed_is(
        queue_redis: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.jobs.redis import SweepingQueue

    monkeypatch.setattr(settings.module(), "QUEUE_HEARTBEAT", 1, raising=False)  # the sweep lock's life
    queue = SweepingQueue.from_url(REDIS_URL, name="nori-test-claim")
    try:
        queued = await queue.enqueue("tests.support.queue_jobs.slow_step", n=1)
        assert queued is not None
        # What a worker's dequeue does first; it marks the job active a moment later.
        await queue_redis.lmove("saq:nori-test-claim:queued", "saq:nori-test-claim:active", "LEFT", "RIGHT")

        assert await queue.sweep() == []  # a worker is claiming it: running it twice would follow
        assert await queue_redis.lrange("saq:nori-test-claim:active", 0, -1) == [queued.id.encode()]

        await asyncio.sleep(1.1)  # the next sweep: still unclaimed, so its worker died in between
        assert await queue.sweep() == [queued.id]
        assert await queue_redis.lrange("saq:nori-test-claim:queued", 0, -1) == [queued.id.encode()]
    finally:
        await queue.disconnect()


async def test_sigterm_lets_the_running_job_finish(queue_redis: Any, worker_site: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    done_key = f"nori:t14:done:{uuid.uuid4().hex}"
    monkeypatch.setattr(settings.module(), "QUEUE_URL", REDIS_URL, raising=False)
    use_backend(None)
    worker = start_worker(worker_site, done_key)
    try:
        async def started() -> bool:
            return "slow_step" in worker.log.read_text()  # type: ignore[attr-defined]

        await slow_step.dispatch(n=1)
        await wait_for(started, 60)  # saq logs "Processing" as it takes the job, which runs 0.3 s
        worker.send_signal(signal.SIGTERM)
        output = output_of(worker)
        assert worker.returncode == 0, output
        assert await queue_redis.hget(done_key, "1") == b"1"
    finally:
        stop_left_running([worker])
        await queue_redis.delete(done_key, f"{done_key}:by")
        await current_backend().close()  # type: ignore[attr-defined]
        use_backend(None)


@job(retries=1, backoff=0.01, queue="nori-test-fail")
async def always_fails(n: int) -> None:
    attempts.append(f"fail-{n}")
    raise ValueError(f"bad {n}")


@job(timeout=0.1, queue="nori-test-fail")
async def hangs() -> None:
    await asyncio.sleep(5)


async def test_redis_failures_are_recorded_and_survive_a_redis_flush(db: str, queue_redis: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from core.jobs.failures import retry_failed
    from core.jobs.redis import RedisBackend, build_worker

    monkeypatch.setattr(settings.module(), "QUEUE_URL", REDIS_URL, raising=False)
    use_backend(None)
    attempts.clear()
    worker_backend = RedisBackend(REDIS_URL)
    worker = build_worker(worker_backend, "nori-test-fail", [always_fails, hangs], 2)
    running = asyncio.create_task(worker.start())
    try:
        failing = await always_fails.dispatch(n=3)
        slow = await hangs.dispatch()

        async def both_recorded() -> bool:
            return await FailedJob.all().count() == 2

        await wait_for(both_recorded, 30)
    finally:
        worker.event.set()
        await running
        await worker_backend.close()
    await queue_redis.flushdb()  # the queue forgets everything; the records stay
    records = {record.job_id: record for record in await FailedJob.all()}
    assert (records[failing].name, records[failing].queue, records[failing].kwargs) == (
        "tests.test_jobs.always_fails", "nori-test-fail", {"n": 3})
    assert records[failing].attempts == 2 and attempts == ["fail-3", "fail-3"]
    assert records[failing].exception == "ValueError: bad 3" and "in always_fails" in records[failing].traceback
    assert records[slow].exception.startswith("TimeoutError") and records[slow].attempts == 1

    dispatcher = current_backend()
    try:
        assert await retry_failed(records[failing])
        assert (await dispatcher.counts("nori-test-fail")).queued == 1  # type: ignore[attr-defined]
        assert not await FailedJob.filter(id=records[failing].id).exists()
    finally:
        await dispatcher.close()
        use_backend(None)


async def test_a_job_lost_on_its_last_attempt_is_recorded(db: str, queue_redis: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Its worker died mid-job with no attempt left: the sweep ends it, and it is a failure like any other."""
    from core.jobs.redis import LOST_ERROR, SweepingQueue

    monkeypatch.setattr(settings.module(), "QUEUE_HEARTBEAT", 1, raising=False)
    queue = SweepingQueue.from_url(REDIS_URL, name="nori-test-lost", swept_error_message=LOST_ERROR)
    try:
        queued = await queue.enqueue("tests.test_jobs.hangs", retries=1, heartbeat=1)
        assert queued is not None
        taken = await queue.dequeue()  # what a worker does, before it is killed: active, then silence
        assert taken is not None
        taken.attempts = 1
        await taken.update(status="active", touched=int(time.time() * 1000) - 5000)  # saq status, as text
        assert await queue.sweep() == [queued.id]
    finally:
        await queue.disconnect()
    [record] = await FailedJob.all()
    assert (record.job_id, record.name, record.queue, record.attempts) == (
        queued.key, "tests.test_jobs.hangs", "nori-test-lost", 1)
    assert record.exception == LOST_ERROR


DISPATCHER = """
import asyncio, json, sys, time
sys.path.insert(0, "rootsystem/application")
from core.jobs.backend import current_backend
from tests.support.queue_jobs import slow_step, unique_step

async def main(first: int, together_at: float) -> None:
    ids = [await slow_step.dispatch(n=n) for n in range(first, first + 50)]
    await asyncio.sleep(max(together_at - time.time(), 0))
    unique = await asyncio.gather(*(unique_step.dispatch(n=1000, unique_key="nori-test-once") for _ in range(5)))
    await current_backend().close()
    print(json.dumps({"ids": ids, "unique": unique}))

asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
"""


def run_dispatchers(site: Path, env: dict[str, str], together_at: str) -> list[Any]:
    """Two app processes at once, the first dispatching jobs 0-49, the second 50-99; what each printed."""
    import json

    apps = [subprocess.Popen([sys.executable, "-c", DISPATCHER, str(first), together_at], cwd=site, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for first in (0, 50)]
    answers = [app.communicate(timeout=60) for app in apps]
    assert [app.returncode for app in apps] == [0, 0], answers
    return [json.loads(out) for out, _ in answers]


async def test_two_app_processes_and_two_workers_run_each_job_once(queue_redis: Any, worker_site: Path) -> None:
    """Each app process dispatches 50 jobs, then 5 of one unique job at the same moment as the other."""
    done_key = f"nori:t14:done:{uuid.uuid4().hex}"
    workers = [start_worker(worker_site, done_key, "--concurrency", "5") for _ in range(2)]
    env = site_environment({"SECRET_KEY": TEST_SECRET, "QUEUE_URL": REDIS_URL, "PYTHONPATH": str(ROOT),
                            "DB_NAME": str(worker_site / "jobs.sqlite3")}, worker_site.parent)
    together_at = str(time.time() + 6)  # both processes are up by then, even on a busy machine
    try:
        results = run_dispatchers(worker_site, env, together_at)
        assert all(len(set(result["ids"])) == 50 and None not in result["ids"] for result in results)
        unique = [job_id for result in results for job_id in result["unique"]]
        assert len(unique) == 10 and [job_id for job_id in unique if job_id is not None] == ["nori-test-once"]

        async def all_done() -> bool:
            return int(await queue_redis.hlen(done_key)) == 101

        await wait_for(all_done, 60)
        await asyncio.sleep(2.5)  # a second run of the unique job, were there one, would end by now
        counts = {int(k): int(v) for k, v in (await queue_redis.hgetall(done_key)).items()}
        assert sorted(counts) == [*range(100), 1000] and set(counts.values()) == {1}, counts
        runs = [entry.decode().split(":") for entry in await queue_redis.lrange(f"{done_key}:by", 0, -1)]
        assert {pid for _, pid in runs} == {str(worker.pid) for worker in workers}  # both workers took jobs
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [output_of(worker) for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0], outputs
    finally:
        stop_left_running(workers)
        await queue_redis.delete(done_key, f"{done_key}:by")


def test_queue_work_without_a_queue_url_is_one_line(worker_site: Path) -> None:
    env = site_environment({"SECRET_KEY": TEST_SECRET}, worker_site.parent)
    env.pop("QUEUE_URL", None)
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "nori.py", "queue:work"], cwd=worker_site, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "QUEUE_URL" in result.stderr


# --- Scheduled jobs ---------------------------------------------------------------------------------------


def test_a_bad_cron_expression_fails_at_decoration() -> None:
    with pytest.raises(JobError, match=r"cron='61 \* \* \* \*'\) is not a cron expression"):
        job(cron="61 * * * *")


def write_cron_jobs(site: Path) -> None:
    (site / "rootsystem/application/jobs/cron_jobs.py").write_text(
        '"""The scheduler tests\' jobs."""\n\nfrom tests.support.cron_jobs import every_two_seconds\n\n'
        '__all__ = ["every_two_seconds"]\n'
    )


async def test_two_workers_run_each_tick_of_a_cron_job_once(queue_redis: Any, worker_site: Path) -> None:
    write_cron_jobs(worker_site)
    done_key = f"nori:t14:done:{uuid.uuid4().hex}"
    workers = [start_worker(worker_site, done_key, "--queue", "nori-test-cron") for _ in range(2)]
    try:
        async def three_ticks() -> bool:
            return int(await queue_redis.hlen(done_key)) >= 3

        await wait_for(three_ticks, 60)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [output_of(worker) for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0], outputs
        counts = {int(k): int(v) for k, v in (await queue_redis.hgetall(done_key)).items()}
        assert set(counts.values()) == {1}, counts  # without saq's per-job key each tick would run twice
    finally:
        stop_left_running(workers)
        await queue_redis.delete(done_key, f"{done_key}:by")


def test_schedule_list_prints_each_cron_job_with_its_next_run(worker_site: Path) -> None:
    write_cron_jobs(worker_site)
    env = site_environment({"SECRET_KEY": TEST_SECRET, "PYTHONPATH": str(ROOT)}, worker_site.parent)
    result = subprocess.run([sys.executable, "nori.py", "schedule:list"], cwd=worker_site, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["JOB", "QUEUE", "CRON", "NEXT", "RUN", "(UTC)"]
    row = next(line for line in lines if "every_two_seconds" in line)
    assert "tests.support.cron_jobs.every_two_seconds" in row and "nori-test-cron" in row and "* * * * * */2" in row
    assert "slow_step" not in result.stdout  # a job without cron= is not scheduled
    import datetime

    next_run = datetime.datetime.fromisoformat(row.split()[-1])
    assert next_run.tzinfo is not None and next_run.second % 2 == 0
