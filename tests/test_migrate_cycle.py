"""The migration workflow as a user runs it: real `nori.py migrate:*` processes on every engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.site_copy import SiteCopy, make_site_copy

POST = '''
from tortoise import fields
from tortoise.models import Model


class Post(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)

    class Meta:
        table = "posts"
'''
POST_WITH_BODY = POST.replace(
    "max_length=100)\n", "max_length=100)\n    body = fields.CharField(max_length=200, null=True)\n"
)


@pytest.fixture
async def site(nori_engine: str, tmp_path: Path) -> SiteCopy:
    return await make_site_copy(nori_engine, tmp_path)


def applied_lines(output: str) -> list[str]:
    return re.findall(r"^Applied (\S+)$", output, re.MULTILINE)


async def test_full_cycle(site: SiteCopy) -> None:
    out = site.run("migrate:init").stdout
    assert [line.split("/")[0] for line in applied_lines(out)] == ["framework", "models"]
    assert {"users", "roles", "aerich"} <= await site.tables()
    before = site.migration_files("framework") + site.migration_files("models")
    assert "already initialised" in site.run("migrate:init").stdout
    assert site.migration_files("framework") + site.migration_files("models") == before

    site.write_model("post", POST)
    site.wire_model("post", "Post")
    assert "Created migrations/models/1_" in site.run("migrate:make", "add posts").stdout
    assert applied_lines(site.run("migrate:upgrade").stdout) == [f"models/{site.migration_files('models')[1]}"]
    assert "No changes detected" in site.run("migrate:make", "nothing").stdout

    site.write_model("post", POST_WITH_BODY)
    site.run("migrate:make", "add body")
    assert site.migration_files("models")[-1].startswith("2_")
    site.run("migrate:upgrade")
    assert "body" in await site.columns("posts")
    await site.sql("INSERT INTO posts (title, body) VALUES ('first', 'one'), ('second', NULL)")

    out = site.run("migrate:downgrade", "--steps", "1").stdout
    assert out.strip() == f"Reverted models/{site.migration_files('models')[2]}"
    assert await site.columns("posts") == {"id", "title"}
    assert "[pending] 2_" in site.run("migrate:status").stdout
    site.run("migrate:upgrade")
    assert "body" in await site.columns("posts")
    rows = await site.sql("SELECT title FROM posts ORDER BY id")
    assert [row["title"] for row in rows] == ["first", "second"]
    assert "Nothing to migrate" in site.run("migrate:upgrade").stdout

    out = site.run("migrate:fresh").stdout
    assert len(applied_lines(out)) == 4
    assert await site.sql("SELECT title FROM posts") == []
    status = site.run("migrate:status").stdout
    assert "framework: 1 applied, 0 pending" in status and "models: 3 applied, 0 pending" in status


async def test_concurrent_upgrades_apply_each_migration_once(site: SiteCopy) -> None:
    site.run("migrate:init")
    site.write_model("post", POST)
    site.wire_model("post", "Post")
    site.run("migrate:make", "add posts")
    site.run("migrate:upgrade")
    site.write_model("post", POST_WITH_BODY)
    site.run("migrate:make", "add body")
    site.run("migrate:downgrade", "--steps", "2", "--app", "models")  # three pending now, init included

    processes = [site.start("migrate:upgrade") for _ in range(2)]
    results = [(process.wait(timeout=120), *process.communicate()) for process in processes]
    assert [code for code, _, _ in results] == [0, 0], results
    applied = [line for _, out, _ in results for line in applied_lines(out)]
    assert sorted(applied) == sorted(f"models/{name}" for name in site.migration_files("models")), results
    rows = await site.sql("SELECT version FROM aerich WHERE app = 'models'")
    assert sorted(row["version"] for row in rows) == sorted(site.migration_files("models"))


async def test_failing_migration_is_reported_and_not_recorded(site: SiteCopy, nori_engine: str) -> None:
    site.run("migrate:init")
    broken = "1_20260101000000_broken.py"
    (site.root / "migrations" / "models" / broken).write_text(
        "async def upgrade(db):\n"
        "    return 'CREATE TABLE half_done (id INT); INSERT INTO no_such_table VALUES (1);'\n\n\n"
        "async def downgrade(db):\n    return 'DROP TABLE half_done;'\n"
    )
    result = site.run("migrate:upgrade", expect=1)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert broken in lines[0] and "no_such_table" in lines[0]
    assert "[pending] " + broken in site.run("migrate:status").stdout
    if nori_engine in ("sqlite", "postgres"):  # transactional DDL: the CREATE TABLE is undone too
        assert "half_done" not in await site.tables()


async def test_downgrade_steps_apps_and_irreversible(site: SiteCopy) -> None:
    site.run("migrate:init")
    site.write_model("post", POST)
    site.wire_model("post", "Post")
    site.run("migrate:make", "add posts")
    site.run("migrate:upgrade")

    out = site.run("migrate:downgrade", "--app", "framework").stdout
    assert out.strip() == f"Reverted framework/{site.migration_files('framework')[0]}"
    assert "roles" not in await site.tables() and "posts" in await site.tables()
    site.run("migrate:upgrade")

    error = site.run("migrate:downgrade", "--steps", "5", expect=1).stderr
    assert error.strip() == "migrate:downgrade: Cannot roll back 5 migration(s): only 3 applied"

    init = site.root / "migrations" / "models" / site.migration_files("models")[0]
    source = init.read_text()
    init.write_text(source[: source.index("async def downgrade")] + 'async def downgrade(db):\n    return ""\n')
    error = site.run("migrate:downgrade", "--steps", "2", "--app", "models", expect=1).stderr
    assert "has no downgrade" in error and "Traceback" not in error
    assert "posts" in await site.tables()  # nothing was rolled back, not even the reversible newest one
    assert "models: 2 applied" in site.run("migrate:status").stdout


async def test_make_warns_about_unimported_models_and_refuses_sqlite_column_changes(
    site: SiteCopy, nori_engine: str
) -> None:
    site.run("migrate:init")
    site.write_model("post", POST)
    result = site.run("migrate:make", "add posts")
    assert "models/post.py defines Post, which models/__init__.py does not import" in result.stderr
    assert "No changes detected" in result.stdout

    site.wire_model("post", "Post")
    site.run("migrate:make", "add posts")
    site.run("migrate:upgrade")
    site.write_model("post", POST.replace("max_length=100", "max_length=250"))
    files = site.migration_files("models")
    if nori_engine == "sqlite":
        error = site.run("migrate:make", "widen title", expect=1).stderr
        assert error.count("\n") == 1 and "unsupported in SQLite" in error and "'title'" in error
        assert site.migration_files("models") == files
    else:
        site.run("migrate:make", "widen title")
        site.run("migrate:upgrade")
        await site.sql(f"INSERT INTO posts (title) VALUES ('{'x' * 250}')")


def test_fresh_refuses_without_debug(site: SiteCopy) -> None:
    site.run("migrate:init")
    error = site.run("migrate:fresh", expect=1, DEBUG="false").stderr
    assert error.strip() == "migrate:fresh: migrate:fresh drops every table and only runs with DEBUG on"
    assert "models: 1 applied" in site.run("migrate:status").stdout
