"""Queued mail: composed and checked at the call, carried by the `core.mail.jobs.send_mail` job to a
real SMTP server (aiosmtpd) by a real saq worker on Redis, retried and then recorded in failed_jobs
when the server refuses, and still seen by the `outbox` fixture with no worker running."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis
from tortoise.transactions import in_transaction

from core.jobs.backend import current_backend, use_backend
from core.jobs.embedded import EmbeddedBackend
from core.jobs.failures import retry_failed
from core.mail import AddressError, Attachment, send_mail
from core.mail import jobs as mail_jobs
from core.mail.transports import set_mail_transport, transport_from_url
from core.models import FailedJob
from core.settings import settings
from tests.support.queue_jobs import REDIS_URL
from tests.support.server import site_environment
from tests.support.site_copy import TEST_SECRET, copy_site
from tests.support.smtp import Inbox, free_port, smtp_server

ATTACHMENT = Attachment("table.bin", bytes(range(256)) * 4)  # every byte value: survives base64 and MIME


async def wait_for(condition: Callable[[], Awaitable[bool]], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


@pytest.fixture
async def mail_queue(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """QUEUE_URL on the test Redis, its `default` queue emptied before and after."""
    client = redis.from_url(REDIS_URL)

    async def empty() -> None:
        for key in await client.keys("saq:default*"):
            await client.delete(key)

    await empty()
    monkeypatch.setattr(settings.module(), "QUEUE_URL", REDIS_URL, raising=False)
    use_backend(None)
    try:
        yield REDIS_URL
    finally:
        use_backend(None)
        await empty()
        await client.aclose()


@pytest.fixture
def queue_url_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """QUEUE_URL set (so mail is queued by default), before the `jobs` recorder takes the queue's place."""
    monkeypatch.setattr(settings.module(), "QUEUE_URL", REDIS_URL, raising=False)


def smtp_url(port: int) -> str:
    return f"smtp://127.0.0.1:{port}?starttls=false&timeout=5"


def start_worker(site: Path, env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    """`nori.py queue:work` on the default queue; its output goes to `log` (a pipe nobody reads would fill)."""
    with log.open("w") as output:
        return subprocess.Popen([sys.executable, "nori.py", "queue:work"], cwd=site, env=env, stdout=output,
                                stderr=subprocess.STDOUT, text=True)


def arrived_or_exited(inbox: Inbox, worker: subprocess.Popen[str]) -> Callable[[], Awaitable[bool]]:
    async def condition() -> bool:
        return bool(inbox.received) or worker.poll() is not None

    return condition


async def test_queued_mail_reaches_the_smtp_server_through_a_queue_work_worker(mail_queue: str,
                                                                               tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    for inbox, port in smtp_server():
        set_mail_transport(transport_from_url(smtp_url(port)))
        env = site_environment({"SECRET_KEY": TEST_SECRET, "QUEUE_URL": mail_queue, "MAIL_URL": smtp_url(port),
                                "PYTHONUNBUFFERED": "1", "DB_NAME": str(site / "jobs.sqlite3")}, tmp_path)
        log = site / "worker.log"
        worker = start_worker(site, env, log)
        try:
            delivery = await send_mail("Ada <ada@example.com>", "Queued", html='<p><a href="https://x.test/a">go</a></p>',
                                       bcc="audit@example.com", attachments=[ATTACHMENT])
            assert delivery.queued and delivery.job_id and not delivery.sent  # the default, with QUEUE_URL set

            await wait_for(arrived_or_exited(inbox, worker), 60)
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
        finally:
            set_mail_transport(None)
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        output_text = log.read_text()
        assert worker.returncode == 0, output_text
        assert "job core.mail.jobs.send_mail " in output_text and " done" in output_text
        [message] = inbox.received
        assert message["Subject"] == "Queued" and message["Bcc"] is None
        assert inbox.envelopes == [["ada@example.com", "audit@example.com"]]
        assert "go (https://x.test/a)" in message.get_body(("plain",)).get_content()
        [attached] = message.iter_attachments()
        assert attached.get_filename() == "table.bin" and attached.get_content() == ATTACHMENT.content


async def test_a_refusing_server_is_retried_by_the_queue_then_recorded_as_a_failed_job(
        db: str, mail_queue: str) -> None:
    from core.jobs.redis import RedisBackend, build_worker

    for inbox, port in smtp_server(refuse=True):
        set_mail_transport(transport_from_url(smtp_url(port)))
        worker_backend = RedisBackend(mail_queue)
        worker = build_worker(worker_backend, "default", [mail_jobs.send_mail], 2)
        running = asyncio.create_task(worker.start())
        try:
            delivery = await send_mail("ada@example.com", "Reset", text="link", queue=True)

            async def recorded() -> bool:
                return await FailedJob.all().exists()

            await wait_for(recorded, 60)
        finally:
            worker.event.set()
            await running
            await worker_backend.close()
            set_mail_transport(None)
        attempts = settings.MAIL_RETRIES + 1
        assert inbox.received == [] and inbox.refused == ["ada@example.com"] * attempts
    [record] = await FailedJob.all()
    assert (record.job_id, record.name, record.queue, record.attempts) == (
        delivery.job_id, "core.mail.jobs.send_mail", "default", attempts)
    assert "550" in record.exception and "MailDeliveryError" in record.exception
    assert mail_jobs.decode_message(record.kwargs["message"])["Subject"] == "Reset"
    assert await retry_failed(record)  # what `queue:retry` does: the same mail queued again
    assert (await current_backend().counts("default")).queued == 1  # type: ignore[attr-defined]


async def test_without_a_queue_server_queued_mail_runs_in_process_and_a_failure_is_recorded(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings.module(), "QUEUE_URL", "", raising=False)
    backend = EmbeddedBackend()
    use_backend(backend)
    set_mail_transport(transport_from_url(smtp_url(free_port())))  # nothing listens there
    try:
        delivery = await send_mail("ada@example.com", "Reset", text="link", queue=True)
        assert delivery.queued and not delivery.sent
        await backend.drain()
    finally:
        set_mail_transport(None)
        use_backend(None)
    [record] = await FailedJob.all()
    assert (record.job_id, record.name, record.attempts) == (
        delivery.job_id, "core.mail.jobs.send_mail", settings.MAIL_RETRIES + 1)
    assert "cannot reach 127.0.0.1" in record.exception


@pytest.mark.parametrize("queue_url", ["", REDIS_URL])
async def test_the_outbox_sees_queued_mail_with_no_worker(outbox: Any, queue_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Even where the site's tests see a QUEUE_URL: mail for the in-memory transport never leaves the process."""
    monkeypatch.setattr(settings.module(), "QUEUE_URL", queue_url, raising=False)
    delivery = await send_mail("ada@example.com", "Hi", html='<a href="https://x.test/a">go</a>',
                               attachments=[ATTACHMENT], queue=True)
    assert delivery.queued and delivery.sent
    [message] = outbox
    assert outbox.links(message) == ["https://x.test/a"]
    [attached] = message.iter_attachments()
    assert attached.get_content() == ATTACHMENT.content  # the message went through the job's encoding


@pytest.mark.parametrize("address", ["not-an-address", "ada@example.com\r\nBcc: x@example.com"])
async def test_a_bad_address_fails_at_the_call_and_queues_nothing(queue_url_set: None, jobs: Any,
                                                                  address: str) -> None:
    set_mail_transport(transport_from_url(smtp_url(free_port())))
    try:
        with pytest.raises(AddressError):
            await send_mail(address, "Hi", text="x")
        assert jobs.dispatched == []
        await send_mail("ada@example.com", "Hi", text="x")  # the default with QUEUE_URL set: queued
    finally:
        set_mail_transport(None)
    [dispatched] = jobs.dispatched
    assert dispatched.job is mail_jobs.send_mail
    assert mail_jobs.decode_message(dispatched.kwargs["message"])["To"] == "ada@example.com"


async def test_the_outbox_gets_queued_mail_at_the_commit_and_none_from_a_rollback(db: str, outbox: Any) -> None:
    """As a dispatch would: a sign-up that rolls back sends nothing, even in a site's tests."""
    with pytest.raises(ValueError, match="refused"):
        async with in_transaction():
            await send_mail("bob@example.com", "Lost", text="x", queue=True)
            raise ValueError("the sign-up is refused")
    async with in_transaction():
        delivery = await send_mail("ada@example.com", "Kept", text="x", queue=True)
        assert not delivery.sent and outbox == []
    assert [message["Subject"] for message in outbox] == ["Kept"]
