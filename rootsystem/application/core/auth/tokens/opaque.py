"""Opaque tokens kept in a table: `<prefix><selector>_<secret>`, stored as the selector and a hash.

The selector (16 hex characters) finds the row with one indexed lookup; the secret is compared
as a SHA-256 digest in constant time, so neither a timing difference nor a copy of the table
yields a working token. SHA-256 rather than a slow password hash: the secret is 256 random bits,
which no guessing can cover, while a slow hash would add tens of milliseconds to every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from typing import Any

from core.auth.tokens.errors import TokenError

SELECTOR_LENGTH = 16
_HEX = frozenset(string.hexdigits.lower())


@dataclass(frozen=True)
class Minted:
    plain: str  # what the holder gets, once
    selector: str
    secret_hash: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def mint(prefix: str) -> Minted:
    selector = secrets.token_hex(SELECTOR_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return Minted(f"{prefix}{selector}_{secret}", selector, hash_secret(secret))


def split(token: str, prefix: str) -> tuple[str, str] | None:
    """(selector, secret) of a token in this format, or None for anything else."""
    if not token.startswith(prefix):
        return None
    rest = token[len(prefix):]
    selector, separator, secret = rest[:SELECTOR_LENGTH], rest[SELECTOR_LENGTH:][:1], rest[SELECTOR_LENGTH + 1:]
    if len(selector) != SELECTOR_LENGTH or not _HEX.issuperset(selector) or separator != "_" or not secret:
        return None
    return selector, secret


def matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)


async def stored_row(model: Any, token: str, prefix: str, kind: str) -> Any:
    """The row of `model` a token in this format stands for, or TokenError naming the `kind` of token."""
    parts = split(token, prefix)
    if parts is None:
        raise TokenError(f"the {kind} is malformed")
    selector, secret = parts
    row = await model.get_or_none(selector=selector)
    if row is None or not matches(secret, row.secret_hash):
        raise TokenError(f"the {kind} is not valid")
    return row
