"""How a composed mail reaches its transport: the one place that decides inline or queued.

- Queued (`queue=True`, and the default when QUEUE_URL is set): the message, composed and
  checked at the call, goes to the job queue as the framework job `core.mail.jobs.send_mail`. A
  worker sends it; a failure is retried by the queue and, after the last attempt, recorded in
  `failed_jobs`. With no QUEUE_URL an explicit `queue=True` runs the job on the app's own event
  loop after the response (the in-process driver: same retries and records, lost if the process
  dies).
- Inline (`queue=False`, and the default without QUEUE_URL): sent now, awaited by the caller, up
  to `MAIL_RETRIES` more attempts after a transient failure (the server down, a 4xx reply),
  `MAIL_RETRY_DELAY` seconds apart and doubling; a permanent refusal (a 5xx reply) is not retried.
  A mail that still fails is written, with why, to `MAIL_DIR/failed/` (an `.eml` beside a `.json`)
  and logged as an error. `queue=False` then raises; the default reports it in the returned
  `Delivery`, so a page that mails (a reset request) answers the same whether or not it went.
- A transport that lives in this process's memory (`memory://`, the `outbox` fixture) is never
  handed to a worker, whose memory is not this one: the job runs here, at the call (or at the
  commit of the transaction open there, as a dispatch would), so a test reads queued mail from
  the outbox as soon as `send_mail` returns, with no worker to run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from core.compat.tortoise import after_commit
from core.mail.errors import MailDeliveryError
from core.mail.transports import MemoryTransport, mail_transport
from core.settings import settings

logger = logging.getLogger("nori.mail")


@dataclass(frozen=True)
class Delivery:
    """What became of one mail: sent, failed and recorded at `record`, or queued as job `job_id`."""

    sent: bool
    attempts: int
    error: str | None = None
    record: Path | None = None
    queued: bool = False
    job_id: str | None = None


def record_failure(message: EmailMessage, error: MailDeliveryError, attempts: int) -> Path:
    """Write the unsent mail and why it failed under MAIL_DIR/failed/; returns the `.eml` path."""
    folder = Path(settings.MAIL_DIR) / "failed"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**9:09d}"
    path = folder / f"{stem}.eml"
    path.write_bytes(message.as_bytes())
    (folder / f"{stem}.json").write_text(json.dumps({
        "to": message["To"], "subject": message["Subject"], "error": str(error),
        "permanent": error.permanent, "attempts": attempts, "failed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                        time.gmtime()),
    }, indent=2))
    return path


async def send_with_retries(message: EmailMessage) -> Delivery:
    """Send now, retrying transient failures; a final failure is recorded (see the module docstring)."""
    transport = mail_transport()
    retries: int = settings.MAIL_RETRIES
    delay = float(settings.MAIL_RETRY_DELAY)
    attempt = 0
    while True:
        attempt += 1
        try:
            await transport.send(message)
            return Delivery(sent=True, attempts=attempt)
        except MailDeliveryError as error:
            if error.permanent or attempt > retries:
                path = record_failure(message, error, attempt)
                logger.error("mail to %s (%r) failed after %d attempt(s): %s; recorded at %s",
                             message["To"], message["Subject"], attempt, error, path)
                return Delivery(sent=False, attempts=attempt, error=str(error), record=path)
            logger.warning("mail to %s failed (attempt %d): %s; retrying", message["To"], attempt, error)
            await asyncio.sleep(delay)
            delay *= 2


def queue_by_default() -> bool:
    """Queue when a queue server is configured: the in-process driver would lose mail with its process."""
    return bool(settings.QUEUE_URL)


async def enqueue(message: EmailMessage) -> Delivery:
    """Hand `message` to the `send_mail` job, or run that job here for an in-memory transport."""
    from core.mail import jobs  # imported on first use: it reads the retry settings as it declares the job

    payload = jobs.encode_message(message)
    if isinstance(mail_transport(), MemoryTransport):  # held until a commit, as a dispatch is
        if after_commit(lambda: jobs.send_mail(message=payload)):
            return Delivery(sent=False, attempts=0, queued=True)
        await jobs.send_mail(message=payload)
        return Delivery(sent=True, attempts=1, queued=True)
    job_id = await jobs.send_mail.dispatch(message=payload)
    logger.info("mail to %s (%r) queued as job %s", message["To"], message["Subject"], job_id)
    return Delivery(sent=False, attempts=0, queued=True, job_id=job_id)


async def deliver(message: EmailMessage, *, queue: bool | None) -> Delivery:
    """Send or queue `message` (see the module docstring); `queue=False` raises `MailDeliveryError`."""
    if queue or (queue is None and queue_by_default()):
        return await enqueue(message)
    delivery = await send_with_retries(message)
    if not delivery.sent and queue is False:
        raise MailDeliveryError(f"mail to {message['To']} not sent: {delivery.error}", delivery.record)
    return delivery
