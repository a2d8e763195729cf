"""`db:seed` against a real database on every engine, run as the user runs it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.database import DatabaseSettings, orm, tortoise_config
from core.seeding import row_counts
from tests.support.site_copy import copy_site, database_environment, fresh_database, nori

USERS = '''from models.user import User


async def run() -> None:
    await User.bulk_create([User(slug=f"user-{i}", name=f"User {i}", email=f"u{i}@example.com", password_hash="!")
                            for i in range(30)])
'''
ROLES = '''from core.models import Permission, Role


async def run() -> None:
    editor = await Role.create(name="editor")
    await Role.create(name="viewer")
    edit = await Permission.create(name="articles.edit")
    await editor.permissions.add(edit)
'''
BROKEN = '''from models.user import User


async def run() -> None:
    await User.create(slug="half-done", name="Half", email="h@example.com", password_hash="!")
    await User.create(slug="half-done", name="Clash", email="c@example.com", password_hash="!")
'''
LATER = '''from models.user import User


async def run() -> int:
    await User.create(slug="later", name="Later", email="l@example.com", password_hash="!")
    return 1
'''


def counts(db: DatabaseSettings, *tables: str) -> dict[str, int]:
    async def read() -> dict[str, int]:
        async with orm(tortoise_config(db)):
            return await row_counts(tables)

    return asyncio.run(read())


def seeded_site(tmp_path: Path, seeders: dict[str, str]) -> Path:
    site = copy_site(tmp_path)
    for name, source in seeders.items():
        (site / "seeders" / f"{name}.py").write_text(source)
    listed = ", ".join(f'"seeders.{name}"' for name in seeders)
    (site / "seeders" / "database_seeder.py").write_text(f"SEEDERS = [{listed}]\n")
    return site


def test_seeders_run_in_order_each_in_its_transaction(nori_engine: str, tmp_path: Path) -> None:
    db = fresh_database(nori_engine, "_seed", tmp_path)
    site = seeded_site(tmp_path, {"user_seeder": USERS, "role_seeder": ROLES, "broken_seeder": BROKEN,
                                  "later_seeder": LATER})
    result = nori(site, "db:seed", settings=database_environment(db))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"Seeding {db.describe()}"
    assert lines[1].split()[:3] == ["seeders.user_seeder", "30", "rows"] and lines[1].endswith(" s")
    assert lines[2].split()[:3] == ["seeders.role_seeder", "4", "rows"]  # 2 roles, 1 permission, 1 link row
    [error] = result.stderr.strip().splitlines()
    assert error.startswith("db:seed: seeders.broken_seeder: failed and was rolled back: IntegrityError")
    assert error.endswith("committed before it: seeders.user_seeder, seeders.role_seeder")
    assert "later_seeder" not in result.stdout
    after = counts(db, "users", "roles", "permissions", "role_permission")
    assert after == {"users": 30, "roles": 2, "permissions": 1, "role_permission": 1}

    one = nori(site, "db:seed", "--class", "later_seeder", settings=database_environment(db))
    assert one.returncode == 0, one.stderr
    assert one.stdout.splitlines()[1].split()[:3] == ["seeders.later_seeder", "1", "rows"]
    assert "Done: 1 seeder(s), 1 rows" in one.stdout
    assert counts(db, "users") == {"users": 31}


def test_seeding_refuses_with_debug_off_unless_forced(nori_engine: str, tmp_path: Path) -> None:
    db = fresh_database(nori_engine, "_seed", tmp_path)
    site = seeded_site(tmp_path, {"user_seeder": USERS})
    production = {**database_environment(db), "DEBUG": "false"}
    refused = nori(site, "db:seed", settings=production)
    assert refused.returncode == 1
    assert refused.stderr.strip() == ("db:seed: DEBUG is off, so this looks like production: db:seed refuses to run; "
                                      "add --force to seed")
    assert counts(db, "users") == {"users": 0}
    forced = nori(site, "db:seed", "--force", settings=production)
    assert forced.returncode == 0, forced.stderr
    assert counts(db, "users") == {"users": 30}


def test_unknown_seeder_is_one_line(tmp_path: Path) -> None:
    site = seeded_site(tmp_path, {"user_seeder": USERS})
    db = fresh_database("sqlite", "_seed", tmp_path)
    result = nori(site, "db:seed", "--class", "nope_seeder", settings=database_environment(db))
    assert result.returncode == 1
    assert result.stderr.strip() == ("db:seed: seeders.nope_seeder: no such module (expected seeders/nope_seeder.py); "
                                     "nothing was committed")


def test_a_path_as_seeder_name_is_one_line(tmp_path: Path) -> None:
    site = seeded_site(tmp_path, {"user_seeder": USERS})
    db = fresh_database("sqlite", "_seed", tmp_path)
    result = nori(site, "db:seed", "--class", "../../x", settings=database_environment(db))
    assert result.returncode == 1
    assert result.stderr.strip() == ("db:seed: ../../x: not a seeder name: use a module name such as user_seeder "
                                     "or seeders.user_seeder")


def test_an_unreachable_database_is_blamed_not_the_first_seeder(tmp_path: Path) -> None:
    site = seeded_site(tmp_path, {"user_seeder": USERS})
    result = nori(site, "db:seed", settings={"DB_ENGINE": "postgres", "DB_HOST": "127.0.0.1", "DB_PORT": "1",
                                             "DB_NAME": "nowhere"})
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("db:seed: cannot reach the database (postgres postgres@127.0.0.1:1/nowhere): ")
    assert line.endswith("check that the server is running and the DB_* settings in .env")
    assert "user_seeder" not in line


def test_an_sqlite_file_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    site = seeded_site(tmp_path, {"user_seeder": USERS})
    missing = tmp_path / "no-such-folder" / "site.sqlite3"
    result = nori(site, "db:seed", settings={"DB_ENGINE": "sqlite", "DB_NAME": str(missing)})
    assert result.returncode == 1
    assert result.stderr.strip() == (f"db:seed: cannot reach the database (sqlite {missing}): {missing.parent} does "
                                     "not exist; check DB_NAME in .env (its folder must exist)")


AUDITING = '''from core.audit import audit


async def run() -> None:
    for number in range(25):
        audit(None, "seeded", model_name="Report", record_id=str(number))
'''


def test_audit_rows_queued_by_a_command_are_written_before_it_exits(nori_engine: str, tmp_path: Path) -> None:
    db = fresh_database(nori_engine, "_seed", tmp_path)
    site = seeded_site(tmp_path, {"audit_seeder": AUDITING})
    result = nori(site, "db:seed", settings=database_environment(db))
    assert result.returncode == 0, result.stderr
    assert counts(db, "audit_logs") == {"audit_logs": 25}
