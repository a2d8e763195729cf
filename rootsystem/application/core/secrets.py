"""SECRET_KEY policy: a real key in production, a throwaway one in development."""

from __future__ import annotations

import logging
import secrets

from core.conf import SettingError

PLACEHOLDER_KEYS = frozenset({"", "change-me", "changeme", "secret", "your-secret-key", "insecure"})
MIN_PRODUCTION_LENGTH = 32
logger = logging.getLogger("nori.settings")


def resolve_secret_key(value: str, *, debug: bool) -> str:
    """The key to sign with; refuses to run production on a guessable one.

    In DEBUG a missing key becomes a random per-process key, so sessions simply reset on
    restart instead of being signed with a well-known string.
    """
    if value.lower() in PLACEHOLDER_KEYS:
        if not debug:
            raise SettingError(
                f"SECRET_KEY={value!r} is empty or a placeholder and DEBUG is off: "
                f"set a random value of at least {MIN_PRODUCTION_LENGTH} characters "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        logger.warning("SECRET_KEY is not set: using a random key for this process (sessions reset on restart)")
        return secrets.token_urlsafe(48)
    if not debug and len(value) < MIN_PRODUCTION_LENGTH:
        raise SettingError(
            f"SECRET_KEY is {len(value)} characters long: use at least {MIN_PRODUCTION_LENGTH} with DEBUG off"
        )
    return value
