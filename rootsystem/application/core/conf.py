"""Typed settings loader: the process environment first, then `.env` at the project root.

Settings are read once, when `settings.py` is imported. Every reader validates its value and
raises `SettingError` with one line naming the setting, the value and what is allowed, so a
typo in `.env` stops the process at start instead of surfacing as a strange failure later.
"""

from __future__ import annotations

import builtins
import io
import ipaddress
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from dotenv import dotenv_values

from core.booleans import parse_bool_word

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
STORE_SCHEMES = ("redis://", "rediss://", "memory://")



def env_file_path(project: Path) -> Path:
    """`.env` at the project root, or the file `NORI_ENV_FILE` names (a deployment secret mount, a test fixture).

    One function, so `settings.py` and the commands that edit the file (`key:generate`) agree.
    """
    return Path(os.environ.get("NORI_ENV_FILE") or project / ".env")


def env_file_named() -> bool:
    """True when `NORI_ENV_FILE` names the file: then it must be there (see `Env`)."""
    return bool(os.environ.get("NORI_ENV_FILE"))


class SettingError(ValueError):
    """A setting has a value the framework cannot use; the message is one line for the user."""


class Env:
    """Reads typed values from `os.environ`, falling back to a `.env` file.

    The environment wins over the file so a deployment can override any value without editing
    files, which is how containers and systemd units configure a site.
    """

    def __init__(self, env_file: Path | None = None, environ: Mapping[str, str] | None = None, *,
                 required: bool = False) -> None:
        """`required`: the file was named explicitly, so a missing one is a mistake, not "no .env".

        Falling back would start a production deployment whose secret mount has a typo in
        development mode (DEBUG on, a random key, a fresh SQLite file).
        """
        self.env_file = env_file
        self.file_exists = bool(env_file and env_file.is_file())
        text = self._read(env_file) if env_file and (self.file_exists or required) else ""
        file_values = dotenv_values(stream=io.StringIO(text)) if text else {}
        self._file: dict[str, str] = {k: v for k, v in file_values.items() if v is not None}
        self._environ = os.environ if environ is None else environ

    @staticmethod
    def _read(env_file: Path) -> builtins.str:
        """The file's text; a file that cannot be read or parsed is a SettingError naming it."""
        from core.compat.dotenv import unparsable_lines

        try:
            text = env_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise SettingError(f"env file {env_file} cannot be read: {reason}") from None
        bad = unparsable_lines(text)
        if bad:
            line, statement = bad[0]
            raise SettingError(f"{env_file}:{line}: cannot parse {statement!r}: use NAME=value "
                               "(quote values with spaces or #)")
        return text

    def raw(self, name: str) -> str | None:
        """The value as text, or None when neither the environment nor the file sets it."""
        if name in self._environ:
            return self._environ[name]
        return self._file.get(name)

    def is_set(self, name: str) -> bool:
        return self.raw(name) is not None

    def str(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None else value.strip()

    def bool(self, name: builtins.str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if not value.strip():
            return False
        parsed = parse_bool_word(value)
        if parsed is not None:
            return parsed
        raise SettingError(f"{name}={value!r} is not a boolean: use true or false (also 1/0, yes/no, on/off)")

    def int(self, name: builtins.str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.raw(name)
        if value is None or not value.strip():
            return default
        try:
            number = int(value.strip())
        except ValueError:
            raise SettingError(f"{name}={value!r} is not an integer") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            bounds = f"{minimum if minimum is not None else '-inf'}..{maximum if maximum is not None else 'inf'}"
            raise SettingError(f"{name}={value!r} is out of range: allowed {bounds}")
        return number

    def choice(self, name: builtins.str, default: builtins.str, choices: Iterable[builtins.str]) -> builtins.str:
        allowed = tuple(choices)
        value = self.str(name, default).lower()
        if value not in allowed:
            raise SettingError(f"{name}={self.raw(name)!r} is not allowed: use one of {', '.join(allowed)}")
        return value

    def list(self, name: builtins.str, default: Iterable[builtins.str] = ()) -> builtins.list[builtins.str]:
        """A comma-separated list; blanks are dropped so `A, B,` reads as ['A', 'B']."""
        value = self.raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def signing_key(self, name: builtins.str, *, min_length: builtins.int = 32) -> builtins.str:
        """A secret key of at least `min_length` characters, or empty (the feature derives its own)."""
        value = self.str(name)
        if value and len(value) < min_length:
            raise SettingError(f"{name} is {len(value)} characters long: use at least {min_length} "
                               "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))') or leave it empty")
        return value

    def key_ring(self, name: builtins.str, *, min_length: builtins.int = 32) -> dict[builtins.str, builtins.str]:
        """`id:key` pairs, comma-separated, such as `2026-06:Xk...,2026-01:Qa...` (signing keys by id)."""
        ring: dict[builtins.str, builtins.str] = {}
        for entry in self.list(name):
            key_id, _, key = (part.strip() for part in entry.partition(":"))
            if not key_id or not key:
                raise SettingError(f"{name} has {entry.split(':', 1)[0]!r} without an id and a key: "
                                   "write id:key pairs separated by commas, such as 2026-01:<key>")
            if len(key) < min_length:
                raise SettingError(f"{name}: the key of {key_id!r} is {len(key)} characters long: "
                                   f"use at least {min_length}")
            ring[key_id] = key
        return ring

    def sections(self, name: builtins.str, fields: Iterable[builtins.str], *,
                 optional: Iterable[builtins.str] = ()) -> dict[builtins.str, dict[builtins.str, builtins.str]]:
        """Named groups of settings: `name` lists names (`corp,okta`), each with its own variables.

        With `name` OAUTH_PROVIDERS and the field CLIENT_ID, the name `corp` reads
        OAUTH_CORP_CLIENT_ID (the prefix is `name`'s first word). Gives `{"corp": {"client_id": ...}}`;
        a listed name missing a field stops the start with the variable to set.
        """
        prefix = name.split("_", 1)[0]
        groups: dict[builtins.str, dict[builtins.str, builtins.str]] = {}
        for entry in self.list(name):
            key = entry.lower()
            if not key.isidentifier() or not key.isascii():
                raise SettingError(f"{name} names {entry!r}: use letters, digits and _ (it becomes part of "
                                   f"{prefix}_{entry.upper()}_...)")
            group = {}
            for field in (*fields, *optional):
                variable = f"{prefix}_{key.upper()}_{field}"
                value = self.str(variable)
                if not value and field not in optional:
                    raise SettingError(f"{name} names {key}, but {variable} is not set")
                group[field.lower()] = value
            groups[key] = group
        return groups

    def path_prefix(self, name: builtins.str, default: builtins.str = "") -> builtins.str:
        """A URL path prefix such as `/api`, without its trailing `/`; empty means none."""
        value = self.str(name, default).rstrip("/")
        if value and (not value.startswith("/") or any(char in value for char in "?#* ")):
            raise SettingError(f"{name}={self.raw(name)!r} is not a URL path prefix: use one starting with /, "
                               "such as /api, or leave it empty for none")
        return value

    def store_url(self, name: builtins.str) -> builtins.str:
        """Where a shared-state feature keeps its data: `redis://`, `rediss://`, `memory://` or empty.

        Empty means "as REDIS_URL says" (see core/stores.py); the scheme is checked here so a
        typo such as `redis:/host` stops the process at start rather than at the first request.
        """
        value = self.str(name)
        if value and not value.startswith(STORE_SCHEMES):
            raise SettingError(f"{name}={self.raw(name)!r} is not a store URL: use redis://host:6379/0, rediss://..., "
                               "memory:// or leave it empty to follow REDIS_URL")
        return value

    def url(self, name: builtins.str, default: builtins.str = "") -> builtins.str:
        """An absolute http(s) URL without its trailing `/`, such as `https://example.com`.

        Checked at start: redirects, CSRF's trusted origin and links are built from it, and a
        value like `example.com` would make each of them wrong in its own way, later.
        """
        from urllib.parse import urlsplit

        value = self.str(name, default).rstrip("/")
        try:
            parts = urlsplit(value)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        except ValueError:
            valid = False
        if not valid:
            raise SettingError(f"{name}={self.raw(name)!r} is not a URL: use one such as https://example.com")
        return value

    def timezone(self, name: builtins.str, default: builtins.str = "UTC") -> builtins.str:
        """An IANA zone name such as `Europe/Madrid`, checked against the zone database."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        value = self.str(name, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingError(
                f"{name}={value!r} is not a time zone: use an IANA name such as UTC or Europe/Madrid"
            ) from None
        return value

    def log_level(self, name: builtins.str, default: builtins.str = "INFO") -> builtins.str:
        value = self.str(name, default).upper()
        if value not in LOG_LEVELS:
            raise SettingError(f"{name}={self.raw(name)!r} is not a log level: use one of {', '.join(LOG_LEVELS)}")
        return value

    def networks(self, name: builtins.str) -> builtins.list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """Comma-separated addresses or CIDR ranges, e.g. `127.0.0.1, 10.0.0.0/8`."""
        result = []
        for item in self.list(name):
            try:
                result.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise SettingError(f"{name} has {item!r}, which is not an IP address or CIDR range") from None
        return result
