"""The migration tools as a user runs them: real `nori.py migrate:*` processes on every engine.

`migrate:sql`, `migrate:make --check`, `--fake`, `--to`, the question before destructive steps
and the pending-migration warning at start-up. Database state is read in-process, which is cheap.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.migrations.errors import MigrationError
from core.migrations.operations import Step, resolve
from core.migrations.pending import pending_warning
from tests.support.server import free_port, site_environment
from tests.support.site_copy import ROOT, TEST_SECRET, SiteCopy, copy_site, make_site_copy, nori
from tests.test_migrate_cycle import POST, POST_WITH_BODY


@pytest.fixture
async def site(nori_engine: str, tmp_path: Path) -> SiteCopy:
    return await make_site_copy(nori_engine, tmp_path)


def test_the_migrations_layer_raises_its_own_errors_not_the_clis() -> None:
    """A deploy script calling `operations` must not need the command line's modules."""
    probe = ("import sys; from core.migrations import operations; "
             "print(sorted(name for name in sys.modules if name.startswith('core.cli')))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT / "rootsystem" / "application",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_file_is_found_with_or_without_its_app_and_extension() -> None:
    known = {"framework": ["0_1_init.py"], "models": ["0_1_init.py", "1_2_add_posts.py"]}
    for name in ("models/1_2_add_posts.py", "migrations/models/1_2_add_posts.py", "1_2_add_posts.py", "1_2_add_posts"):
        assert resolve(name, known) == Step("models", "1_2_add_posts.py")
    assert resolve("0_1_init.py", known, "framework") == Step("framework", "0_1_init.py")
    failures = {
        "0_1_init.py": "0_1_init.py is in both apps: name one, e.g. framework/0_1_init.py or models/0_1_init.py",
        "9_x.py": "No migration 9_x.py in migrations/framework/ or migrations/models/: 'migrate:status' lists them",
        "posts/1_2_add_posts.py": "'posts/1_2_add_posts.py': 'posts' is not an app; write framework/1_2_add_posts.py "
                                  "or models/1_2_add_posts.py",
    }
    for name, message in failures.items():
        with pytest.raises(MigrationError) as error:
            resolve(name, known)
        assert str(error.value) == message
    with pytest.raises(MigrationError, match="is a models migration, not a framework one"):
        resolve("models/1_2_add_posts.py", known, "framework")


def test_the_pending_warning_names_the_files_and_the_command() -> None:
    assert pending_warning(["models/1_x.py"]) == (
        "1 pending migration (models/1_x.py): run 'python3 nori.py migrate:upgrade'")
    many = [f"models/{n}_x.py" for n in range(7)]
    assert pending_warning(many) == (
        "7 pending migrations (models/0_x.py, models/1_x.py, models/2_x.py, models/3_x.py, models/4_x.py, "
        "and 2 more): run 'python3 nori.py migrate:upgrade'")


def test_new_options_are_in_each_commands_help(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    expected = {"migrate:sql": ["FILE", "--downgrade", "--app"], "migrate:make": ["--check"],
                "migrate:upgrade": ["--to FILE", "--fake", "--yes"],
                "migrate:downgrade": ["--to FILE", "--fake", "--steps", "zero"]}
    for command, options in expected.items():
        result = nori(root, command, "--help")
        assert result.returncode == 0 and all(option in result.stdout for option in options), result.stdout
    listing = nori(root).stdout
    assert "migrate:sql" in listing
    error = nori(root, "migrate:downgrade", "--steps", "1", "--to", "zero")
    assert error.returncode == 2 and "not allowed with argument" in error.stderr and error.stderr.count("\n") == 1


async def test_sql_prints_what_would_run_and_runs_nothing(site: SiteCopy) -> None:
    site.migrated_with_model("post", "Post", POST)
    _, add_posts = site.migration_files("models")
    site.write_model("post", POST_WITH_BODY)
    site.run("migrate:make", "add body")
    add_body = site.migration_files("models")[2]

    out = site.run("migrate:sql").stdout
    assert out.splitlines()[0] == f"-- models/{add_body} (upgrade)"
    assert "ADD" in out and "body" in out and out.rstrip().endswith(";")
    down = site.run("migrate:sql", f"models/{add_body}", "--downgrade").stdout
    assert down.splitlines()[0] == f"-- models/{add_body} (downgrade)" and "DROP COLUMN" in down
    applied = site.run("migrate:sql", add_posts.removesuffix(".py")).stdout  # applied files too, .py optional
    assert applied.splitlines()[0] == f"-- models/{add_posts} (upgrade)" and "CREATE TABLE" in applied
    newest = site.run("migrate:sql", "--downgrade").stdout  # what migrate:downgrade would revert next
    assert newest.splitlines()[0] == f"-- models/{add_posts} (downgrade)" and "DROP TABLE" in newest
    missing = site.run("migrate:sql", "9_nothing.py", expect=1).stderr
    assert missing.strip() == ("migrate:sql: No migration 9_nothing.py in migrations/framework/ or "
                               "migrations/models/: 'migrate:status' lists them")
    assert "body" not in await site.columns("posts") and add_body not in await site.applied("models")

    site.run("migrate:upgrade")
    assert site.run("migrate:sql").stdout == "-- Nothing pending: the database is up to date.\n"


async def test_fake_and_to_move_the_history_exactly(site: SiteCopy) -> None:
    site.migrated_with_model("post", "Post", POST)
    framework_init = site.migration_files("framework")[0]
    models_init, add_posts = site.migration_files("models")
    site.write_model("post", POST_WITH_BODY)
    site.run("migrate:make", "add body")
    add_body = site.migration_files("models")[2]

    out = site.run("migrate:downgrade", "--to", f"models/{models_init}").stdout
    assert out.strip() == f"Reverted models/{add_posts}"  # add_body was pending: nothing else to revert
    assert "posts" not in await site.tables()
    out = site.run("migrate:upgrade", "--to", add_posts).stdout
    assert out.strip() == f"Applied models/{add_posts}"
    assert await site.columns("posts") == {"id", "title"}
    again = site.run("migrate:upgrade", "--to", add_posts).stdout
    assert again.strip() == f"Nothing to migrate: {add_posts} is already applied."

    assert site.run("migrate:upgrade", "--fake").stdout.strip() == f"Faked models/{add_body}"
    assert await site.applied("models") == [models_init, add_posts, add_body]
    assert "body" not in await site.columns("posts")  # recorded, not run
    assert site.run("migrate:downgrade", "--fake").stdout.strip() == f"Faked models/{add_body}"
    assert await site.applied("models") == [models_init, add_posts]
    site.run("migrate:upgrade")
    assert "body" in await site.columns("posts")

    error = site.run("migrate:downgrade", "--to", "zero", expect=1).stderr
    assert error.strip() == ("migrate:downgrade: --to zero reverts every migration of one app: "
                             "add --app framework or --app models")
    out = site.run("migrate:downgrade", "--to", "zero", "--app", "models").stdout
    assert out.splitlines() == [f"Reverted models/{name}" for name in (add_body, add_posts, models_init)]
    assert await site.applied("models") == [] and await site.applied("framework") == [framework_init]
    assert not {"users", "posts"} & await site.tables()
    error = site.run("migrate:downgrade", "--to", f"models/{add_posts}", expect=1).stderr
    assert error.strip() == (f"migrate:downgrade: models/{add_posts} is not applied, so nothing can be rolled "
                             "back to it: 'migrate:status' lists the applied migrations")
    nothing = site.run("migrate:downgrade", "--to", "zero", "--app", "models").stdout
    assert nothing.strip() == "Nothing to roll back: no models migration is applied."


async def test_check_gate_and_destructive_steps(site: SiteCopy) -> None:
    site.migrated_with_model("post", "Post", POST_WITH_BODY)
    assert site.run("migrate:make", "--check").stdout.strip() == "No changes detected: the migrations match the models"

    site.write_model("post", POST)  # drops `body`
    files = site.migration_files("models")
    result = site.run("migrate:make", "--check", expect=1)
    assert result.stdout.splitlines()[0] == "models: Post changed since the last migration"
    assert site.migration_files("models") == files  # nothing written
    assert "say what changed" in site.run("migrate:make", expect=1).stderr

    out = site.run("migrate:make", "drop body").stdout.splitlines()
    assert out[0].startswith("Created migrations/models/2_") and out[1:] == ["  destructive: drops column posts.body"]
    drop_body = site.migration_files("models")[2]
    refused = site.run_on_terminal("migrate:upgrade", answer=b"n\n", DEBUG="false")
    assert refused.returncode == 1, refused.stderr
    assert f"models/{drop_body} drops column posts.body" in refused.stdout
    assert "Apply 1 migration(s) with destructive steps" in refused.stdout
    assert refused.stderr.strip() == "migrate:upgrade: Cancelled; nothing was applied"
    assert "body" in await site.columns("posts") and drop_body not in await site.applied("models")

    unasked = site.run_on_terminal("migrate:upgrade", "--yes", answer=b"", DEBUG="false")
    assert unasked.returncode == 0 and unasked.stdout.strip() == f"Applied models/{drop_body}", unasked.stdout
    assert "body" not in await site.columns("posts")
    site.run("migrate:downgrade")
    piped = site.run("migrate:upgrade", DEBUG="false")  # no terminal, as in a deploy script: no question
    assert piped.stdout.strip() == f"Applied models/{drop_body}"


START_UP = """
import asyncio, logging
from core.kernel import create_app

class Keep(logging.Handler):
    def emit(self, record):
        print(record.getMessage())

logging.getLogger("nori.kernel").addHandler(Keep())

async def main():
    app = create_app(debug=False, routes=[])
    async with app.router.lifespan_context(app):
        pass

asyncio.run(main())
"""


def start_app(root: Path, environ: dict[str, str]) -> list[str]:
    """The site's start-up in a process of its own (it opens the ORM globally); the kernel's log lines."""
    result = subprocess.run([sys.executable, "-c", START_UP], cwd=root / "rootsystem" / "application",
                            env={**environ, "DEBUG": "false"}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_start_up_warns_once_about_pending_migrations(site: SiteCopy) -> None:
    site.migrated_with_model("post", "Post", POST)
    assert start_app(site.root, site.environ) == []
    site.write_model("post", POST_WITH_BODY)
    site.run("migrate:make", "add body")
    add_body = site.migration_files("models")[2]
    assert start_app(site.root, site.environ) == [
        f"1 pending migration (models/{add_body}): run 'python3 nori.py migrate:upgrade'"]
    assert f"migration models/{add_body} is not applied" in site.run("check", expect=1).stdout


def test_start_up_survives_a_database_that_does_not_answer(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    (root / "migrations" / "models").mkdir(parents=True, exist_ok=True)
    (root / "migrations" / "models" / "0_20260101000000_init.py").write_text("")
    environ = site_environment({"DB_ENGINE": "postgres", "DB_PORT": str(free_port()), "SECRET_KEY": TEST_SECRET},
                               tmp_path)
    [warning] = start_app(root, environ)
    assert warning.startswith("could not compare the database with the migration files: ")


def test_serve_logs_the_pending_migrations(tmp_path: Path) -> None:
    site = asyncio.run(make_site_copy("sqlite", tmp_path))
    site.run("migrate:init")
    site.run("migrate:downgrade", "--app", "models")
    models_init = site.migration_files("models")[0]
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "nori.py", "serve", "--no-reload", "--port", str(port)],
                                   cwd=site.root, env=site.environ, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while "Application startup complete" not in log.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, log.read_text()
                time.sleep(0.2)
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=20)
    warnings = [line for line in log.read_text().splitlines() if "pending migration" in line]
    assert len(warnings) == 1, log.read_text()
    assert warnings[0].endswith(f"WARNING nori.kernel [-] 1 pending migration (models/{models_init}): "
                                "run 'python3 nori.py migrate:upgrade'")
