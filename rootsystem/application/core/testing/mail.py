"""The `outbox` fixture's list: every mail the site sends during a test, kept in memory."""

from __future__ import annotations

import re
from email.message import EmailMessage

LINK = re.compile(r"""href=["']([^"']+)["']""")


class Outbox(list[EmailMessage]):
    """The sent messages, in order, with helpers to read their parts."""

    @staticmethod
    def body(message: EmailMessage, subtype: str = "plain") -> str:
        part = message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""

    def links(self, message: EmailMessage) -> list[str]:
        """The addresses the HTML part links to (a reset or verification link, say)."""
        return LINK.findall(self.body(message, "html"))
