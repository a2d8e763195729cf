"""Building a mail: addresses checked, the HTML template rendered, a text part beside it.

Everything that can be wrong with a mail the caller asked for (an address that is not one, a
header with a line break in it, a template that does not exist) fails here, at the call, with an
`AddressError` or a Jinja error, never later in a retry loop or a queue.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.mail.errors import AddressError
from core.mail.text import html_to_text
from core.settings import settings
from core.validation.rules import EMAIL

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name as the recipient sees it, its bytes and its MIME type."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"

    @classmethod
    def from_path(cls, path: Path | str) -> Attachment:
        path = Path(path)
        guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return cls(path.name, path.read_bytes(), guessed)


Recipients = str | Sequence[str]
AttachmentLike = Attachment | Path | str


def check_address(value: str, role: str = "recipient") -> str:
    """`value` (`ada@example.com` or `Ada <ada@example.com>`) in the form a header takes.

    A line break would let the value add headers of its own, so it is refused outright.
    """
    if not isinstance(value, str) or any(char in value for char in "\r\n\x00"):
        raise AddressError(f"the {role} {value!r} is not an email address")
    name, address = parseaddr(value)
    if not address or not EMAIL.fullmatch(address) or len(address) > 254:
        raise AddressError(f"the {role} {value!r} is not an email address")
    return formataddr((name, address)) if name else address


def check_addresses(values: Recipients, role: str) -> list[str]:
    items = [values] if isinstance(values, str) else list(values)
    if not items:
        raise AddressError(f"a mail needs at least one {role}")
    return [check_address(item, role) for item in items]


def mail_environment() -> jinja2.Environment:
    """The site's template environment, so a mail extends, includes and overrides like a page."""
    from core.views import templates

    return templates().env


def render_parts(template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(html, text): `emails/x.html`, and `emails/x.txt` when the site wrote one, else text read off the HTML."""
    import jinja2  # loaded with the first mail, not with every module that can send one

    env = mail_environment()
    values = {"app_url": settings.APP_URL, **context}
    html = env.get_template(template).render(values)
    text_name = template.rsplit(".", 1)[0] + ".txt"
    try:
        text = env.get_template(text_name).render(values)
    except jinja2.TemplateNotFound:
        text = html_to_text(html)
    return html, text


def compose(
    to: Recipients,
    subject: str,
    *,
    template: str | None = None,
    context: Mapping[str, Any] | None = None,
    html: str | None = None,
    text: str | None = None,
    sender: str | None = None,
    reply_to: str | None = None,
    cc: Recipients = (),
    bcc: Recipients = (),
    attachments: Iterable[AttachmentLike] = (),
) -> EmailMessage:
    """The message `send_mail` sends; see its docstring for the arguments."""
    if any(char in subject for char in "\r\n"):
        raise AddressError("a mail subject cannot contain a line break")
    message = EmailMessage()
    message["From"] = check_address(sender or settings.MAIL_FROM, "sender")
    message["To"] = ", ".join(check_addresses(to, "recipient"))
    if cc:
        message["Cc"] = ", ".join(check_addresses(cc, "cc recipient"))
    if bcc:  # SMTP sends to it and strips the header; the log keeps it
        message["Bcc"] = ", ".join(check_addresses(bcc, "bcc recipient"))
    if reply_to:
        message["Reply-To"] = check_address(reply_to, "reply-to")
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=parseaddr(message["From"])[1].rpartition("@")[2] or None)
    if template is not None:
        html, rendered_text = render_parts(template, context or {})
        text = text if text is not None else rendered_text
    elif html is not None and text is None:
        text = html_to_text(html)
    if text is None:
        raise ValueError("send_mail needs a template, html or text")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for item in attachments:
        attachment = item if isinstance(item, Attachment) else Attachment.from_path(item)
        maintype, _, subtype = attachment.mimetype.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=attachment.filename)
    return message
