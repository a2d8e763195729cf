"""SQLite column changes: the table is rebuilt inside the migration, rows, indexes and keys kept.

Through real `nori.py` processes on SQLite (the only engine that needs a rebuild), then the
directive rewriting on its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.migrations.sqlite_rebuild import RebuildError, apply_directive, parse_create_table
from tests.support.site_copy import SiteCopy, make_site_copy

AUTHOR = '''from tortoise import fields
from tortoise.models import Model


class Author(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    code = fields.CharField(max_length=10, unique=True)
    email = fields.CharField(max_length=100, db_index=True)

    class Meta:
        table = "authors"
'''
BOOK = '''from tortoise import fields
from tortoise.models import Model


class Book(Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.Author", related_name="books", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=80)

    class Meta:
        table = "books"
'''


@pytest.fixture
async def site(tmp_path: Path) -> SiteCopy:
    site = await make_site_copy("sqlite", tmp_path)
    site.write_model("author", AUTHOR)
    site.write_model("book", BOOK)
    site.wire_model("author", "Author")
    site.wire_model("book", "Book")
    site.run("migrate:init")
    await site.sql("INSERT INTO authors (id, name, code, email) VALUES (1, 'Ada', 'a1', 'ada@x'), "
                   "(7, 'Bo', 'b7', 'bo@x')")
    await site.sql("INSERT INTO books (author_id, title) VALUES (1, 'Notes'), (7, 'Poems'), (7, 'Songs')")
    await site.sql("INSERT INTO authors (id, name, code, email) VALUES (9, 'Cy', 'c9', 'cy@x')")
    await site.sql("DELETE FROM authors WHERE id = 9")  # AUTOINCREMENT never hands out 9 again
    return site


async def shape(site: SiteCopy) -> dict[str, object]:
    columns = await site.sql("PRAGMA table_info(authors)")
    indexes = await site.sql("PRAGMA index_list(authors)")
    return {
        "columns": {c["name"]: (c["type"], bool(c["notnull"])) for c in columns},
        "unique": sorted(i["name"] for i in indexes if i["unique"]),
        "indexes": len(indexes),
        "book_keys": [(k["table"], k["from"], k["on_delete"])
                      for k in await site.sql("PRAGMA foreign_key_list(books)")],
    }


async def test_a_changed_column_rebuilds_the_table_and_keeps_everything(site: SiteCopy) -> None:
    before = await shape(site)
    site.write_model("author", AUTHOR.replace("name = fields.CharField(max_length=50)",
                                              "name = fields.CharField(max_length=200, null=True)"))
    made = site.run("migrate:make", "widen name").stdout
    assert "Created migrations/models/1_" in made
    assert 'REBUILD TABLE "authors" ALTER COLUMN "name" VARCHAR(200)' in next(
        (site.root / "migrations" / "models").glob("1_*.py")).read_text()
    site.run("migrate:upgrade")

    after = await shape(site)
    assert after["columns"]["name"] == ("VARCHAR(200)", False)
    assert {k: v for k, v in after.items() if k != "columns"} == {k: v for k, v in before.items() if k != "columns"}
    assert [r["name"] for r in await site.sql("SELECT name FROM authors ORDER BY id")] == ["Ada", "Bo"]
    assert len(await site.sql("SELECT id FROM books")) == 3  # the cascade never fired
    await site.sql("INSERT INTO authors (name, code, email) VALUES (NULL, 'n1', 'n@x')")
    assert (await site.sql("SELECT max(id) AS id FROM authors"))[0]["id"] == 10  # the counter came along

    await site.sql("DELETE FROM authors WHERE code = 'n1'")
    site.run("migrate:downgrade", "--steps", "1", "--yes")
    assert await shape(site) == before
    assert [r["name"] for r in await site.sql("SELECT name FROM authors ORDER BY id")] == ["Ada", "Bo"]
    assert len(await site.sql("SELECT id FROM books")) == 3


async def test_a_rebuild_that_cannot_copy_the_rows_changes_nothing(site: SiteCopy) -> None:
    site.write_model("author", AUTHOR.replace("name = fields.CharField(max_length=50)",
                                              "name = fields.CharField(max_length=50, null=True)"))
    site.run("migrate:make", "nullable name")
    site.run("migrate:upgrade")
    await site.sql("INSERT INTO authors (name, code, email) VALUES (NULL, 'n1', 'n@x')")
    before = await shape(site)

    error = site.run("migrate:downgrade", "--steps", "1", "--yes", expect=1).stderr
    assert "NOT NULL constraint failed: authors__nori_new.name" in error and "Traceback" not in error
    assert await shape(site) == before
    assert len(await site.sql("SELECT id FROM authors")) == 3 and len(await site.sql("SELECT id FROM books")) == 3
    assert (await site.applied("models"))[-1].endswith("_nullable_name.py")


async def test_adding_a_foreign_key_to_rows_that_break_it_fails_and_rolls_back(site: SiteCopy) -> None:
    await site.sql("INSERT INTO books (author_id, title) VALUES (1, 'Kept')")
    site.write_model("book", BOOK.replace('title = fields.CharField(max_length=80)',
                                          'title = fields.CharField(max_length=80)\n'
                                          '    editor = fields.ForeignKeyField("models.Author", related_name="edited", '
                                          'null=True, on_delete=fields.SET_NULL)'))
    site.run("migrate:make", "add editor")
    migration = next((site.root / "migrations" / "models").glob("1_*.py"))
    assert 'REBUILD TABLE "books" ADD FOREIGN KEY ("editor_id") REFERENCES "authors" ("id")' in migration.read_text()
    # a hand edit that fills the new column with an author who does not exist
    directive = 'REBUILD TABLE "books" ADD FOREIGN KEY'
    migration.write_text(migration.read_text().replace(
        directive, 'UPDATE "books" SET "editor_id" = 99;\n' + directive, 1))
    error = site.run("migrate:upgrade", expect=1).stderr
    assert "break a foreign key" in error and "'books'" in error
    assert "editor_id" not in {c["name"] for c in await site.sql("PRAGMA table_info(books)")}
    assert len(await site.applied("models")) == 1


SOURCE = '''CREATE TABLE "books" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(80) NOT NULL /* shown, in lists, first */,
    "author_id" INT NOT NULL REFERENCES "authors" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_books_title_1" UNIQUE ("title", "author_id")
) /* the books, one per row */'''


def test_directives_rewrite_one_part_of_the_table_definition() -> None:
    table = parse_create_table(SOURCE)
    assert table.column_names() == ["id", "title", "author_id"]

    altered, dropped = apply_directive(table, 'ALTER COLUMN "title" VARCHAR(200)')
    assert altered.items[1] == '"title" VARCHAR(200)' and dropped is None
    assert altered.tail == ") /* the books, one per row */"

    kept, _ = apply_directive(table, 'ALTER COLUMN "author_id" BIGINT NOT NULL')
    assert kept.items[2] == '"author_id" BIGINT NOT NULL REFERENCES "authors" ("id") ON DELETE CASCADE'

    unlinked, _ = apply_directive(table, 'DROP FOREIGN KEY ("author_id")')
    assert unlinked.items[2] == '"author_id" INT NOT NULL'
    relinked, _ = apply_directive(
        unlinked, 'ADD FOREIGN KEY ("author_id") REFERENCES "people" ("id") ON DELETE SET NULL')
    assert relinked.items[2] == '"author_id" INT NOT NULL REFERENCES "people" ("id") ON DELETE SET NULL'

    without, dropped = apply_directive(table, 'DROP COLUMN "author_id"')
    assert dropped == "author_id" and without.column_names() == ["id", "title"] and len(without.items) == 2
    unconstrained, _ = apply_directive(table, 'DROP CONSTRAINT "uid_books_title_1"')
    assert len(unconstrained.items) == 3

    with pytest.raises(RebuildError, match="has no column 'nope'"):
        apply_directive(table, 'ALTER COLUMN "nope" INT')
    with pytest.raises(RebuildError, match="unknown change"):
        apply_directive(table, "RENAME EVERYTHING")
