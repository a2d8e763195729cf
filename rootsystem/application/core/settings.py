"""The settings the framework reads: the site's `settings` module, over framework defaults.

A site's settings.py belongs to the site, so a framework upgrade that reads a new setting cannot
count on an older site defining it. Core therefore reads every setting through `settings` here:
the site's value when its module defines the name, else the default in DEFAULTS. A default reads
the same environment and `.env` the site does, so an older site configures a newer setting in
`.env` without editing settings.py.

Nothing is copied: the site's module is imported on first use and read on every access, so a test
that monkeypatches `settings.X` on the site's module is seen at once.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from core import paths

if TYPE_CHECKING:
    from core.conf import Env

Default = Callable[["Env"], Any]
# What each name in OAUTH_PROVIDERS needs: OAUTH_<NAME>_CLIENT_ID, _CLIENT_SECRET, _ISSUER (and _LABEL if wanted).
OAUTH_PROVIDER_FIELDS = ("CLIENT_ID", "CLIENT_SECRET", "ISSUER")

DEFAULTS: dict[str, Default] = {
    "DEBUG": lambda env: env.bool("DEBUG", False),  # an older site that never said so is not in development
    "APP_URL": lambda env: env.url("APP_URL", "http://127.0.0.1:8000"),
    "LOGIN_URL": lambda env: env.str("LOGIN_URL", "/login"),
    "LOG_LEVEL": lambda env: env.log_level("LOG_LEVEL", "INFO"),
    "LOG_FORMAT": lambda env: env.choice("LOG_FORMAT", "text", ("text", "json")),
    "TRUSTED_PROXIES": lambda env: env.networks("TRUSTED_PROXIES"),
    "ALLOWED_HOSTS": lambda env: env.list("ALLOWED_HOSTS"),  # empty: APP_URL's host, any in DEBUG (core/http/hosts.py)
    "SESSION_COOKIE": lambda env: env.str("SESSION_COOKIE", "nori_session"),
    "SESSION_MAX_AGE": lambda env: env.int("SESSION_MAX_AGE", 14 * 24 * 3600, minimum=60),
    "MAX_BODY_SIZE": lambda env: env.int("MAX_BODY_SIZE", 10 * 1024 * 1024, minimum=1024),
    # core/http/uploads: per file and per request; multipart bodies may exceed MAX_BODY_SIZE by these
    "UPLOAD_MAX_SIZE": lambda env: env.int("UPLOAD_MAX_SIZE", 10 * 1024 * 1024, minimum=1),
    "UPLOAD_MAX_FILES": lambda env: env.int("UPLOAD_MAX_FILES", 10, minimum=1),
    # core/storage: file:///path (served by /storage/...) or s3://bucket?endpoint_url=...&region=...
    "STORAGE_URL": lambda env: env.str("STORAGE_URL", (paths.BASE_DIR / "storage" / "files").as_uri()),
    "MAX_HEADER_SIZE": lambda env: env.int("MAX_HEADER_SIZE", 64 * 1024, minimum=4096),
    "MAX_HEADER_COUNT": lambda env: env.int("MAX_HEADER_COUNT", 100, minimum=16),
    "CORS_ORIGINS": lambda env: [origin.rstrip("/") for origin in env.list("CORS_ORIGINS")],
    "CSRF_EXEMPT": lambda env: env.list("CSRF_EXEMPT"),
    "API_PREFIX": lambda env: env.path_prefix("API_PREFIX", "/api"),
    "ADMIN_ENABLED": lambda env: env.bool("ADMIN_ENABLED", True),  # pages answer only to admin.* grants
    "ADMIN_PREFIX": lambda env: env.path_prefix("ADMIN_PREFIX", "/admin"),
    "LOGIN_MAX_ATTEMPTS": lambda env: env.int("LOGIN_MAX_ATTEMPTS", 5, minimum=1),
    "LOGIN_IP_MAX_ATTEMPTS": lambda env: env.int("LOGIN_IP_MAX_ATTEMPTS", 50, minimum=1),
    "LOGIN_LOCKOUT_SECONDS": lambda env: env.int("LOGIN_LOCKOUT_SECONDS", 300, minimum=1),
    "LOGIN_THROTTLE_REDIS_URL": lambda env: env.store_url("LOGIN_THROTTLE_REDIS_URL"),
    "LOGIN_THROTTLE_FALLBACK": lambda env: env.choice("LOGIN_THROTTLE_FALLBACK", "memory", ("memory", "closed")),
    "PASSWORD_RESET_TTL": lambda env: env.int("PASSWORD_RESET_TTL", 3600, minimum=60),
    "EMAIL_VERIFICATION_TTL": lambda env: env.int("EMAIL_VERIFICATION_TTL", 24 * 3600, minimum=60),
    "REMEMBER_ME_TTL": lambda env: env.int("REMEMBER_ME_TTL", 30 * 24 * 3600, minimum=60),
    # core/auth/tokens: JWT access tokens; an empty JWT_KEY is derived from SECRET_KEY.
    "JWT_KEY": lambda env: env.signing_key("JWT_KEY"),
    "JWT_KEY_ID": lambda env: env.str("JWT_KEY_ID", "1"),
    "JWT_PREVIOUS_KEYS": lambda env: env.key_ring("JWT_PREVIOUS_KEYS"),
    "JWT_ALGORITHM": lambda env: env.choice("JWT_ALGORITHM", "hs256", ("hs256", "hs384", "hs512")).upper(),
    "JWT_ISSUER": lambda env: _jwt_issuer(env),
    "JWT_AUDIENCE": lambda env: env.str("JWT_AUDIENCE") or _jwt_issuer(env),
    "JWT_ACCESS_TTL": lambda env: env.int("JWT_ACCESS_TTL", 900, minimum=30, maximum=86400),
    "JWT_REFRESH_TTL": lambda env: env.int("JWT_REFRESH_TTL", 30 * 24 * 3600, minimum=300),
    "TWO_FACTOR_ISSUER": lambda env: env.str("TWO_FACTOR_ISSUER", "Nori"),
    # core/auth/oauth.py: social login; a provider shows once its client id and secret are set.
    "OAUTH_GITHUB_CLIENT_ID": lambda env: env.str("OAUTH_GITHUB_CLIENT_ID"),
    "OAUTH_GITHUB_CLIENT_SECRET": lambda env: env.str("OAUTH_GITHUB_CLIENT_SECRET"),
    "OAUTH_GOOGLE_CLIENT_ID": lambda env: env.str("OAUTH_GOOGLE_CLIENT_ID"),
    "OAUTH_GOOGLE_CLIENT_SECRET": lambda env: env.str("OAUTH_GOOGLE_CLIENT_SECRET"),
    "OAUTH_PROVIDERS": lambda env: env.sections("OAUTH_PROVIDERS", OAUTH_PROVIDER_FIELDS, optional=("LABEL",)),
    "REDIS_URL": lambda env: env.str("REDIS_URL"),
    "CACHE_URL": lambda env: env.store_url("CACHE_URL"),
    "CACHE_MAX_ENTRIES": lambda env: env.int("CACHE_MAX_ENTRIES", 10_000, minimum=1),
    "CACHE_PREFIX": lambda env: env.str("CACHE_PREFIX", "nori:cache:"),
    "SESSION_BACKEND": lambda env: env.choice("SESSION_BACKEND", "cookie", ("cookie", "redis", "database")),
    "SESSION_URL": lambda env: env.store_url("SESSION_URL"),
    "THROTTLE_URL": lambda env: env.store_url("THROTTLE_URL"),
    "THROTTLE_FAIL_OPEN": lambda env: env.bool("THROTTLE_FAIL_OPEN", True),
    "QUEUE_URL": lambda env: env.str("QUEUE_URL") or env.str("REDIS_URL"),  # empty: jobs run in-process
    "QUEUE_HEARTBEAT": lambda env: env.int("QUEUE_HEARTBEAT", 10, minimum=1),
    # core/realtime: empty REALTIME_URL follows REDIS_URL, then a PostgreSQL database, then this process only.
    "REALTIME_URL": lambda env: env.str("REALTIME_URL"),
    "REALTIME_CHANNEL": lambda env: env.str("REALTIME_CHANNEL", "nori_realtime"),
    "REALTIME_MAX_MESSAGE": lambda env: env.int("REALTIME_MAX_MESSAGE", 64 * 1024, minimum=128),
    "REALTIME_PING_INTERVAL": lambda env: env.int("REALTIME_PING_INTERVAL", 20, minimum=0),
    "REALTIME_PING_TIMEOUT": lambda env: env.int("REALTIME_PING_TIMEOUT", 20, minimum=1),
    # Garbage collector of each gunicorn worker once started (core/serving.py, docs/performance.md).
    "GC_FREEZE": lambda env: env.bool("GC_FREEZE", False),
    "GC_THRESHOLD": lambda env: env.int("GC_THRESHOLD", 0, minimum=0),
    "AUDIT_WRITES": lambda env: env.choice("AUDIT_WRITES", "transactional", ("transactional", "batched")),
    # Empty: log:// when DEBUG is on, and sending refuses otherwise (core/mail/transports.py).
    "MAIL_URL": lambda env: env.str("MAIL_URL"),
    "MAIL_FROM": lambda env: env.str("MAIL_FROM", "Nori <noreply@localhost.localdomain>"),
    "MAIL_RETRIES": lambda env: env.int("MAIL_RETRIES", 2, minimum=0, maximum=10),
    "MAIL_RETRY_DELAY": lambda env: env.int("MAIL_RETRY_DELAY", 1, minimum=0, maximum=300),
    "MAIL_DIR": lambda env: paths.BASE_DIR / "storage" / "mail",
    # Read replicas (core/replicas): DB_READ_URLS itself is part of DATABASE in the site's settings.
    "READ_AFTER_WRITE_SECONDS": lambda env: env.int("READ_AFTER_WRITE_SECONDS", 5, minimum=0),
    "DB_REPLICA_RETRY_SECONDS": lambda env: env.int("DB_REPLICA_RETRY_SECONDS", 30, minimum=1),
    # Observability (core/observability): all off by default; DEBUG turns Server-Timing on.
    "SERVER_TIMING": lambda env: env.bool("SERVER_TIMING", False),
    "SLOW_QUERY_MS": lambda env: env.int("SLOW_QUERY_MS", 0, minimum=0),
    "SLOW_REQUEST_MS": lambda env: env.int("SLOW_REQUEST_MS", 0, minimum=0),
    "OPENAPI_ENABLED": lambda env: env.bool("OPENAPI_ENABLED", True),  # the routes are public anyway: see docs/api.md
    "OPENAPI_DOCS_ENABLED": lambda env: env.bool("OPENAPI_DOCS_ENABLED", _site_debug()),
    "OPENAPI_TITLE": lambda env: env.str("OPENAPI_TITLE", "Nori site"),
    "OPENAPI_VERSION": lambda env: env.str("OPENAPI_VERSION", "0.1.0"),
    "N_PLUS_ONE_THRESHOLD": lambda env: env.int("N_PLUS_ONE_THRESHOLD", 5, minimum=2),
    "QUERY_LOG_PARAMETERS": lambda env: env.bool("QUERY_LOG_PARAMETERS", False),
    "METRICS_ENABLED": lambda env: env.bool("METRICS_ENABLED", False),
    "METRICS_TOKEN": lambda env: env.str("METRICS_TOKEN"),
    "METRICS_ALLOW": lambda env: env.networks("METRICS_ALLOW"),
    "TRACING_ENABLED": lambda env: env.bool("TRACING_ENABLED", False),
    "APPLICATION_DIR": lambda env: paths.APPLICATION_DIR,
    "TEMPLATES_DIR": lambda env: paths.TEMPLATES_DIR,
    "STATIC_DIR": lambda env: paths.STATIC_DIR,
    "MIGRATIONS_DIR": lambda env: paths.MIGRATIONS_DIR,
}

def _jwt_issuer(env: Env) -> str:
    """The site itself issues and accepts its tokens unless told otherwise."""
    return env.str("JWT_ISSUER") or env.url("APP_URL", "http://127.0.0.1:8000")


# No default can stand in for these: every site defines them (the project skeleton does).
REQUIRED = frozenset({"SECRET_KEY", "DATABASE", "TORTOISE_ORM"})


class Settings:
    """`settings.NAME`: the site's value, else the framework default; see the module docstring."""

    def __init__(self, module_name: str = "settings") -> None:
        self._module_name = module_name

    def module(self) -> ModuleType:
        """The site's settings module, imported on first call: a bad value in `.env` raises here.

        Looked up in `sys.modules` each time rather than kept, so a reloaded or replaced module
        (a test's, a shell's) is the one read.
        """
        return sys.modules.get(self._module_name) or importlib.import_module(self._module_name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # probes such as copy's or inspect's are not settings
            raise AttributeError(name)
        site = self.module()
        try:
            return getattr(site, name)
        except AttributeError:
            pass
        default = DEFAULTS.get(name)
        if default is not None:
            return default(_env_of(site))
        if name in REQUIRED:
            from core.conf import SettingError

            raise SettingError(f"{self._module_name}.py does not define {name}, which the framework needs: "
                               "add it as the project skeleton's settings.py does (see docs/configuration.md)")
        raise AttributeError(f"{name} is neither in {self._module_name}.py nor a framework setting")


def _site_debug() -> bool:
    """The site's DEBUG, for defaults that follow it (a site in development gets its conveniences)."""
    return bool(settings.DEBUG)


def _env_of(site: ModuleType) -> Env:
    """The site's own `env` reader (same `.env`, same environment), or the environment alone."""
    from core.conf import Env  # python-dotenv: only the rare fallback pays for it, not `--help`

    env = getattr(site, "env", None)
    return env if isinstance(env, Env) else Env()


settings = Settings()
