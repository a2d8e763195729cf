"""The migration workflow as a user runs it: real `nori.py migrate:*` processes on every engine."""

from __future__ import annotations

import asyncio
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


async def test_upgrade_waits_while_another_run_holds_the_lock(site: SiteCopy) -> None:
    """The deterministic half of the race above: while the lock is held, a second run touches nothing."""
    from core.migrations.lock import migration_lock

    site.run("migrate:init")
    site.run("migrate:downgrade", "--app", "models")
    async with migration_lock(site.database):
        process = site.start("migrate:upgrade")
        first = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 60)  # type: ignore[union-attr]
        assert "waiting for it to finish" in first
        assert "models: 0 applied, 1 pending" in site.run("migrate:status").stdout
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert applied_lines(out) == [f"models/{site.migration_files('models')[0]}"]


def test_downgrade_asks_only_on_a_terminal_with_debug_off(site: SiteCopy) -> None:
    import os
    import subprocess
    import sys

    site.run("migrate:init")
    production = {**site.environ, "DEBUG": "false"}

    def downgrade_on_terminal(*args: str, answer: bytes) -> subprocess.CompletedProcess[str]:
        main, terminal = os.openpty()
        try:
            os.write(main, answer)
            return subprocess.run([sys.executable, "nori.py", "migrate:downgrade", *args], cwd=site.root,
                                  env=production, stdin=terminal, capture_output=True, text=True, timeout=120)
        finally:
            os.close(main)
            os.close(terminal)

    refused = downgrade_on_terminal(answer=b"n\n")
    assert refused.returncode == 1 and "Roll back 1 migration(s)" in refused.stdout
    assert refused.stderr.strip() == "migrate:downgrade: Cancelled; nothing was rolled back"
    assert "models: 1 applied" in site.run("migrate:status").stdout

    accepted = downgrade_on_terminal(answer=b"y\n")
    assert accepted.returncode == 0 and "Reverted models/" in accepted.stdout
    site.run("migrate:upgrade")

    skipped = downgrade_on_terminal("--yes", answer=b"")
    assert skipped.returncode == 0 and "Roll back" not in skipped.stdout
    site.run("migrate:upgrade")

    piped = site.run("migrate:downgrade", DEBUG="false")  # stdin is not a terminal: no question
    assert "Roll back" not in piped.stdout and "Reverted models/" in piped.stdout
