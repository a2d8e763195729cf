"""A throwaway copy of the project for tests that run `python3 nori.py` and let it write files."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

from core.database import DatabaseSettings, orm, tortoise_config
from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.server import site_environment
from tests.test_served import engine_settings

__all__ = ["copy_site", "engine_settings", "fresh_database", "nori"]

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("nori.py", "rootsystem", "seeders", "migrations")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite3*", ".env")


def copy_site(tmp_path: Path) -> Path:
    """nori.py, rootsystem, seeders and migrations copied under `tmp_path/site`."""
    site = tmp_path / "site"
    site.mkdir()
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, site / part, ignore=IGNORED)
        else:
            shutil.copy2(source, site / part)
    return site


def nori(site: Path, *args: str, settings: dict[str, str] | None = None, stdin: str | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python3 nori.py ARGS` in `site` with `settings` as its only site configuration."""
    env = site_environment({"DEBUG": "true", "SECRET_KEY": "test-secret-" * 4, **(settings or {})}, site.parent)
    return subprocess.run([sys.executable, "nori.py", *args], cwd=site, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def fresh_database(engine: str, suffix: str, tmp_path: Path) -> DatabaseSettings:
    """A database of the test's own with the framework and site tables created from the models."""
    db = engine_database(engine, suffix)
    if engine == "sqlite":
        db = db.with_name(str(tmp_path / f"{suffix}.sqlite3"))

    async def create() -> None:
        from tortoise import Tortoise

        await recreate_database(db)
        async with orm(tortoise_config(db)):
            await Tortoise.generate_schemas(safe=False)

    asyncio.run(create())
    return db
