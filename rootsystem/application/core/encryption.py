"""Encrypting a small secret kept in the database (a TOTP seed), under a key derived from SECRET_KEY.

A value that must be read back (unlike a password, which is only compared) cannot be hashed;
stored in plain text, a copy of the database (a backup, a dump on a laptop) would hand out every
second factor. `cryptography`'s Fernet (AES-128-CBC with an HMAC-SHA256, a random IV per value)
seals it, with a key derived per purpose from SECRET_KEY through HKDF, so the database alone
opens nothing and two purposes never share a key.

The cost: rotating SECRET_KEY makes every sealed value unreadable. `open_sealed` then gives None
rather than raising, and the caller decides what that means (for two-factor: the code no longer
matches, recovery codes still work, and the user enrols again).
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import TYPE_CHECKING

from core.settings import settings

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


@lru_cache(maxsize=8)
def _fernet(secret_key: str, purpose: str) -> Fernet:
    # cryptography is imported at the first seal, not by every route module that might need one
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(purpose: str, value: str) -> str:
    """`value` encrypted for `purpose`: URL-safe text, about 60 characters longer than `value` plus a third."""
    return _fernet(settings.SECRET_KEY, purpose).encrypt(value.encode()).decode("ascii")


def open_sealed(purpose: str, sealed: str) -> str | None:
    """The value `seal(purpose, ...)` encrypted; None when it was sealed for another purpose or key, or is damaged."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(settings.SECRET_KEY, purpose).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        return None

