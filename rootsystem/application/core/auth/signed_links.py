"""Signed, expiring tokens for links in mail: a password reset, an email verification.

A token is `itsdangerous`' URL-safe timed signature (SECRET_KEY, a salt per purpose, so a
verification link never opens a reset page) over the user's id and a *binding*: a keyed
fingerprint of what the link is about. The binding is what makes a link single-use without a
table of issued tokens:

- a reset token is bound to the user's current password hash. Setting a new password (even the
  same one: argon2 salts every hash afresh) changes the hash, so the link, and every other reset
  link sent before it, stops working at once; so does a password changed any other way. Nothing
  is stored, so there is nothing to clean up or to leak from a database copy. The cost: until
  one is used or expires, several requested links are valid together.
- a verification token is bound to the address it was sent to, so a link mailed to an old
  address cannot verify a new one.

The fingerprint is an HMAC under SECRET_KEY, so the readable payload tells nothing about the
hash it binds. Rotating SECRET_KEY invalidates every outstanding link, like every session.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import itsdangerous

from core.settings import settings

RESET_PASSWORD = "nori.password-reset"
VERIFY_EMAIL = "nori.verify-email"


def _serializer(purpose: str) -> itsdangerous.URLSafeTimedSerializer:
    return itsdangerous.URLSafeTimedSerializer(settings.SECRET_KEY, salt=purpose)


def fingerprint(purpose: str, value: str) -> str:
    """A short keyed digest of `value`: equal values match, and the digest reveals nothing of it."""
    key = f"{settings.SECRET_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def make_token(purpose: str, user_id: Any, binding: str) -> str:
    """A token for `user_id` that `read_token` accepts while `binding` is unchanged."""
    return _serializer(purpose).dumps({"u": user_id, "b": fingerprint(purpose, binding)})


@dataclass(frozen=True)
class Claim:
    """What a well-signed, unexpired token says: whose it is, and the fingerprint it is bound to."""

    purpose: str
    user_id: Any
    bound_to: str

    def binds(self, binding: str) -> bool:
        """True while `binding` is what the token was made for; compared in constant time."""
        return hmac.compare_digest(self.bound_to, fingerprint(self.purpose, binding))


def read_token(purpose: str, token: str, max_age: int) -> Claim | None:
    """The claim of a token signed for `purpose` within `max_age` seconds; None for anything else."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (itsdangerous.BadData, ValueError):
        return None
    if not isinstance(payload, dict) or "u" not in payload or not isinstance(payload.get("b"), str):
        return None
    return Claim(purpose, payload["u"], payload["b"])


async def user_for_link(purpose: str, token: str, max_age: int, bound_to: Callable[[Any], str]) -> Any | None:
    """The active user a link's token was made for, while `bound_to(user)` is still what it was
    bound to (the password hash, the address); None for any other token."""
    from core.registry import get_model

    claim = read_token(purpose, token, max_age)
    if claim is None:
        return None
    user = await get_model("User").filter(pk=claim.user_id).first()
    if user is None or not getattr(user, "status", True) or not claim.binds(bound_to(user)):
        return None
    return user
