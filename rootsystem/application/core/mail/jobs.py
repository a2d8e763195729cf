"""The framework's `send_mail` job: a composed mail, carried as its bytes, sent by a worker.

The caller composes (so a bad address or a missing template fails at the call) and the job
carries the finished message, attachments and all, as base64 of its bytes: a worker needs
neither the template nor the context, and the mail it sends is the one composed, byte for byte.

A failed send raises, so the queue retries it: `MAIL_RETRIES` more attempts, `MAIL_RETRY_DELAY`
seconds apart and doubling (saq adds jitter). They are read once, as this module is imported (in
the app, at its first queued mail), and the process that queues a mail gives it its attempts.
The queue cannot be told that a 5xx refusal is final, so it is retried like a server that is
down: a few wasted attempts, against a mail that an operator must otherwise resend. A mail that
used every attempt is a failed job in `failed_jobs` (`queue:retry` sends it again).
"""

from __future__ import annotations

import base64
from email import message_from_bytes, policy
from email.message import EmailMessage

from core.jobs import job
from core.mail.transports import mail_transport
from core.settings import settings


def encode_message(message: EmailMessage) -> str:
    """The message as text a job's JSON arguments can carry."""
    return base64.b64encode(message.as_bytes()).decode("ascii")


def decode_message(payload: str) -> EmailMessage:
    return message_from_bytes(base64.b64decode(payload), policy=policy.default)


@job(retries=settings.MAIL_RETRIES, backoff=float(settings.MAIL_RETRY_DELAY))
async def send_mail(message: str) -> None:
    """Send one composed mail (`encode_message`) with this process's MAIL_URL; a failure raises."""
    await mail_transport().send(decode_message(message))
