"""`migrate:squash`: many files become one that builds the same schema, and databases that
applied the old files keep working."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.catalogue import differences
from tests.support.site_copy import copy_project, make_site_copy
from tests.test_migrate_portable import schema_of
from tests.test_migrate_sqlite_rebuild import AUTHOR, BOOK


async def test_squashed_files_build_the_same_schema_and_keep_old_databases_working(
    nori_engine: str, tmp_path: Path,
) -> None:
    site = await make_site_copy(nori_engine, tmp_path / "old")
    site.write_model("author", AUTHOR)
    site.wire_model("author", "Author")
    site.run("migrate:init")
    site.write_model("book", BOOK)
    site.wire_model("book", "Book")
    site.run("migrate:make", "add books")
    site.run("migrate:upgrade")
    site.write_model("author", AUTHOR.replace("max_length=50", "max_length=90"))
    site.run("migrate:make", "widen name")
    site.run("migrate:upgrade")
    await site.sql("INSERT INTO authors (name, code, email) VALUES ('Ada', 'a', 'a@x')")
    built = await schema_of(site)
    old_files = site.migration_files("models")
    assert len(old_files) == 3

    out = site.run("migrate:squash", "--to", old_files[-1]).stdout
    assert "Squashed 3 migrations of models" in out
    (squashed,) = site.migration_files("models")
    assert await site.applied("models") == [squashed]  # the old database now records the new file
    assert "Nothing to migrate" in site.run("migrate:upgrade").stdout
    assert "No changes detected" in site.run("migrate:make", "nothing").stdout
    assert (await site.sql("SELECT name FROM authors"))[0]["name"] == "Ada"

    db = engine_database(nori_engine, "_squash_new")
    if nori_engine == "sqlite":
        db = db.with_name(str(tmp_path / "new.sqlite3"))
    await recreate_database(db)
    fresh = copy_project(tmp_path / "new", db)
    for part in ("migrations", "rootsystem/application/models"):
        shutil.rmtree(fresh.root / part)
        shutil.copytree(site.root / part, fresh.root / part)
    fresh.run("migrate:upgrade")
    assert differences(await schema_of(fresh), built) == []
    fresh.run("migrate:downgrade", "--steps", "1", "--yes")
    framework = {"api_tokens", "audit_logs", "failed_jobs", "permissions", "refresh_tokens", "remember_tokens", "roles",
                 "sessions", "social_accounts", "two_factor_recovery_codes", "user_roles", "role_permission"}
    assert set(await schema_of(fresh)) == framework


async def test_squash_refuses_what_it_cannot_fold(tmp_path: Path) -> None:
    site = await make_site_copy("sqlite", tmp_path)
    site.run("migrate:init")
    first = site.migration_files("models")[0]
    assert "Nothing to squash" in site.run("migrate:squash", "--to", first, expect=1).stderr
    assert "has no migration 'nope.py'" in site.run("migrate:squash", "--to", "nope.py", expect=1).stderr
    site.run("migrate:make", "--empty", "fill")
    site.run("migrate:upgrade")
    error = site.run("migrate:squash", "--to", site.migration_files("models")[-1], expect=1).stderr
    assert "is not a portable SQL migration" in error and error.count("\n") == 1
    assert len(site.migration_files("models")) == 2
