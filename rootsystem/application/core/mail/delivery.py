"""How a composed mail reaches its transport: the one place that decides inline or queued.

Today every mail is sent inline, awaited by the caller: up to `MAIL_RETRIES` more attempts after
a transient failure (the server down, a 4xx reply), `MAIL_RETRY_DELAY` seconds apart and doubling;
a permanent refusal (a 5xx reply) is not retried. A mail that still fails is written, with why, to
`MAIL_DIR/failed/` (an `.eml` beside a `.json`), logged as an error, and never silently dropped.

`queue=True` (send_mail's default) asks for a background send. Until the site has a job queue it
is sent inline like `queue=False`, except that a failure is recorded and reported in the returned
`Delivery` rather than raised: a caller that queues a mail does not wait on the server's answer,
and the page that asked (a reset request) answers the same either way. When `core.jobs` exists,
`deliver` is the one function that dispatches the send as a job instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from core.mail.errors import MailDeliveryError
from core.mail.transports import mail_transport
from core.settings import settings

logger = logging.getLogger("nori.mail")


@dataclass(frozen=True)
class Delivery:
    """What became of one mail: sent, or failed and recorded at `record`."""

    sent: bool
    attempts: int
    error: str | None = None
    record: Path | None = None


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


async def deliver(message: EmailMessage, *, queue: bool) -> Delivery:
    """Send `message`; `queue=False` raises `MailDeliveryError` when it could not be sent."""
    delivery = await send_with_retries(message)
    if not delivery.sent and not queue:
        raise MailDeliveryError(f"mail to {message['To']} not sent: {delivery.error}", delivery.record)
    return delivery
