"""Destructive-step detection on the SQL Aerich writes for each engine (pure text, no database)."""

from __future__ import annotations

import pytest

from core.migrations.backend import _statements
from core.migrations.destructive import destructive_steps, statements


@pytest.mark.parametrize(("sql", "steps"), [
    ('ALTER TABLE "posts" DROP COLUMN "body";', ["drops column posts.body"]),  # SQLite, PostgreSQL
    ("ALTER TABLE `posts` DROP COLUMN `body`;", ["drops column posts.body"]),  # MySQL
    ('DROP TABLE IF EXISTS "posts";', ["drops table posts"]),
    ("DROP TABLE IF EXISTS `posts`;", ["drops table posts"]),
    ("DROP TABLE tags, `post_tags`;", ["drops table tags", "drops table post_tags"]),
    ("ALTER TABLE `posts` MODIFY COLUMN `title` VARCHAR(50) NOT NULL;", ["redefines column posts.title"]),
    ("ALTER TABLE `posts` CHANGE `title` `heading` VARCHAR(50);", ["redefines column posts.title"]),
    ('ALTER TABLE "posts" ALTER COLUMN "title" TYPE VARCHAR(50) USING "title"::VARCHAR(50);',
     ["changes the type of column posts.title"]),
    ('ALTER TABLE "posts" ALTER COLUMN "title" SET DATA TYPE TEXT;', ["changes the type of column posts.title"]),
    ('REBUILD TABLE "posts" DROP COLUMN "body";', ["drops column posts.body"]),  # SQLite table rebuilds
    ('REBUILD TABLE "posts" ALTER COLUMN "title" VARCHAR(50) NOT NULL;', ["redefines column posts.title"]),
    ("alter table posts drop column body, drop column summary",
     ["drops column posts.body", "drops column posts.summary"]),
])
def test_destructive_steps_are_named(sql: str, steps: list[str]) -> None:
    assert destructive_steps(sql) == steps


@pytest.mark.parametrize("sql", [
    'ALTER TABLE "posts" ADD "body" VARCHAR(200);',
    "ALTER TABLE `posts` ADD `body` VARCHAR(200);",
    'CREATE TABLE IF NOT EXISTS "posts" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL);',
    'ALTER TABLE "posts" ALTER COLUMN "title" SET DEFAULT \'x\';',
    'ALTER TABLE "posts" ALTER COLUMN "title" DROP NOT NULL;',
    "ALTER TABLE `posts` ALTER COLUMN `title` DROP DEFAULT;",
    'DROP INDEX IF EXISTS "idx_posts_title";',
    "ALTER TABLE `posts` DROP INDEX `idx_posts_title`;",
    'ALTER TABLE "posts" DROP CONSTRAINT IF EXISTS "fk_posts_users";',
    "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_users`;",
    'ALTER TABLE "posts" RENAME COLUMN "body" TO "text";',
    "INSERT INTO notes (text) VALUES ('DROP TABLE posts; ALTER TABLE x DROP COLUMN y');",
    "-- DROP TABLE posts\nSELECT 1; /* ALTER TABLE posts DROP COLUMN body */",
    "",
])
def test_safe_steps_are_not_flagged(sql: str) -> None:
    assert destructive_steps(sql) == []


def test_steps_keep_their_order_across_statements_and_are_named_once() -> None:
    sql = ('ALTER TABLE "posts" ADD "slug" VARCHAR(50);\nALTER TABLE "posts" DROP COLUMN "body";\n'
           'DROP TABLE IF EXISTS "tags";\nALTER TABLE "posts" DROP COLUMN "body";')
    assert destructive_steps(sql) == ["drops column posts.body", "drops table tags"]


def test_statements_split_outside_quotes() -> None:
    sql = "INSERT INTO t VALUES ('a;b', 'it''s');ALTER TABLE \"odd;name\" DROP COLUMN c"
    assert statements(sql) == ["INSERT INTO t VALUES ('', '')", 'ALTER TABLE "odd;name" DROP COLUMN c']
    assert destructive_steps(sql) == ["drops column odd;name.c"]


def test_mysql_scripts_split_after_backslash_escaped_quotes() -> None:
    sql = r"CREATE TABLE `a` (`x` INT) COMMENT='it\'s; a `b` c\\'; SELECT 'd;e';"
    assert _statements(sql, "mysql") == [r"CREATE TABLE `a` (`x` INT) COMMENT='it\'s; a `b` c\\';", "SELECT 'd;e';"]
    assert _statements("SELECT 'a\\'; SELECT 2;", "postgres") == ["SELECT 'a\\';", "SELECT 2;"]
