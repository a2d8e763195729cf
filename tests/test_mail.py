"""core/mail against a real SMTP server (aiosmtpd, tests/support/smtp.py) started here: one that
accepts, one that refuses every recipient, and an address where nothing listens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import settings as site_settings
from core.mail import AddressError, MailConfigError, MailDeliveryError, send_mail
from core.mail.transports import set_mail_transport, transport_from_url
from tests.support.smtp import Inbox, free_port, smtp_server


def eml_texts(folder: Path) -> list[str]:
    return [path.read_text() for path in folder.glob("*.eml")]


@pytest.fixture
def mail_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(site_settings, "MAIL_DIR", tmp_path, raising=False)
    monkeypatch.setattr(site_settings, "MAIL_RETRY_DELAY", 0, raising=False)
    return tmp_path


@pytest.fixture
def smtp(mail_dir: Path) -> Iterator[Inbox]:
    for inbox, port in smtp_server():
        previous = set_mail_transport(transport_from_url(f"smtp://127.0.0.1:{port}?starttls=false"))
        yield inbox
        set_mail_transport(previous)


async def test_sends_html_and_text_parts_attachments_and_reply_to(smtp: Inbox, tmp_path: Path) -> None:
    attachment = tmp_path / "notes.txt"
    attachment.write_text("hello")
    delivery = await send_mail(
        "Ada <ada@example.com>", "Welcome", html='<p>Hi <a href="https://example.com/x">open</a></p>',
        reply_to="help@example.com", bcc="audit@example.com", attachments=[attachment], queue=False,
    )
    assert delivery.sent and delivery.attempts == 1
    [message] = smtp.received
    assert message["Subject"] == "Welcome" and message["Reply-To"] == "help@example.com"
    assert message["Bcc"] is None and smtp.envelopes == [["ada@example.com", "audit@example.com"]]
    assert "open (https://example.com/x)" in message.get_body(("plain",)).get_content()
    assert 'href="https://example.com/x"' in message.get_body(("html",)).get_content()
    assert [part.get_filename() for part in message.iter_attachments()] == ["notes.txt"]


async def test_template_renders_with_the_site_environment(outbox: Any) -> None:
    await send_mail("ada@example.com", "Hi", template="emails/layout.html")
    [message] = outbox
    assert site_settings.APP_URL in outbox.body(message)


@pytest.mark.parametrize("address", ["not-an-address", "ada@", "ada@example.com\r\nBcc: x@example.com", ""])
async def test_bad_addresses_fail_at_the_call(outbox: Any, address: str) -> None:
    with pytest.raises(AddressError):
        await send_mail(address, "Hi", text="x")
    assert outbox == []


async def test_a_refusing_server_is_not_retried_and_the_mail_is_recorded(mail_dir: Path) -> None:
    for inbox, port in smtp_server(refuse=True):
        set_mail_transport(transport_from_url(f"smtp://127.0.0.1:{port}?starttls=false"))
        try:
            with pytest.raises(MailDeliveryError, match="550") as raised:
                await send_mail("ada@example.com", "Reset", text="link", queue=False)
        finally:
            set_mail_transport(None)
        assert inbox.received == []
    record = raised.value.record
    assert record is not None and record.parent == mail_dir / "failed"
    assert "Subject: Reset" in record.read_text()
    assert '"attempts": 1' in record.with_suffix(".json").read_text()


async def test_a_server_that_is_down_is_retried_then_recorded(mail_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_settings, "QUEUE_URL", "", raising=False)
    set_mail_transport(transport_from_url(f"smtp://127.0.0.1:{free_port()}?starttls=false&timeout=2"))
    try:
        delivery = await send_mail("ada@example.com", "Reset", text="link")  # inline by default: reported, not raised
    finally:
        set_mail_transport(None)
    assert not delivery.sent and delivery.attempts == 3  # MAIL_RETRIES=2 after the first
    assert delivery.record is not None and delivery.record.exists()


async def test_log_driver_writes_an_eml_file(mail_dir: Path) -> None:
    set_mail_transport(transport_from_url("log://"))
    try:
        await send_mail("ada@example.com", "Logged", text="body")
    finally:
        set_mail_transport(None)
    assert ["Subject: Logged" in text for text in eml_texts(mail_dir)] == [True]


@pytest.mark.parametrize("url", ["ftp://host", "smtp://", "smtp://host?starttls=maybe"])
def test_unusable_mail_urls_are_one_line_errors(url: str) -> None:
    with pytest.raises(MailConfigError):
        transport_from_url(url)
