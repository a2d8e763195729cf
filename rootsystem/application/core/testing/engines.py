"""Which engines a test run covers, and where their test databases live.

`NORI_TEST_ENGINES=sqlite,mysql,postgres` makes each listed engine required: an unreachable one
fails the run. Without it the run covers SQLite plus every server that answers, and names the
ones it skipped. Servers are found at `NORI_TEST_<ENGINE>_HOST/PORT/USER/PASSWORD` (defaults:
the local servers), in a database named `NORI_TEST_DB_NAME` (default `nori_test`).
"""

from __future__ import annotations

import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.database import DEFAULT_PORTS, DEFAULT_USERS, ENGINES, DatabaseSettings

ENV_ENGINES = "NORI_TEST_ENGINES"


@dataclass(frozen=True)
class EnginePlan:
    engine: str
    required: bool
    reachable: bool

    @property
    def skip_reason(self) -> str | None:
        if self.reachable:
            return None
        db = engine_database(self.engine)
        return f"{self.engine} is not reachable at {db.host}:{db.effective_port} (set {ENV_ENGINES} to require it)"


def _setting(engine: str, field: str, default: str) -> str:
    return os.environ.get(f"NORI_TEST_{engine.upper()}_{field}", default)


def engine_database(engine: str, suffix: str = "") -> DatabaseSettings:
    """Settings for the engine's test database; SQLite gets a file in the temp directory.

    `suffix` names a second database for tests that need one of their own (migrations, a
    served site); it is appended to the run's base name so parallel runs stay apart.
    """
    base = os.environ.get("NORI_TEST_DB_NAME", "nori_test") + suffix
    if engine == "sqlite":
        path = Path(tempfile.gettempdir()) / f"{base}_{os.getpid()}.sqlite3"
        return DatabaseSettings(engine="sqlite", name=str(path))
    return DatabaseSettings(
        engine=engine,
        name=base,
        host=_setting(engine, "HOST", "127.0.0.1"),
        port=int(_setting(engine, "PORT", str(DEFAULT_PORTS[engine]))),
        user=_setting(engine, "USER", DEFAULT_USERS[engine]),
        password=_setting(engine, "PASSWORD", ""),
        pool_min=1,
        pool_max=5,
    )


def reachable(engine: str, timeout: float = 1.0) -> bool:
    if engine == "sqlite":
        return True
    db = engine_database(engine)
    try:
        with socket.create_connection((db.host, db.effective_port), timeout=timeout):
            return True
    except OSError:
        return False


def engine_plans() -> list[EnginePlan]:
    requested = os.environ.get(ENV_ENGINES, "").strip()
    if requested:
        names = [name.strip().lower() for name in requested.split(",") if name.strip()]
        unknown = [name for name in names if name not in ENGINES]
        if unknown:
            raise ValueError(f"{ENV_ENGINES} has unknown engine(s) {', '.join(unknown)}: use {', '.join(ENGINES)}")
        return [EnginePlan(name, True, reachable(name)) for name in names]
    return [EnginePlan(name, False, reachable(name)) for name in ENGINES]
