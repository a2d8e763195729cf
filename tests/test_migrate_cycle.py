"""The migration workflow as a user runs it: real `nori.py migrate:*` processes on every engine.

Each process costs an interpreter start plus Tortoise and Aerich imports, so the scenarios are
few and long; database state is read in-process, which is cheap.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
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


async def test_full_cycle(site: SiteCopy, nori_engine: str) -> None:
    out = site.run("migrate:init").stdout
    assert [line.split("/")[0] for line in applied_lines(out)] == ["framework", "models"]
    assert {"users", "roles", "aerich"} <= await site.tables()
    assert "already initialised" in site.run("migrate:init").stdout
    assert len(site.migration_files("framework") + site.migration_files("models")) == 2

    site.write_model("post", POST)
    result = site.run("migrate:make", "add posts")  # the model file exists, models/__init__.py ignores it
    assert "models/post.py defines Post, which models/__init__.py does not import" in result.stderr
    assert "No changes detected" in result.stdout
    site.wire_model("post", "Post")
    assert "Created migrations/models/1_" in site.run("migrate:make", "add posts").stdout
    assert applied_lines(site.run("migrate:upgrade").stdout) == [f"models/{site.migration_files('models')[1]}"]

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
    assert [row["title"] for row in await site.sql("SELECT title FROM posts ORDER BY id")] == ["first", "second"]
    assert "Nothing to migrate" in site.run("migrate:upgrade").stdout
    assert "No changes detected" in site.run("migrate:make", "nothing").stdout

    site.write_model("post", POST_WITH_BODY.replace("max_length=100", "max_length=250"))
    site.run("migrate:make", "widen title")  # on SQLite too: the table is rebuilt
    site.run("migrate:upgrade")
    await site.sql(f"INSERT INTO posts (title) VALUES ('{'x' * 250}')")
    assert len(await site.sql("SELECT id FROM posts")) == 3

    error = site.run("migrate:fresh", expect=1, DEBUG="false").stderr
    assert "refusing to drop every table with DEBUG off" in error and error.count("\n") == 1
    assert await site.sql("SELECT title FROM posts WHERE id = 1") == [{"title": "first"}]
    await fresh_and_seed(site)
    assert len(await site.applied("framework")) == 1
    assert await site.applied("models") == site.migration_files("models")


async def fresh_and_seed(site: SiteCopy) -> None:
    """`migrate:fresh --seed` drops, re-applies, then hands over to `db:seed`."""
    (site.root / "seeders" / "post_seeder.py").write_text(
        "from models.post import Post\n\n\nasync def run() -> None:\n    await Post.create(title='seeded')\n"
    )
    (site.root / "seeders" / "database_seeder.py").write_text('SEEDERS: list[str] = ["seeders.post_seeder"]\n')
    site.run("migrate:fresh", "--seed")
    assert [row["title"] for row in await site.sql("SELECT title FROM posts")] == ["seeded"]


async def test_concurrent_upgrades_wait_for_the_lock_and_apply_each_migration_once(site: SiteCopy) -> None:
    from core.migrations.lock import migration_lock

    site.run("migrate:init")
    site.run("migrate:downgrade", "--steps", "2")  # both initial migrations pending again
    async with migration_lock(site.database):  # a run in progress elsewhere
        processes = [site.start("migrate:upgrade") for _ in range(2)]
        for process in processes:
            first = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 60)  # type: ignore[union-attr]
            assert "waiting for it to finish" in first
        assert await site.applied("framework") == [] and await site.applied("models") == []
    results = [(process.wait(timeout=120), *process.communicate()) for process in processes]
    assert [code for code, _, _ in results] == [0, 0], results
    applied = sorted(line for _, out, _ in results for line in applied_lines(out))
    expected = [f"{app}/{site.migration_files(app)[0]}" for app in ("framework", "models")]
    assert applied == expected, results
    rows = await site.sql("SELECT app, version FROM aerich")
    assert sorted(f"{row['app']}/{row['version']}" for row in rows) == expected


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
    assert broken not in await site.applied("models")
    if nori_engine in ("sqlite", "postgres"):  # transactional DDL: the CREATE TABLE is undone too
        assert "half_done" not in await site.tables()


async def test_downgrade_steps_apps_confirmation_and_irreversible(site: SiteCopy) -> None:
    site.migrated_with_model("post", "Post", POST)
    framework_init, (models_init, add_posts) = site.migration_files("framework")[0], site.migration_files("models")

    out = site.run("migrate:downgrade", "--app", "framework").stdout
    assert out.strip() == f"Reverted framework/{framework_init}"  # not the newer models migration
    assert "roles" not in await site.tables() and "posts" in await site.tables()
    error = site.run("migrate:downgrade", "--steps", "3", expect=1).stderr
    assert error.strip() == "migrate:downgrade: Cannot roll back 3 migration(s): only 2 applied"

    def on_terminal(*args: str, answer: bytes) -> subprocess.CompletedProcess[str]:
        """Run migrate:downgrade with DEBUG off and a terminal as stdin, typing `answer`."""
        return site.run_on_terminal("migrate:downgrade", *args, answer=answer, DEBUG="false")

    refused = on_terminal(answer=b"n\n")
    assert refused.returncode == 1 and "Roll back 1 migration(s)" in refused.stdout
    assert refused.stderr.strip() == "migrate:downgrade: Cancelled; nothing was rolled back"
    assert await site.applied("models") == [models_init, add_posts]
    accepted = on_terminal(answer=b"y\n")
    assert accepted.returncode == 0 and f"Reverted models/{add_posts}" in accepted.stdout
    unasked = on_terminal("--yes", answer=b"")
    assert unasked.returncode == 0 and "Roll back" not in unasked.stdout and models_init in unasked.stdout

    site.run("migrate:upgrade")
    piped = site.run("migrate:downgrade", DEBUG="false")  # stdin is not a terminal: no question
    assert "Roll back" not in piped.stdout and piped.stdout.strip() == f"Reverted models/{add_posts}"

    init = site.root / "migrations" / "models" / models_init  # as Aerich's own init-db writes it
    init.write_text('async def upgrade(db):\n    return "SELECT 1"\n\n\nasync def downgrade(db):\n    return ""\n')
    error = site.run("migrate:downgrade", "--steps", "2", expect=1).stderr
    assert f"models/{models_init} cannot be reverted: it has no downgrade" in error and "Traceback" not in error
    assert await site.applied("framework") == [framework_init] and await site.applied("models") == [models_init]


async def test_init_adopts_the_schema_debug_generated(site: SiteCopy) -> None:
    """A site that ran in DEBUG has its tables and rows already; its first migrations keep both."""
    from tortoise import Tortoise

    from core.database import orm, tortoise_config

    async with orm(tortoise_config(site.database)):
        await Tortoise.generate_schemas()
    await site.sql("INSERT INTO roles (name) VALUES ('editor')")
    site.run("migrate:init")
    assert await site.sql("SELECT name FROM roles") == [{"name": "editor"}]
    assert "All checks passed" in site.run("check").stdout


def test_unreachable_database_is_one_line(site: SiteCopy, nori_engine: str) -> None:
    missing = "/nonexistent/dir/site.sqlite3" if nori_engine == "sqlite" else site.database.name + "_missing"
    for command in ("migrate:status", "migrate:upgrade"):
        error = site.run(command, expect=1, DB_NAME=missing).stderr
        assert error.count("\n") == 1 and error.startswith(f"{command}: ") and "Traceback" not in error, error
