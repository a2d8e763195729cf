"""Where a mail goes, chosen by `MAIL_URL`: an SMTP server, the log, or a list in memory.

- `smtp://user:pass@host:587` sends with aiosmtplib, upgrading with STARTTLS when the server
  offers it (`?starttls=true` requires it, `?starttls=false` never tries); `smtps://host:465`
  speaks TLS from the first byte. `?timeout=` is in seconds (default 10), `?verify=false` accepts
  a self-signed certificate (a staging relay).
- `log://` (the default when DEBUG is on and MAIL_URL is empty) logs each mail and writes it as
  an `.eml` file under `MAIL_DIR`, so a developer opens the reset link in their mail program.
- `memory://` keeps the messages in a list: the `outbox` test fixture.

A transport raises `MailDeliveryError` with `permanent=True` when the server said no for good
(a 5xx reply: retrying cannot help) and `permanent=False` when trying again may work.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from core.booleans import parse_bool_word
from core.mail.errors import MailConfigError, MailDeliveryError
from core.settings import settings

logger = logging.getLogger("nori.mail")
SCHEMES = ("smtp", "smtps", "log", "memory")


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


@dataclass
class SmtpTransport:
    hostname: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None
    timeout: float = 10.0
    validate_certs: bool = True

    async def send(self, message: EmailMessage) -> None:
        import aiosmtplib

        try:  # sender and recipients come from the headers; aiosmtplib sends the message without its Bcc
            await aiosmtplib.send(
                message, hostname=self.hostname, port=self.port,
                username=self.username, password=self.password, use_tls=self.use_tls, start_tls=self.start_tls,
                timeout=self.timeout, validate_certs=self.validate_certs,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            refusals = error.recipients
            permanent = all(refused.code >= 500 for refused in refusals)
            reasons = "; ".join(f"{refused.recipient}: {refused.code} {refused.message}" for refused in refusals)
            raise MailDeliveryError(f"the server refused the recipients ({reasons})", permanent=permanent) from error
        except aiosmtplib.SMTPResponseException as error:
            raise MailDeliveryError(f"the server answered {error.code} {error.message}",
                                    permanent=error.code >= 500) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise MailDeliveryError(f"cannot reach {self.hostname}:{self.port}: {error}") from error

    async def greet(self) -> None:
        """Connect and say QUIT, without logging in or sending: `check` proves the server answers
        (within 5 s at most). An `OSError` or `aiosmtplib.SMTPException` says it does not."""
        import aiosmtplib

        client = aiosmtplib.SMTP(hostname=self.hostname, port=self.port, use_tls=self.use_tls, start_tls=False,
                                 timeout=min(self.timeout, 5.0), validate_certs=self.validate_certs)
        await client.connect()
        with contextlib.suppress(aiosmtplib.SMTPException, OSError):
            await client.quit()


@dataclass
class LogTransport:
    folder: Path

    async def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**9:09d}.eml"
        path.write_bytes(message.as_bytes())
        logger.info("mail to %s: %r, written to %s", message["To"], message["Subject"], path)


@dataclass
class MemoryTransport:
    messages: list[EmailMessage] = field(default_factory=list)

    async def send(self, message: EmailMessage) -> None:
        self.messages.append(message)


def _flag(query: dict[str, list[str]], name: str) -> bool | None:
    if name not in query:
        return None
    value = parse_bool_word(query[name][-1])
    if value is None:
        raise MailConfigError(f"MAIL_URL has {name}={query[name][-1]!r}: use true or false")
    return value


def transport_from_url(url: str) -> Transport:
    """The transport `url` names; a URL it cannot use is a one-line `MailConfigError`."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise MailConfigError(f"MAIL_URL={url.split('@')[-1]!r} is not a mail URL: use smtp://, smtps://, log:// "
                              "or memory://")
    if parts.scheme == "log":
        return LogTransport(Path(settings.MAIL_DIR))
    if parts.scheme == "memory":
        return MemoryTransport()
    query = parse_qs(parts.query)
    if not parts.hostname:
        raise MailConfigError("MAIL_URL names no host: use smtp://user:password@host:port")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
        timeout = float(query.get("timeout", ["10"])[-1])
    except ValueError as error:
        raise MailConfigError(f"MAIL_URL has a bad port or timeout: {error}") from None
    verify = _flag(query, "verify")
    return SmtpTransport(
        hostname=parts.hostname, port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=parts.scheme == "smtps", start_tls=None if parts.scheme == "smtps" else _flag(query, "starttls"),
        timeout=timeout, validate_certs=True if verify is None else verify,
    )


_transport: Transport | None = None


def configured_mail_url() -> str:
    """MAIL_URL, or `log://` when it is empty and DEBUG is on; empty means mail has nowhere to go."""
    return settings.MAIL_URL or ("log://" if settings.DEBUG else "")


def mail_transport() -> Transport:
    """The site's transport, built from MAIL_URL on first use."""
    global _transport
    if _transport is None:
        url = configured_mail_url()
        if not url:
            raise MailConfigError("MAIL_URL is not set: set smtp://user:password@host:port in .env "
                                  "(or log:// to write mails to files)")
        _transport = transport_from_url(url)
    return _transport


def set_mail_transport(transport: Transport | None) -> Transport | None:
    """Replace the site's transport (tests, a custom service); None rebuilds it from MAIL_URL.

    Returns the transport it replaces, so a fixture can put it back.
    """
    global _transport
    previous, _transport = _transport, transport
    return previous
