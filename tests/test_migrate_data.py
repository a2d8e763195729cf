"""Data migrations: `migrate:make --empty` writes a file whose Python runs with the ORM, in the
migration's transaction, on every engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.site_copy import SiteCopy, make_site_copy

POST = '''from tortoise import fields
from tortoise.models import Model


class Post(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)
    slug = fields.CharField(max_length=100, default="")

    class Meta:
        table = "posts"
'''


@pytest.fixture
async def site(nori_engine: str, tmp_path: Path) -> SiteCopy:
    site = await make_site_copy(nori_engine, tmp_path)
    site.write_model("post", POST)
    site.wire_model("post", "Post")
    site.run("migrate:init")
    await site.sql("INSERT INTO posts (title, slug) VALUES ('One', ''), ('Two', 'kept'), ('Three', '')")
    return site


def data_migration(site: SiteCopy, description: str) -> Path:
    out = site.run("migrate:make", "--empty", description).stdout
    name = re.search(r"Created migrations/models/(\S+\.py)", out)
    assert name, out
    return site.root / "migrations" / "models" / name.group(1)


def uncomment_example(path: Path) -> str:
    """The template's commented example, switched on: the backfill the docs show."""
    return re.sub(r"^    # ", "    ", path.read_text(), flags=re.MULTILINE)


async def test_a_data_migration_backfills_a_column_through_the_orm(site: SiteCopy) -> None:
    path = data_migration(site, "backfill slugs")
    path.write_text(uncomment_example(path))
    site.run("migrate:upgrade")
    rows = await site.sql("SELECT title, slug FROM posts ORDER BY id")
    assert [(row["title"], row["slug"]) for row in rows] == [("One", "post-1"), ("Two", "kept"), ("Three", "post-3")]
    assert "No changes detected" in site.run("migrate:make", "nothing").stdout  # no schema change recorded

    assert site.run("migrate:downgrade", "--steps", "1", "--yes").stdout.strip() == f"Reverted models/{path.name}"
    assert len(await site.applied("models")) == 1


async def test_a_failing_data_migration_leaves_the_rows_as_they_were(site: SiteCopy) -> None:
    path = data_migration(site, "half done")
    path.write_text(uncomment_example(path).replace('    return ""\n', '    raise RuntimeError("stop here")\n', 1))
    error = site.run("migrate:upgrade", expect=1).stderr
    assert "stop here" in error and path.name in error
    rows = await site.sql("SELECT slug FROM posts ORDER BY id")
    assert [row["slug"] for row in rows] == ["", "kept", ""]
    assert len(await site.applied("models")) == 1


LEGACY = '''from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(20));
        INSERT INTO notes (id, body) VALUES (1, 'kept');"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE notes;"""
'''


async def test_a_file_in_aerichs_single_engine_format_still_applies_and_reverts(site: SiteCopy) -> None:
    legacy = site.root / "migrations" / "models" / "1_20260101000000_notes.py"
    legacy.write_text(LEGACY)
    assert site.run("migrate:upgrade").stdout.strip() == f"Applied models/{legacy.name}"
    assert await site.sql("SELECT body FROM notes") == [{"body": "kept"}]
    site.run("migrate:downgrade", "--steps", "1", "--yes")
    assert "notes" not in await site.tables()
