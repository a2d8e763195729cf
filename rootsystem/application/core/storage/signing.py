"""Signed links to locally stored files: `?expires=...&signature=...` under the site's key.

The signature is an HMAC-SHA256 of the name and the expiry time with a key derived from
SECRET_KEY for this use only, so a link names one file until one moment; `expires=0` is a
lasting link (`url()`). Links are not revocable one by one: rotating SECRET_KEY voids them all.
"""

from __future__ import annotations

import hashlib
import hmac
import time

PURPOSE = b"nori.storage.link"


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), PURPOSE, hashlib.sha256).digest()


def signature(secret: str, name: str, expires: int) -> str:
    return hmac.new(_key(secret), f"{name}\n{expires}".encode(), hashlib.sha256).hexdigest()


def link_problem(secret: str, name: str, expires: str, given: str) -> str | None:
    """Why the link does not open `name`, or None when it does."""
    if not expires.isdigit() or len(expires) > 12:
        return "The link is not valid."
    if not hmac.compare_digest(signature(secret, name, int(expires)), given):
        return "The link is not valid."
    if int(expires) and int(expires) < time.time():
        return "The link has expired."
    return None
