"""What can go wrong with mail, as errors a caller can tell apart.

`AddressError` and `MailConfigError` are the caller's or the operator's mistake and are raised at
the call, before anything is sent; `MailDeliveryError` means the server refused or could not be
reached after the retries, and the message has been recorded (`record` is where).
"""

from __future__ import annotations

from pathlib import Path


class MailError(Exception):
    """Base of every mail error; the message is one line for the user."""


class AddressError(MailError, ValueError):
    """A recipient, sender or reply-to that is not an email address."""


class MailConfigError(MailError):
    """MAIL_URL or another mail setting cannot be used."""


class MailDeliveryError(MailError):
    """Every attempt failed; the message was recorded at `record` so it is not lost."""

    def __init__(self, message: str, record: Path | None = None, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.record = record
        self.permanent = permanent
