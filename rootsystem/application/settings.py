"""The site's configuration, read once from the environment and `.env` at the project root.

Add your own settings the same way: `STRIPE_KEY = env.str("STRIPE_KEY")` reads it from `.env`
(or the environment) and a matching line in `.env.example` documents it.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.conf import Env
from core.database import ENGINES, DatabaseSettings, sqlite_path, tortoise_config
from core.secrets import resolve_secret_key

BASE_DIR = Path(__file__).resolve().parents[2]
APPLICATION_DIR = BASE_DIR / "rootsystem" / "application"
TEMPLATES_DIR = BASE_DIR / "rootsystem" / "templates"
STATIC_DIR = BASE_DIR / "rootsystem" / "static"
MIGRATIONS_DIR = BASE_DIR / "migrations"

# NORI_ENV_FILE points at another file (a deployment secret mount, a test fixture).
ENV_FILE = Path(os.environ.get("NORI_ENV_FILE") or BASE_DIR / ".env")
env = Env(ENV_FILE)

DEBUG = env.bool("DEBUG", True)
SECRET_KEY = resolve_secret_key(env.str("SECRET_KEY"), debug=DEBUG)
APP_URL = env.str("APP_URL", "http://127.0.0.1:8000").rstrip("/")
TIMEZONE = env.timezone("TIMEZONE", "UTC")
LOGIN_URL = env.str("LOGIN_URL", "/login")
LOG_LEVEL = env.log_level("LOG_LEVEL", "INFO")
TRUSTED_PROXIES = env.networks("TRUSTED_PROXIES")
# transactional: NoriAuditMixin writes each row in its change's transaction (nothing lost on a
# crash); batched: rows are queued and written in batches (cheaper, loses the queue on a crash).
AUDIT_WRITES = env.choice("AUDIT_WRITES", "transactional", ("transactional", "batched"))

# Web layer: sessions, request limits, cross-origin access and login throttling.
SESSION_COOKIE = env.str("SESSION_COOKIE", "nori_session")
SESSION_MAX_AGE = env.int("SESSION_MAX_AGE", 14 * 24 * 3600, minimum=60)
MAX_BODY_SIZE = env.int("MAX_BODY_SIZE", 10 * 1024 * 1024, minimum=1024)
CORS_ORIGINS = [origin.rstrip("/") for origin in env.list("CORS_ORIGINS")]
CSRF_EXEMPT = env.list("CSRF_EXEMPT")
LOGIN_MAX_ATTEMPTS = env.int("LOGIN_MAX_ATTEMPTS", 5, minimum=1)
LOGIN_IP_MAX_ATTEMPTS = env.int("LOGIN_IP_MAX_ATTEMPTS", 50, minimum=1)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", 300, minimum=1)
LOGIN_THROTTLE_REDIS_URL = env.str("LOGIN_THROTTLE_REDIS_URL")

DB_ENGINE = env.choice("DB_ENGINE", "sqlite", ENGINES)
DB_NAME = env.str("DB_NAME", "db.sqlite3" if DB_ENGINE == "sqlite" else "nori")
DATABASE = DatabaseSettings(
    engine=DB_ENGINE,
    name=sqlite_path(DB_NAME, BASE_DIR) if DB_ENGINE == "sqlite" else DB_NAME,
    host=env.str("DB_HOST", "127.0.0.1"),
    port=env.int("DB_PORT", 0, minimum=0, maximum=65535),
    user=env.str("DB_USER"),
    password=env.str("DB_PASSWORD"),
    pool_min=env.int("DB_POOL_MIN", 1, minimum=1),
    pool_max=env.int("DB_POOL_MAX", 10, minimum=1),
    timezone=TIMEZONE,
)
TORTOISE_ORM = tortoise_config(DATABASE)
