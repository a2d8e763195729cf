"""Password hashing: argon2 for new hashes, older schemes still accepted and upgraded.

`deprecated="auto"` marks every scheme but the first as deprecated, so a user whose hash is
bcrypt or pbkdf2_sha256 (imported from another system, or made before argon2 was the default)
gets an argon2 hash at their next successful login. Hashing is deliberately slow, so it runs in
a worker thread: the event loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from passlib.context import CryptContext

SCHEMES = ("argon2", "bcrypt", "pbkdf2_sha256")


@lru_cache(maxsize=1)
def password_context() -> CryptContext:
    """Argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane); passlib loads at the first use."""
    from passlib.context import CryptContext

    return CryptContext(
        schemes=list(SCHEMES), deprecated="auto",
        argon2__memory_cost=19456, argon2__time_cost=2, argon2__parallelism=1,
    )


# A valid hash of a random password, verified when the account does not exist so that an
# unknown email takes as long to refuse as a wrong password (no account enumeration by timing).
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    import secrets

    return password_context().hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    """The hash to store in place of `password`."""
    return await asyncio.to_thread(password_context().hash, password)


async def verify_password(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
    """(matches, new hash or None): store the new hash when it is given, it replaces an old scheme.

    A missing or unreadable stored hash is a plain mismatch, never an exception a visitor can
    trigger.
    """
    context = password_context()

    def check() -> tuple[bool, str | None]:
        if not stored_hash or context.identify(stored_hash) is None:
            context.verify(password, _dummy_hash())
            return False, None
        return context.verify_and_update(password, stored_hash)

    return await asyncio.to_thread(check)

