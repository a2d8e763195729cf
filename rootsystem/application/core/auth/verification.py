"""Email verification: the link's token, and marking the address verified.

The token is bound to the address it was mailed to (core/auth/signed_links.py), so after an email
change an old link verifies nothing. Opening a link twice is harmless: the second time the
address is already verified.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.auth.signed_links import VERIFY_EMAIL, make_token, user_for_link
from core.settings import settings


def is_verified(user: Any) -> bool:
    return getattr(user, "email_verified_at", None) is not None


def verification_token(user: Any) -> str:
    """The token of a verification link for `user`'s current address, valid EMAIL_VERIFICATION_TTL seconds."""
    return make_token(VERIFY_EMAIL, user.pk, user.email)


async def user_for_verification(token: str) -> Any | None:
    """The active user a verification token was made for, while their address is the one it was mailed to."""
    return await user_for_link(VERIFY_EMAIL, token, settings.EMAIL_VERIFICATION_TTL, lambda user: user.email)


async def mark_verified(user: Any) -> bool:
    """Record that `user` opened the link; False when the address was verified already."""
    if is_verified(user):
        return False
    user.email_verified_at = datetime.now(UTC)
    await user.save(update_fields=["email_verified_at"])
    return True
