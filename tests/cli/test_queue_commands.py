"""queue:status, queue:failed, queue:retry, queue:forget and queue:flush on the `failed_jobs` of every engine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis

from core.jobs.backend import use_backend
from core.jobs.embedded import EmbeddedBackend
from core.models import FailedJob
from core.settings import settings
from core.testing.engines import engine_database
from tests.support.queue_jobs import REDIS_URL, refused_unless_allowed
from tests.support.site_copy import ROOT, TEST_SECRET, SiteCopy, copy_site, database_environment, site_environment

JOB = "tests.support.queue_jobs.refused_unless_allowed"


@pytest.fixture
def site(db: str, tmp_path: Path) -> SiteCopy:
    """A site copy on the test's own database, whose jobs/ holds the job these tests fail."""
    root = copy_site(tmp_path)
    (root / "rootsystem/application/jobs/retry_jobs.py").write_text(
        '"""The retry tests\' job."""\n\nfrom tests.support.queue_jobs import refused_unless_allowed\n\n'
        '__all__ = ["refused_unless_allowed"]\n'
    )
    database = engine_database(db)
    environ = site_environment({**database_environment(database), "DEBUG": "true", "SECRET_KEY": TEST_SECRET,
                                "PYTHONPATH": str(ROOT), "QUEUE_URL": "", "REDIS_URL": ""}, tmp_path)
    return SiteCopy(root, database, environ)


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddedBackend]:
    monkeypatch.setattr(settings.module(), "QUEUE_URL", "", raising=False)
    backend = EmbeddedBackend()
    use_backend(backend)
    yield backend
    use_backend(None)


async def fail_jobs(backend: EmbeddedBackend, *numbers: int) -> list[int]:
    """Dispatch the job so that it fails for real, one after another; returns its failure records' ids."""
    for n in numbers:
        await refused_unless_allowed.dispatch(n=n)
        await backend.drain()
    return list(await FailedJob.all().order_by("id").values_list("id", flat=True))


def one_line_error(result: Any, *words: str) -> None:
    assert result.returncode == 1 and result.stdout == "" and result.stderr.count("\n") == 1, result
    for word in words:
        assert word in result.stderr


async def test_failed_lists_and_status_counts_the_records(site: SiteCopy, embedded: EmbeddedBackend) -> None:
    first, second = await fail_jobs(embedded, 1, 2)
    listing = site.run("queue:failed").stdout.splitlines()
    assert listing[0].split() == ["ID", "FAILED", "AT", "(UTC)", "JOB", "QUEUE", "ATTEMPTS", "EXCEPTION"]
    assert [line.split()[0] for line in listing[1:]] == [str(second), str(first)]  # newest first
    assert JOB in listing[1] and "nori-test-retry" in listing[1] and listing[1].endswith("RuntimeError: refused 2")
    assert site.run("queue:failed", "--queue", "other").stdout == "No failed jobs.\n"

    status = {line.split()[0]: line.split()[1:] for line in site.run("queue:status").stdout.splitlines()[1:-1]}
    assert status["nori-test-retry"] == ["-", "-", "-", "2"] and status["default"] == ["-", "-", "-", "0"]


async def test_retry_runs_the_job_again_and_removes_its_record(site: SiteCopy, embedded: EmbeddedBackend) -> None:
    done_key = f"nori:t14:done:{uuid.uuid4().hex}"
    client = redis.from_url(REDIS_URL)
    try:
        first, second = await fail_jobs(embedded, 1, 2)
        result = site.run("queue:retry", str(first), T_ALLOW="1", T_DONE=done_key)
        assert f"Retried failed job {first} ({JOB})" in result.stdout
        assert await client.hget(done_key, "1") == b"1"  # run, with its arguments, before the command exited
        assert list(await FailedJob.all().values_list("id", flat=True)) == [second]

        site.run("queue:retry", "all", T_DONE=done_key)  # still refused: it fails again and is recorded again
        [again] = await FailedJob.all()
        assert again.id > second and again.kwargs == {"n": 2} and again.exception == "RuntimeError: refused 2"
        assert site.run("queue:retry", "all", T_ALLOW="1", T_DONE=done_key).returncode == 0
        assert await FailedJob.all().count() == 0 and await client.hget(done_key, "2") == b"1"
        assert site.run("queue:retry", "all").stdout == "No failed jobs to retry.\n"
    finally:
        await client.delete(done_key, f"{done_key}:by")
        await client.aclose()


async def test_forget_deletes_one_record_and_an_unknown_id_is_one_line(site: SiteCopy,
                                                                       embedded: EmbeddedBackend) -> None:
    first, second = await fail_jobs(embedded, 1, 2)
    assert site.run("queue:forget", str(first)).stdout == f"Forgot failed job {first} ({JOB})\n"
    assert list(await FailedJob.all().values_list("id", flat=True)) == [second]
    for command in ("queue:forget", "queue:retry"):
        for unknown in (str(first), "nope"):
            one_line_error(site.run(command, unknown, expect=None), f"no failed job with id {unknown!r}")
    assert await FailedJob.all().count() == 1


async def test_flush_asks_on_a_terminal_unless_forced(site: SiteCopy, embedded: EmbeddedBackend) -> None:
    await fail_jobs(embedded, 1, 2)
    refused = site.run_on_terminal("queue:flush", answer=b"n\n", DEBUG="false")
    assert refused.returncode == 1 and "Delete 2 failed job record(s)" in refused.stdout
    assert "Cancelled; nothing was deleted" in refused.stderr and await FailedJob.all().count() == 2
    other = site.run("queue:flush", "--queue", "other", "--force").stdout
    assert other == "Deleted 0 failed job record(s) of queue 'other'.\n"
    forced = site.run_on_terminal("queue:flush", "--force", answer=b"", DEBUG="false")
    assert forced.returncode == 0 and "Deleted 2 failed job record(s)." in forced.stdout
    assert await FailedJob.all().count() == 0


async def test_status_counts_queued_and_scheduled_jobs_in_redis(site: SiteCopy, embedded: EmbeddedBackend,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    await fail_jobs(embedded, 1)
    client = redis.from_url(REDIS_URL)
    monkeypatch.setattr(settings.module(), "QUEUE_URL", REDIS_URL, raising=False)
    use_backend(None)
    try:
        await refused_unless_allowed.dispatch(n=2)
        await refused_unless_allowed.dispatch(n=3, delay=600)
        lines = site.run("queue:status", QUEUE_URL=REDIS_URL).stdout.splitlines()
        status = {line.split()[0]: line.split()[1:] for line in lines[1:]}
        assert status["nori-test-retry"] == ["1", "0", "1", "1"] and status["default"] == ["0", "0", "0", "0"]
    finally:
        from core.jobs.backend import current_backend

        await current_backend().close()
        use_backend(None)
        for key in await client.keys("saq:nori-test-retry*"):
            await client.delete(key)
        await client.aclose()
