"""Mail: `await send_mail(to, subject, template="emails/reset.html", context={...})`.

The HTML template is rendered with the site's Jinja environment and a text part is added (the
`.txt` template of the same name, or text read off the HTML); MAIL_URL picks the transport. See
docs/mail.md.

Composing and delivering load at the first mail, not with the routes that send one (the
`Attachment` and `Delivery` names too, as `core.openapi` gives `openapi_document`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from core.lazy import lazy_exports
from core.mail.errors import AddressError, MailConfigError, MailDeliveryError, MailError

if TYPE_CHECKING:
    from core.mail.delivery import Delivery
    from core.mail.message import Attachment, AttachmentLike, Recipients

__all__ = [
    "AddressError", "Attachment", "Delivery", "MailConfigError", "MailDeliveryError", "MailError", "send_mail",
]


async def send_mail(
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
    queue: bool | None = None,
) -> Delivery:
    """Compose and send one mail.

    `to`, `cc`, `bcc`: an address or a list (`"Ada <ada@example.com>"` is fine); `sender` defaults
    to MAIL_FROM. Give a `template` (and its `context`, with `app_url` added), or `html` and/or
    `text` directly. `attachments`: paths or `Attachment(filename, content, mimetype)`.

    A bad address, a missing template or an unusable MAIL_URL raises here, before anything is
    sent or queued. `queue=True` hands the composed mail to the job queue (the default when
    QUEUE_URL is set), where a failed send is retried and then recorded in `failed_jobs`;
    `queue=False` sends now and raises `MailDeliveryError` when it cannot. Left to the default
    with no QUEUE_URL, it sends now and a failure is recorded and reported in the returned
    `Delivery`, not raised. See core/mail/delivery.py.
    """
    from core.mail.delivery import deliver
    from core.mail.message import compose
    from core.mail.transports import mail_transport

    message = compose(to, subject, template=template, context=context, html=html, text=text, sender=sender,
                      reply_to=reply_to, cc=cc, bcc=bcc, attachments=attachments)
    mail_transport()  # an unusable MAIL_URL is the caller's error, raised now
    return await deliver(message, queue=queue)


__getattr__ = lazy_exports(__name__, {"Attachment": "message", "Delivery": "delivery"})
