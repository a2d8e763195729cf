"""`make:admin-user EMAIL [--password-stdin]`: a user holding the `admin` role, which is granted `admin.*`.

The password is asked for twice without echo, or read from the first line of stdin for scripts
(`--password-stdin`), never taken as an argument, which would leave it in the shell's history and
in the process list. It meets the same rules as the sign-up form's.
"""

from __future__ import annotations

import argparse
import getpass
import re
import secrets
import sys

from core.cli.errors import CommandError
from core.settings import settings

ROLE = "admin"
PERMISSION = "admin.*"
PASSWORD_RULES = {"password": "required|string|min:8|max:128"}
EMAIL_RULES = {"email": "required|email|max:255"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("email", metavar="EMAIL", help="the new user's email address (their login)")
    parser.add_argument("--name", help="the user's name (default: the part of EMAIL before the @)")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin's first line")


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password (again): ")
    except (EOFError, KeyboardInterrupt):
        raise CommandError("no password given; use --password-stdin to pipe one in") from None
    if password != again:
        raise CommandError("the two passwords differ")
    return password


async def checked(value: str, rules: dict[str, str]) -> str:
    from core.validation import ValidationError, validate

    name = next(iter(rules))
    try:
        return str((await validate({name: value}, rules))[name])
    except ValidationError as error:
        raise CommandError(error.errors[name][0]) from None


async def run(args: argparse.Namespace) -> int:
    from core.acl import assign_role, grant
    from core.auth.passwords import hash_password
    from core.database import orm
    from core.models import Role
    from core.registry import get_model

    email = await checked(args.email, EMAIL_RULES)
    password = await checked(read_password(args.password_stdin), PASSWORD_RULES)
    name = (args.name or email.split("@", 1)[0]).strip()[:100] or "Admin"
    async with orm(settings.TORTOISE_ORM):
        user_model = get_model("User")
        if await user_model.filter(email=email).exists():
            raise CommandError(f"a user with email {email!r} already exists")
        slug = f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:40] or 'admin'}-{secrets.token_hex(4)}"
        user = await user_model.create(slug=slug, name=name, email=email, password_hash=await hash_password(password))
        role, _ = await Role.get_or_create(name=ROLE)
        await grant(role, PERMISSION)
        await assign_role(user, role)
    print(f"Created admin user {user.pk} <{email}> with the {ROLE!r} role ({PERMISSION}).")
    return 0
