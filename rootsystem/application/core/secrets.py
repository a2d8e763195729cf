"""SECRET_KEY policy: a real key in production, a stable generated one in development."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from core.conf import SettingError

PLACEHOLDER_KEYS = frozenset({"", "change-me", "changeme", "secret", "your-secret-key", "insecure"})
MIN_PRODUCTION_LENGTH = 32
DEV_KEY_FILE = ".nori-dev-key"
logger = logging.getLogger("nori.settings")


def new_secret_key() -> str:
    """64 URL-safe characters (48 random bytes): safe unquoted in `.env` and in a shell."""
    return secrets.token_urlsafe(48)


def is_placeholder(value: str) -> bool:
    """True for an empty or well-known value: that is no key, whatever it says."""
    return value.strip().lower() in PLACEHOLDER_KEYS


def resolve_secret_key(value: str, *, debug: bool, dev_key_file: Path | None = None) -> str:
    """The key to sign with; refuses to run production on a guessable one.

    In DEBUG a missing key becomes a generated one kept in `dev_key_file`, so the reloader's
    restarts and every command share it and a code edit does not log the developer out. Without
    a file to keep it in, the key is random per process and sessions reset on restart.
    """
    if is_placeholder(value):
        if not debug:
            raise SettingError(
                f"SECRET_KEY={value!r} is empty or a placeholder and DEBUG is off: "
                f"set a random value of at least {MIN_PRODUCTION_LENGTH} characters "
                "(python3 nori.py key:generate writes one into .env)"
            )
        if dev_key_file is not None:
            return development_key(dev_key_file)
        logger.warning("SECRET_KEY is not set: using a random key for this process (sessions reset on restart)")
        return new_secret_key()
    if not debug and len(value) < MIN_PRODUCTION_LENGTH:
        raise SettingError(
            f"SECRET_KEY is {len(value)} characters long: use at least {MIN_PRODUCTION_LENGTH} with DEBUG off"
        )
    return value


def development_key(path: Path) -> str:
    """The key stored in `path`, created (with one warning) by the first process that needs it.

    The file appears fully written or not at all: the key goes to a private temporary file that
    is then hard-linked into place, which fails if another process (the reloader's worker, a
    command started at the same moment) got there first; that one's key is then read instead.
    """
    try:
        return read_key(path)
    except FileNotFoundError:
        pass
    key = new_secret_key()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
        os.link(temporary, path)
    except FileExistsError:
        return read_key(path)
    except OSError as error:  # a read-only checkout: still run, as before, on a per-process key
        logger.warning("SECRET_KEY is not set and %s cannot be written (%s): using a random key for this "
                       "process (sessions reset on restart)", path, error.strerror)
        return key
    finally:
        temporary.unlink(missing_ok=True)
    logger.warning("SECRET_KEY is not set: generated a development key in %s, kept across restarts "
                   "(python3 nori.py key:generate puts a key in .env instead)", path)
    return key


def read_key(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_PRODUCTION_LENGTH:
        raise SettingError(f"{path} holds no usable key ({len(key)} characters): delete it and a new one is made")
    return key
