"""The site's configuration, read once from the environment and `.env` at the project root.

Add your own settings the same way: `STRIPE_KEY = env.str("STRIPE_KEY")` reads it from `.env`
(or the environment) and a matching line in `.env.example` documents it. A framework setting
this file leaves out gets the framework's default (`core/settings.py`, read from `.env` too).
"""

from __future__ import annotations

from core import paths
from core.conf import Env, env_file_named, env_file_path
from core.database import ENGINES, DatabaseSettings, sqlite_path, tortoise_config
from core.secrets import DEV_KEY_FILE, resolve_secret_key

# The site's folders, as core/paths.py finds them; assign another path to move one.
BASE_DIR = paths.BASE_DIR
APPLICATION_DIR = paths.APPLICATION_DIR
TEMPLATES_DIR = paths.TEMPLATES_DIR
STATIC_DIR = paths.STATIC_DIR
MIGRATIONS_DIR = paths.MIGRATIONS_DIR

# NORI_ENV_FILE points at another file (a deployment secret mount, a test fixture), which must exist.
ENV_FILE = env_file_path(BASE_DIR)
env = Env(ENV_FILE, required=env_file_named())

DEBUG = env.bool("DEBUG", True)
# Without one in DEBUG, a generated key is kept in .nori-dev-key (git-ignored) so sessions survive reloads.
SECRET_KEY = resolve_secret_key(env.str("SECRET_KEY"), debug=DEBUG, dev_key_file=BASE_DIR / DEV_KEY_FILE)
APP_URL = env.url("APP_URL", "http://127.0.0.1:8000")
TIMEZONE = env.timezone("TIMEZONE", "UTC")
LOGIN_URL = env.str("LOGIN_URL", "/login")
# Paths under this prefix answer JSON (errors included) whatever the client's Accept header says.
API_PREFIX = env.path_prefix("API_PREFIX", "/api")
# The admin (docs/admin.md): pages for every registered model, each gated by an admin.* permission.
ADMIN_ENABLED = env.bool("ADMIN_ENABLED", True)
ADMIN_PREFIX = env.path_prefix("ADMIN_PREFIX", "/admin")
LOG_LEVEL = env.log_level("LOG_LEVEL", "INFO")
LOG_FORMAT = env.choice("LOG_FORMAT", "text", ("text", "json"))  # json: one object a line, with request fields
TRUSTED_PROXIES = env.networks("TRUSTED_PROXIES")
# Host names served (.example.com: every subdomain; *: any); empty: APP_URL's host, any in DEBUG.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# transactional: NoriAuditMixin writes each row in its change's transaction (nothing lost on a
# crash); batched: rows are queued and written in batches (cheaper, loses the queue on a crash).
AUDIT_WRITES = env.choice("AUDIT_WRITES", "transactional", ("transactional", "batched"))

# Web layer: sessions, request limits, cross-origin access and login throttling.
SESSION_COOKIE = env.str("SESSION_COOKIE", "nori_session")
SESSION_MAX_AGE = env.int("SESSION_MAX_AGE", 14 * 24 * 3600, minimum=60)
MAX_BODY_SIZE = env.int("MAX_BODY_SIZE", 10 * 1024 * 1024, minimum=1024)
# Uploads (docs/uploads.md): the largest file and the most files a multipart request may carry;
# routes narrow them with @uploads(max_size=..., max_files=...).
UPLOAD_MAX_SIZE = env.int("UPLOAD_MAX_SIZE", 10 * 1024 * 1024, minimum=1)
UPLOAD_MAX_FILES = env.int("UPLOAD_MAX_FILES", 10, minimum=1)
# Stored files (docs/storage.md): file:///path, served at /storage/... with signed links, or
# s3://bucket?endpoint_url=...&region=... (the [s3] extra). storage/ is git-ignored.
STORAGE_URL = env.str("STORAGE_URL", (BASE_DIR / "storage" / "files").as_uri())
MAX_HEADER_SIZE = env.int("MAX_HEADER_SIZE", 64 * 1024, minimum=4096)
MAX_HEADER_COUNT = env.int("MAX_HEADER_COUNT", 100, minimum=16)
CORS_ORIGINS = [origin.rstrip("/") for origin in env.list("CORS_ORIGINS")]
CSRF_EXEMPT = env.list("CSRF_EXEMPT")
LOGIN_MAX_ATTEMPTS = env.int("LOGIN_MAX_ATTEMPTS", 5, minimum=1)
LOGIN_IP_MAX_ATTEMPTS = env.int("LOGIN_IP_MAX_ATTEMPTS", 50, minimum=1)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", 300, minimum=1)
LOGIN_THROTTLE_REDIS_URL = env.store_url("LOGIN_THROTTLE_REDIS_URL")
LOGIN_THROTTLE_FALLBACK = env.choice("LOGIN_THROTTLE_FALLBACK", "memory", ("memory", "closed"))
# Account links and tokens (docs/authentication.md): seconds a password reset link and an email
# verification link stay valid, and how long "remember me" keeps a browser logged in.
PASSWORD_RESET_TTL = env.int("PASSWORD_RESET_TTL", 3600, minimum=60)
EMAIL_VERIFICATION_TTL = env.int("EMAIL_VERIFICATION_TTL", 24 * 3600, minimum=60)
REMEMBER_ME_TTL = env.int("REMEMBER_ME_TTL", 30 * 24 * 3600, minimum=60)
# The site's name in the user's authenticator app, beside their email (two-factor).
TWO_FACTOR_ISSUER = env.str("TWO_FACTOR_ISSUER", "Nori")
# Social login (docs/authentication.md#social-login): GitHub and Google show on the login page once
# their client id and secret are set; OAUTH_PROVIDERS names other OpenID Connect providers, each
# with OAUTH_<NAME>_CLIENT_ID, OAUTH_<NAME>_CLIENT_SECRET, OAUTH_<NAME>_ISSUER (and OAUTH_<NAME>_LABEL).
OAUTH_GITHUB_CLIENT_ID = env.str("OAUTH_GITHUB_CLIENT_ID")
OAUTH_GITHUB_CLIENT_SECRET = env.str("OAUTH_GITHUB_CLIENT_SECRET")
OAUTH_GOOGLE_CLIENT_ID = env.str("OAUTH_GOOGLE_CLIENT_ID")
OAUTH_GOOGLE_CLIENT_SECRET = env.str("OAUTH_GOOGLE_CLIENT_SECRET")
OAUTH_PROVIDERS = env.sections("OAUTH_PROVIDERS", ("CLIENT_ID", "CLIENT_SECRET", "ISSUER"), optional=("LABEL",))

# Shared state: one Redis for the cache, rate limits, sessions and jobs; each feature may point elsewhere.
REDIS_URL = env.str("REDIS_URL")
CACHE_URL = env.store_url("CACHE_URL")
CACHE_MAX_ENTRIES = env.int("CACHE_MAX_ENTRIES", 10_000, minimum=1)
CACHE_PREFIX = env.str("CACHE_PREFIX", "nori:cache:")
SESSION_BACKEND = env.choice("SESSION_BACKEND", "cookie", ("cookie", "redis", "database"))
SESSION_URL = env.store_url("SESSION_URL")
THROTTLE_URL = env.store_url("THROTTLE_URL")
THROTTLE_FAIL_OPEN = env.bool("THROTTLE_FAIL_OPEN", True)
# Background jobs (docs/jobs.md): empty runs them in-process; a Redis URL queues them for `queue:work`.
QUEUE_URL = env.str("QUEUE_URL") or REDIS_URL
QUEUE_HEARTBEAT = env.int("QUEUE_HEARTBEAT", 10, minimum=1)
# WebSockets (docs/websockets.md): where broadcasts cross processes (empty: REDIS_URL, else the
# database when it is PostgreSQL, else this process only), the channel they travel on, the largest
# message a client may send (bytes; 1009 past it), and the server's ping every N seconds (0: off),
# closing a socket whose pong takes longer than the timeout.
REALTIME_URL = env.str("REALTIME_URL")
REALTIME_CHANNEL = env.str("REALTIME_CHANNEL", "nori_realtime")
REALTIME_MAX_MESSAGE = env.int("REALTIME_MAX_MESSAGE", 64 * 1024, minimum=128)
REALTIME_PING_INTERVAL = env.int("REALTIME_PING_INTERVAL", 20, minimum=0)
REALTIME_PING_TIMEOUT = env.int("REALTIME_PING_TIMEOUT", 20, minimum=1)
# The garbage collector of each gunicorn worker once started (docs/performance.md#garbage-collector).
GC_FREEZE = env.bool("GC_FREEZE", False)
GC_THRESHOLD = env.int("GC_THRESHOLD", 0, minimum=0)

# Observability (docs/observability.md): Server-Timing and a log line per request (on in DEBUG),
# slow query and slow request warnings (milliseconds, 0: off), the N+1 warning's count (DEBUG).
SERVER_TIMING = env.bool("SERVER_TIMING", False)
SLOW_QUERY_MS = env.int("SLOW_QUERY_MS", 0, minimum=0)
SLOW_REQUEST_MS = env.int("SLOW_REQUEST_MS", 0, minimum=0)
N_PLUS_ONE_THRESHOLD = env.int("N_PLUS_ONE_THRESHOLD", 5, minimum=2)
QUERY_LOG_PARAMETERS = env.bool("QUERY_LOG_PARAMETERS", False)  # on: query hooks see the values too
# GET /metrics for Prometheus (pip install '.[metrics]'): read with `Authorization: Bearer METRICS_TOKEN`
# or from METRICS_ALLOW networks; with neither, from this machine only.
METRICS_ENABLED = env.bool("METRICS_ENABLED", False)
METRICS_TOKEN = env.str("METRICS_TOKEN")
METRICS_ALLOW = env.networks("METRICS_ALLOW")
# OpenTelemetry spans for requests and queries (pip install '.[tracing]'); the exporter is yours to set up.
TRACING_ENABLED = env.bool("TRACING_ENABLED", False)

# OpenAPI (docs/api.md#openapi): /openapi.json (on: it lists only routes the site serves anyway,
# minus those marked @internal) and the /docs page built from it (on in DEBUG).
OPENAPI_ENABLED = env.bool("OPENAPI_ENABLED", True)
OPENAPI_DOCS_ENABLED = env.bool("OPENAPI_DOCS_ENABLED", DEBUG)
OPENAPI_TITLE = env.str("OPENAPI_TITLE", "Nori site")
OPENAPI_VERSION = env.str("OPENAPI_VERSION", "0.1.0")

# Mail (docs/mail.md): smtp://user:pass@host:587, smtps://host:465 or log://; empty is log:// in DEBUG.
MAIL_URL = env.str("MAIL_URL")
MAIL_FROM = env.str("MAIL_FROM", "Nori <noreply@localhost.localdomain>")
MAIL_RETRIES = env.int("MAIL_RETRIES", 2, minimum=0, maximum=10)
MAIL_RETRY_DELAY = env.int("MAIL_RETRY_DELAY", 1, minimum=0, maximum=300)
# log:// writes mails here, and mails that could not be sent are recorded under failed/.
MAIL_DIR = BASE_DIR / "storage" / "mail"

# API tokens (core/auth/tokens): JWT access tokens are signed with JWT_KEY (derived from
# SECRET_KEY when empty), named JWT_KEY_ID; JWT_PREVIOUS_KEYS (id:key,...) still verify.
JWT_KEY = env.signing_key("JWT_KEY")
JWT_KEY_ID = env.str("JWT_KEY_ID", "1")
JWT_PREVIOUS_KEYS = env.key_ring("JWT_PREVIOUS_KEYS")
JWT_ALGORITHM = env.choice("JWT_ALGORITHM", "hs256", ("hs256", "hs384", "hs512")).upper()
JWT_ISSUER = env.str("JWT_ISSUER") or APP_URL
JWT_AUDIENCE = env.str("JWT_AUDIENCE") or JWT_ISSUER
JWT_ACCESS_TTL = env.int("JWT_ACCESS_TTL", 900, minimum=30, maximum=86400)
JWT_REFRESH_TTL = env.int("JWT_REFRESH_TTL", 30 * 24 * 3600, minimum=300)

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
    query_timeout=env.int("DB_QUERY_TIMEOUT", 5, minimum=0),
    timezone=TIMEZONE,
)
# Read replicas (docs/scaling.md): a request's reads go to them, in turn; writes, transactions and
# the CLI use the primary. After a write the session reads the primary for READ_AFTER_WRITE_SECONDS;
# a replica that fails is skipped for DB_REPLICA_RETRY_SECONDS.
DATABASE = DATABASE.with_replicas(env.list("DB_READ_URLS"))
READ_AFTER_WRITE_SECONDS = env.int("READ_AFTER_WRITE_SECONDS", 5, minimum=0)
DB_REPLICA_RETRY_SECONDS = env.int("DB_REPLICA_RETRY_SECONDS", 30, minimum=1)
TORTOISE_ORM = tortoise_config(DATABASE)
