"""Engine name to Tortoise configuration, and an ORM scope for code that runs outside the server.

One builder serves the web app, the CLI and the tests, so the three can never disagree about
where the data lives or which modules hold models.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


def _dictdiffer_without_numpy() -> None:
    """Import `dictdiffer` (Aerich's differ) with numpy hidden from it, before anything imports Aerich.

    Every Tortoise start-up imports Aerich (its `aerich.models` app is listed below), Aerich imports
    dictdiffer, and dictdiffer imports numpy whenever numpy is installed, only to diff arrays, which
    Aerich's model states never hold. On a machine that has numpy for something else that is a
    tenth of a second added to every command that opens the database and to every worker's start.
    A process that imported numpy already pays nothing more, so it is left as it is.
    """
    import sys

    if "dictdiffer" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError meanwhile
    try:
        import dictdiffer  # type: ignore[import-untyped]  # noqa: F401
    finally:
        del sys.modules["numpy"]


_dictdiffer_without_numpy()

ENGINES = ("sqlite", "mysql", "postgres")
DEFAULT_PORTS = {"sqlite": 0, "mysql": 3306, "postgres": 5432}
DEFAULT_USERS = {"sqlite": "", "mysql": "root", "postgres": "postgres"}
BACKENDS = {
    "sqlite": "tortoise.backends.sqlite",
    "mysql": "tortoise.backends.mysql",
    "postgres": "tortoise.backends.asyncpg",
}
FRAMEWORK_APP = "framework"
SITE_APP = "models"
MIGRATION_STATE_MODULE = "aerich.models"  # the migration engine's own table: which files ran
FRAMEWORK_MODULES = ("core.models", MIGRATION_STATE_MODULE)
SITE_MODULES = ("models",)


@dataclass(frozen=True)
class DatabaseSettings:
    """Where the database is; `name` is a file path for SQLite and a database name elsewhere."""

    engine: str = "sqlite"
    name: str = "db.sqlite3"
    host: str = "127.0.0.1"
    port: int = 0
    user: str = ""
    password: str = ""
    pool_min: int = 1
    pool_max: int = 10
    timezone: str = "UTC"
    query_timeout: int = 5  # seconds for a connect or a query to answer; 0 waits for ever
    extra_apps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    replicas: tuple[DatabaseSettings, ...] = ()  # read replicas (DB_READ_URLS), see core/replicas

    def __post_init__(self) -> None:
        """Refuse a pool that cannot exist at start, rather than at the first connection."""
        if self.pool_min > self.pool_max:
            from core.conf import SettingError

            raise SettingError(f"DB_POOL_MIN={self.pool_min} is above DB_POOL_MAX={self.pool_max}: "
                               "the pool's minimum size cannot exceed its maximum")

    def with_name(self, name: str) -> DatabaseSettings:
        return replace(self, name=name)

    def with_replicas(self, urls: Sequence[str]) -> DatabaseSettings:
        """These settings with read replicas at `urls` (DB_READ_URLS); see `replica_settings`."""
        return replace(self, replicas=replica_settings(urls, self))

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.engine]

    @property
    def effective_user(self) -> str:
        return self.user or DEFAULT_USERS[self.engine]

    def describe(self) -> str:
        """A human label without the password, safe for logs and `check` output."""
        if self.engine == "sqlite":
            return f"sqlite {self.name}"
        return f"{self.engine} {self.effective_user}@{self.host}:{self.effective_port}/{self.name}"


def register_sqlite_adapters() -> None:
    """Let SQLite store `datetime.time` (Tortoise's TimeField) as ISO text, which it reads back.

    The sqlite3 module has no adapter for `time`, so without this a TimeField fails on insert.
    """
    import datetime
    import sqlite3

    sqlite3.register_adapter(datetime.time, datetime.time.isoformat)


def connection_config(db: DatabaseSettings) -> dict[str, Any]:
    """The Tortoise connection entry for one engine."""
    if db.engine == "sqlite":
        register_sqlite_adapters()
        return {"engine": BACKENDS["sqlite"], "credentials": {"file_path": db.name}}
    credentials: dict[str, Any] = {
        "host": db.host,
        "port": db.effective_port,
        "user": db.effective_user,
        "password": db.password,
        "database": db.name,
        "minsize": db.pool_min,
        "maxsize": db.pool_max,
    }
    if db.engine == "mysql":
        credentials["charset"] = "utf8mb4"
    credentials.update(timeout_credentials(db.engine, db.query_timeout))
    return {"engine": BACKENDS[db.engine], "credentials": credentials}


# Each driver's own names for "give up connecting" and "give up waiting for an answer".
TIMEOUT_CREDENTIALS = {
    "postgres": ("timeout", "command_timeout"),  # asyncpg.create_pool
    "mysql": ("connect_timeout", "read_timeout"),  # asyncmy.connect
}


def timeout_credentials(engine: str, seconds: int) -> dict[str, int]:
    """DB_QUERY_TIMEOUT as the driver's connect and read timeouts.

    A server that accepts the TCP connection and then never answers (overloaded, a stuck
    proxy, a half-open firewall) would otherwise hold each request for the driver's default
    (60 s for asyncpg's connect, for ever for a query); a timed-out request answers 503
    (core.http.unavailable). SQLite is a local file: it has its own lock timeout.
    """
    if seconds <= 0 or engine not in TIMEOUT_CREDENTIALS:
        return {}
    return dict.fromkeys(TIMEOUT_CREDENTIALS[engine], seconds)


def without_query_timeout(config: Mapping[str, Any]) -> dict[str, Any]:
    """`config` with the read timeouts removed: migrations run DDL that may rightly take minutes."""
    connections = {}
    for name, connection in config["connections"].items():
        credentials = dict(connection.get("credentials", {}))
        credentials.pop("command_timeout", None)
        credentials.pop("read_timeout", None)
        connections[name] = {**connection, "credentials": credentials}
    return {**config, "connections": connections}


URL_ENGINES = {"sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql", "postgres": "postgres",
               "postgresql": "postgres"}


def replica_settings(urls: Sequence[str], primary: DatabaseSettings) -> tuple[DatabaseSettings, ...]:
    """DB_READ_URLS (`postgres://user:pass@host:5432/name`, `mysql://...`, `sqlite:///path`) as
    connection settings; pools, timeouts and time zone are the primary's."""
    from urllib.parse import unquote, urlsplit

    from core.conf import SettingError

    replicas = []
    for url in urls:
        parts = urlsplit(url)
        engine = URL_ENGINES.get(parts.scheme)
        name = unquote(parts.path[1:] if engine != "sqlite" else parts.path)
        if engine is None or not name or (engine != "sqlite" and not parts.hostname):
            raise SettingError(f"DB_READ_URLS entry {url.split('@')[-1]!r} is not a database URL: use "
                               "postgres://user:password@host:5432/name, mysql://... or sqlite:///path")
        replicas.append(replace(primary, engine=engine, name=name, host=parts.hostname or "", port=parts.port or 0,
                                user=unquote(parts.username or ""), password=unquote(parts.password or ""),
                                replicas=()))
    return tuple(replicas)


def without_migration_state(config: Mapping[str, Any]) -> dict[str, Any]:
    """`config` without the migration engine's bookkeeping model, for a process that never migrates.

    Registering that model imports the whole engine (Aerich and its command-line toolkit), about
    a megabyte and a half a served worker would keep for nothing: a server with DEBUG off only
    reads the history, which `core.migrations.backend.applied_migrations` does with plain SQL.
    """
    apps = {label: {**app, "models": [module for module in app["models"] if module != MIGRATION_STATE_MODULE]}
            for label, app in config["apps"].items()}
    return {**config, "apps": apps}


def tortoise_config(db: DatabaseSettings) -> dict[str, Any]:
    """The full `TORTOISE_ORM` dict: the framework app and the site app on one connection, and
    read replicas beside it with the router that sends reads to them (core/replicas)."""
    apps: dict[str, Any] = {
        FRAMEWORK_APP: {"models": list(FRAMEWORK_MODULES), "default_connection": "default"},
        SITE_APP: {"models": list(SITE_MODULES), "default_connection": "default"},
    }
    for label, modules in db.extra_apps.items():
        apps[label] = {"models": list(modules), "default_connection": "default"}
    config: dict[str, Any] = {
        "connections": {"default": connection_config(db)},
        "apps": apps,
        "use_tz": True,
        "timezone": db.timezone,
    }
    if db.replicas:
        from core.replicas.engine import REPLICA_PREFIX, replica_connection

        for number, replica in enumerate(db.replicas, 1):
            config["connections"][f"{REPLICA_PREFIX}{number}"] = replica_connection(connection_config(replica))
        config["routers"] = ["core.replicas.router.ReadReplicaRouter"]
    return config


def sqlite_path(name: str, root: Path) -> str:
    """SQLite paths in settings are relative to the project root, not the working directory."""
    if name == ":memory:" or Path(name).is_absolute():
        return name
    return str(root / name)


@asynccontextmanager
async def orm(config: Mapping[str, Any], *, global_fallback: bool = False) -> AsyncIterator[None]:
    """Open the ORM for the duration of a block, in a context of its own.

    Each block gets a fresh `TortoiseContext`, so a command can open and close the ORM several
    times in one process (Tortoise refuses to re-initialise a closed global context). The
    shutdown hooks run before it closes, as they do when the server stops, so work queued by
    the block (audit rows written by a seeder, say) reaches the database.
    """
    from tortoise.context import TortoiseContext

    from core.compat.tortoise import init_orm
    from core.lifecycle import run_shutdown_hooks

    async with TortoiseContext() as ctx:
        await init_orm(config, context=ctx, visible_to_other_tasks=global_fallback)
        try:
            yield
        finally:
            await run_shutdown_hooks()


class DatabaseUnreachable(Exception):
    """The configured database does not answer; the message names it (never its password)."""


async def ping(db: DatabaseSettings, connection: str = "default") -> None:
    """Run `SELECT 1` now, so a command on a dead database says so before it does any work.

    Tortoise connects lazily: without this, the first query of whatever runs next fails with
    the driver's error, and a seeder or a purge looks like the culprit.
    """
    from tortoise import connections

    hint = ("check DB_NAME in .env (its folder must exist)" if db.engine == "sqlite"
            else "check that the server is running and the DB_* settings in .env")
    folder = Path(db.name).parent
    if db.engine == "sqlite" and db.name != ":memory:" and not folder.is_dir():
        # Said before connecting: aiosqlite's failed connect leaves a thread that prints a traceback at exit.
        raise DatabaseUnreachable(f"cannot reach the database ({db.describe()}): {folder} does not exist; {hint}")
    try:
        await connections.get(connection).execute_query("SELECT 1")
    except Exception as error:
        detail = error_summary(error)
        raise DatabaseUnreachable(f"cannot reach the database ({db.describe()}): {detail}; {hint}") from error


def error_summary(error: BaseException) -> str:
    """A driver error's first line, safe to log or print.

    Tortoise appends the connection dict to its connection errors, password included, so
    everything from `: {` on is cut.
    """
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return text.split(": {", 1)[0]


async def close_orm() -> None:
    """Run the shutdown hooks, then close the connections, as `orm()` does at the end of its block.

    For code whose ORM outlives one `async with` (the server's lifespan, the shell's entries each
    run by the loop in turn): queued work, such as audit rows, is written while the database is
    still open instead of failing on a closed connection or dying with the event loop.
    """
    from tortoise import Tortoise

    from core.lifecycle import run_shutdown_hooks

    await run_shutdown_hooks()
    await Tortoise.close_connections()


def table_names() -> list[str]:
    """Every table behind the initialised models, many-to-many link tables included."""
    from tortoise import Tortoise

    tables: set[str] = set()
    for models in (Tortoise.apps or {}).values():
        for model in models.values():
            meta: Any = model._meta
            if meta.abstract:
                continue
            tables.add(meta.db_table)
            tables.update(meta.fields_map[name].through for name in meta.m2m_fields)
    return sorted(tables)
