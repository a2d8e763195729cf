"""acl:sync creates the declared permissions, roles and grants, and is idempotent."""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import settings
from core.acl import sync_acl, user_has_permission
from core.acl.changes import assign_role
from core.cli.acl import run
from core.database import orm, tortoise_config
from core.models import Permission, Role
from core.testing.engines import engine_database

ROOT = Path(__file__).resolve().parents[1]

PERMISSIONS = {"articles.view": "Read articles", "articles.edit": "Edit articles", "users.ban": "Ban users"}
ROLES = {"admin": ["*"], "editor": ["articles.*", "users.ban"], "reader": ["articles.view"]}


async def granted(role: str) -> set[str]:
    return set(await (await Role.get(name=role)).permissions.all().values_list("name", flat=True))


async def test_sync_creates_everything_then_nothing(db: str, factory: Any) -> None:
    first = await sync_acl(PERMISSIONS, ROLES)
    assert sorted(first.permissions_created) == ["*", "articles.*", "articles.edit", "articles.view", "users.ban"]
    assert sorted(first.roles_created) == ["admin", "editor", "reader"]
    assert len(first.grants_added) == 4
    second = await sync_acl(PERMISSIONS, ROLES)
    assert not second.changed
    assert await Permission.all().count() == 5 and await Role.all().count() == 3
    assert await granted("editor") == {"articles.*", "users.ban"}
    assert (await Permission.get(name="articles.edit")).description == "Edit articles"
    user = await factory("User")
    await assign_role(user, "editor")
    assert await user_has_permission(user, "articles.edit")


async def test_sync_adds_only_what_is_missing(db: str) -> None:
    await sync_acl(PERMISSIONS, {"reader": ["articles.view"]})
    renamed = {**PERMISSIONS, "articles.view": "See articles"}
    report = await sync_acl(renamed, {"reader": ["articles.view", "users.ban"]})
    assert report.permissions_created == [] and report.roles_created == []
    assert report.grants_added == [("reader", "users.ban")]
    assert report.descriptions_updated == ["articles.view"]
    assert await granted("reader") == {"articles.view", "users.ban"}


@pytest.mark.parametrize(
    ("permissions", "roles", "message"),
    [
        ({"articles edit": ""}, {}, "not a permission name"),
        ({"articles.*": ""}, {}, "wildcards are granted in ROLES"),
        (PERMISSIONS, {"editor": ["articles.publish"]}, "does not declare"),
        (PERMISSIONS, {"editor": "articles.view"}, "must be a list"),
        (PERMISSIONS, {"bad role!": []}, "not a role name"),
    ],
)
async def test_bad_declarations_are_refused_before_any_write(db: str, permissions: Any, roles: Any,
                                                            message: str) -> None:
    with pytest.raises(ValueError, match=message):
        await sync_acl(permissions, roles)
    assert await Permission.all().count() == 0


async def test_command_runs_twice(db: str, nori_db_config: dict[str, Any], monkeypatch: Any,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(settings, "TORTOISE_ORM", nori_db_config)
    args = argparse.Namespace(module="tests.test_acl_sync")
    assert await run(args) == 0
    out = capsys.readouterr().out
    assert "created role editor" in out and "granted articles.* to editor" in out
    assert "5 permissions, 3 roles and 4 grants created" in out
    assert await run(args) == 0
    assert capsys.readouterr().out.strip() == "ACL already in sync: nothing to create."


def nori(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "nori.py", *argv], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=60)


def test_cli_syncs_the_shipped_declaration(tmp_path: Path) -> None:
    database = engine_database("sqlite", "_aclcli").with_name(str(tmp_path / "acl.sqlite3"))

    async def create_schema() -> None:
        async with orm(tortoise_config(database)):
            from tortoise import Tortoise

            await Tortoise.generate_schemas()

    asyncio.run(create_schema())
    (tmp_path / "empty.env").write_text("")
    env = {**os.environ, "NORI_ENV_FILE": str(tmp_path / "empty.env"), "SECRET_KEY": "s" * 40,
           "DB_ENGINE": "sqlite", "DB_NAME": database.name}
    first = nori("acl:sync", env=env)
    assert first.returncode == 0, first.stderr
    assert "created role admin" in first.stdout
    second = nori("acl:sync", env=env)
    assert second.returncode == 0 and second.stdout.strip() == "ACL already in sync: nothing to create."
    missing = nori("acl:sync", "--module", "no_such_acl", env=env)
    assert missing.returncode != 0 and missing.stderr.count("\n") == 1 and "no module 'no_such_acl'" in missing.stderr
