"""The site served by uvicorn on each engine, configured only through its environment."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx

from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.server import database_environment, served_site


def test_site_answers_home_and_health_on_every_engine(nori_engine: str, tmp_path: Path) -> None:
    db = engine_database(nori_engine, "_served")
    if nori_engine == "sqlite":
        db = db.with_name(str(tmp_path / "served.sqlite3"))
    asyncio.run(recreate_database(db))
    settings = {**database_environment(db), "DEBUG": "true"}
    with served_site(settings, tmp_path) as base:
        home = httpx.get(base + "/")
        assert home.status_code == 200 and nori_engine in home.text
        assert httpx.get(base + "/health").json() == {"status": "ok", "database": "ok"}


def tables_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_schema_is_generated_only_with_debug_on(tmp_path: Path) -> None:
    debug_db, prod_db = tmp_path / "debug.sqlite3", tmp_path / "prod.sqlite3"
    with served_site({"DB_ENGINE": "sqlite", "DB_NAME": str(debug_db), "DEBUG": "true"}, tmp_path):
        pass
    assert {"users", "audit_logs", "roles"} <= tables_in(debug_db)
    production = {"DB_ENGINE": "sqlite", "DB_NAME": str(prod_db), "DEBUG": "false", "SECRET_KEY": "k" * 40}
    with served_site(production, tmp_path) as base:
        assert httpx.get(base + "/health").status_code == 200
    assert "users" not in tables_in(prod_db)
