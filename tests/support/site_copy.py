"""A throwaway copy of the project with a database of its own, for tests that run `nori.py` for real.

Generators, seeders and migrations write files; doing that in a copy under `tmp_path` keeps the
repository's own `models/`, `seeders/` and `migrations/` untouched whatever a test does.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.database import DatabaseSettings, orm, tortoise_config
from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.server import database_environment, site_environment

__all__ = [
    "SiteCopy", "copy_project", "copy_site", "database_environment", "fresh_database", "make_site_copy", "nori",
]

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("nori.py", "rootsystem", "seeders", "migrations")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite3*", ".env")
TEST_SECRET = "test-secret-key-for-site-copies-0123456789"
database_environment = database_environment


def copy_site(tmp_path: Path) -> Path:
    """nori.py, rootsystem, seeders and migrations copied under `tmp_path/site`."""
    site = tmp_path / "site"
    site.mkdir(parents=True)
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
    env = site_environment({"DEBUG": "true", "SECRET_KEY": TEST_SECRET, **(settings or {})}, site.parent)
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


@dataclass
class SiteCopy:
    root: Path
    database: DatabaseSettings
    environ: dict[str, str]

    @property
    def models_dir(self) -> Path:
        return self.root / "rootsystem" / "application" / "models"

    def run(self, *args: str, expect: int | None = 0, **settings: str) -> subprocess.CompletedProcess[str]:
        """Run `python3 nori.py ARGS` in the copy; fails the test unless it exits with `expect`."""
        result = subprocess.run(
            [sys.executable, "nori.py", *args], cwd=self.root, env={**self.environ, **settings},
            capture_output=True, text=True, timeout=180,
        )
        if expect is not None:
            assert result.returncode == expect, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result

    def run_on_terminal(self, *args: str, answer: bytes, **settings: str) -> subprocess.CompletedProcess[str]:
        """Run `nori.py ARGS` with a terminal as stdin on which `answer` is typed (for confirmation prompts)."""
        main, terminal = os.openpty()
        try:
            os.write(main, answer)
            return subprocess.run([sys.executable, "nori.py", *args], cwd=self.root,
                                  env={**self.environ, **settings}, stdin=terminal,
                                  capture_output=True, text=True, timeout=180)
        finally:
            os.close(main)
            os.close(terminal)

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start `nori.py ARGS` without waiting; output unbuffered so a test can read it line by line."""
        return subprocess.Popen(
            [sys.executable, "nori.py", *args], cwd=self.root, env={**self.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def write_model(self, module: str, source: str) -> None:
        (self.models_dir / f"{module}.py").write_text(source)

    def wire_model(self, module: str, name: str, register: bool = True) -> None:
        """What `make:model` does: import the model in models/__init__.py and register it."""
        lines = f"from models.{module} import {name}\n"
        if register:
            lines += f"register_model({name!r}, {name})\n"
        with (self.models_dir / "__init__.py").open("a") as init:
            init.write(lines)

    def migrated_with_model(self, module: str, name: str, source: str) -> None:
        """Initialise migrations, add one wired model and apply its migration, as a user would."""
        self.run("migrate:init")
        self.write_model(module, source)
        self.wire_model(module, name)
        self.run("migrate:make", f"add {module}s")
        self.run("migrate:upgrade")

    def migration_files(self, app: str) -> list[str]:
        from core.migrations.backend import migration_files

        return migration_files(self.root / "migrations", app)

    async def sql(self, query: str) -> list[dict[str, Any]]:
        """Run raw SQL on the copy's database from the test process."""
        from tortoise import connections

        async with orm(tortoise_config(self.database)):
            return await connections.get("default").execute_query_dict(query)

    async def applied(self, app: str) -> list[str]:
        """The migrations the database records as applied for `app`, oldest first."""
        from core.migrations.backend import applied_migrations

        async with orm(tortoise_config(self.database)):
            return [migration.name for migration in await applied_migrations(app)]

    async def tables(self) -> set[str]:
        from core.migrations.schema import live_columns

        async with orm(tortoise_config(self.database)):
            return set(await live_columns())

    async def columns(self, table: str) -> set[str]:
        from core.migrations.schema import live_columns

        async with orm(tortoise_config(self.database)):
            return (await live_columns()).get(table, set())


def copy_project(tmp_path: Path, db: DatabaseSettings) -> SiteCopy:
    """Copy the project's code with empty migration folders into `tmp_path/site`, pointed at `db`."""
    if db.engine == "sqlite":
        Path(db.name).touch()  # an empty file is an empty database, as a server's new database is
    root = copy_site(tmp_path)
    for app in ("framework", "models"):
        shutil.rmtree(root / "migrations" / app, ignore_errors=True)
        (root / "migrations" / app).mkdir(parents=True)
    settings = {**database_environment(db), "DEBUG": "true", "SECRET_KEY": TEST_SECRET}
    return SiteCopy(root, db, site_environment(settings, tmp_path))


async def make_site_copy(engine: str, tmp_path: Path) -> SiteCopy:
    """A project copy with an empty database of its own (derived from the run's test database name)."""
    db = engine_database(engine, "_mig")
    await recreate_database(db)
    return copy_project(tmp_path, db)
