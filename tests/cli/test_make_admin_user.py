"""`make:admin-user` run as a user runs it: the user it creates may use the admin; mistakes are one line."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from core.acl import user_has_permission, user_roles
from core.auth.passwords import verify_password
from core.cli import make_admin_user
from core.cli.errors import CommandError
from core.testing.engines import engine_database
from models.user import User
from tests.support.site_copy import copy_site, database_environment, nori


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(tmp_path)


async def run(site: Path, engine: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    settings = database_environment(engine_database(engine))
    return await asyncio.to_thread(nori, site, "make:admin-user", *args, settings=settings, stdin=stdin)


async def test_the_user_gets_the_admin_role_and_the_password(db: str, site: Path) -> None:
    made = await run(site, db, "Grace@Example.com", "--name", "Grace Hopper", "--password-stdin",
                     stdin="a long password\n")
    assert made.returncode == 0, made.stderr
    user = await User.get(email="grace@example.com")
    assert made.stdout.strip() == f"Created admin user {user.pk} <grace@example.com> with the 'admin' role (admin.*)."
    assert user.name == "Grace Hopper" and (await verify_password("a long password", user.password_hash))[0]
    assert await user_roles(user) == ["admin"] and await user_has_permission(user, "admin.articles.edit")

    second = await run(site, db, "ada@example.com", "--password-stdin", stdin="another password\n")
    assert second.returncode == 0, second.stderr  # the role exists already: it is reused
    assert (await User.get(email="ada@example.com")).name == "ada"


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("not-an-email", "--password-stdin"), "long enough\n", "The email field must be a valid email address."),
    (("ada@example.com", "--password-stdin"), "short\n", "The password field must be at least 8 characters."),
    (("ada@example.com", "--password-stdin"), "\n", "The password field is required."),
    (("taken@example.com", "--password-stdin"), "long enough\n",
     "a user with email 'taken@example.com' already exists"),
])
async def test_a_mistake_is_one_line_on_stderr(db: str, site: Path, args: tuple[str, ...], stdin: str,
                                               message: str) -> None:
    await User.create(slug="taken", name="Taken", email="taken@example.com", password_hash="x")
    failed = await run(site, db, *args, stdin=stdin)
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.strip().splitlines() == [f"make:admin-user: {message}"]


def test_the_password_is_asked_twice_without_echo(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["first password", "other password"])
    prompts: list[str] = []

    def no_echo(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(make_admin_user.getpass, "getpass", no_echo)
    with pytest.raises(CommandError, match="the two passwords differ"):
        make_admin_user.read_password(from_stdin=False)
    assert prompts == ["Password: ", "Password (again): "]
