"""The framework's and the skeleton's own migrations: a fresh clone migrates with no migrate:init."""

from __future__ import annotations

from pathlib import Path

from core.database import FRAMEWORK_APP, SITE_APP
from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.site_copy import TEST_SECRET, SiteCopy, copy_site, database_environment, site_environment

ROOT = Path(__file__).resolve().parents[1]


def shipped_tables() -> set[str]:
    from tortoise import Tortoise

    tables = set()
    for app in (FRAMEWORK_APP, SITE_APP):
        for model in Tortoise.apps[app].values():
            tables.add(model._meta.db_table)
            tables.update(model._meta.fields_map[name].through for name in model._meta.m2m_fields)
    return tables


def test_the_repository_ships_one_initial_migration_per_app() -> None:
    for app in ("framework", "models"):
        files = sorted(path.name for path in (ROOT / "migrations" / app).glob("*.py"))
        assert files and files[0].startswith("0_"), app
        assert all("UPGRADE = {" in (ROOT / "migrations" / app / name).read_text() for name in files), app


async def test_a_fresh_clone_migrates_with_debug_off(nori_engine: str, tmp_path: Path, db: str) -> None:
    database = engine_database(nori_engine, "_clone")
    if nori_engine == "sqlite":
        database = database.with_name(str(tmp_path / "clone.sqlite3"))
    await recreate_database(database)
    settings = {**database_environment(database), "DEBUG": "false", "SECRET_KEY": TEST_SECRET}
    site = SiteCopy(copy_site(tmp_path), database, site_environment(settings, tmp_path))

    out = site.run("migrate:upgrade").stdout
    assert "Applied framework/0_" in out and "Applied models/0_" in out
    assert shipped_tables() <= await site.tables()  # every table the shipped models and pages need
    assert "No changes detected" in site.run("migrate:make", "nothing").stdout  # files and models agree
    assert "Nothing to migrate" in site.run("migrate:upgrade").stdout
