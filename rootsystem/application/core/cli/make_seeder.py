"""`make:seeder Name`: write seeders/<name>_seeder.py and append it to SEEDERS."""

from __future__ import annotations

import argparse
import re

from core.cli.errors import CommandError
from core.cli.naming import snake_case
from core.cli.scaffold import PROJECT, relative, write_new
from core.cli.wiring import add_seeder_line


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="what it seeds, e.g. User or UserSeeder (→ seeders/user_seeder.py)")


def seeder_stem(name: str) -> str:
    """User, UserSeeder, user and user_seeder all name seeders/user_seeder.py."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise CommandError(f"{name!r} is not a valid seeder name: use an identifier such as 'User' or 'BlogPost'")
    stem = snake_case(name)
    stem = stem.removesuffix("_seeder").removesuffix("seeder").rstrip("_") or stem
    return f"{stem}_seeder"


def seeder_source(stem: str) -> str:
    return f'''"""Seeder `{stem}`: the rows it inserts; `python3 nori.py db:seed --class {stem}` runs it alone."""

from __future__ import annotations


async def run() -> None:
    """Insert this seeder's rows; db:seed wraps the call in a transaction, so a failure leaves nothing behind.

    Example:
        from models.user import User
        await User.bulk_create([User(slug=f"user-{{i}}", name=f"User {{i}}", email=f"u{{i}}@example.com",
                                     password_hash="!") for i in range(100)])
    """
'''


def run(args: argparse.Namespace) -> int:
    stem = seeder_stem(args.name)
    path = PROJECT / "seeders" / f"{stem}.py"
    registry = PROJECT / "seeders" / "database_seeder.py"
    if not registry.exists():
        raise CommandError(f"{relative(registry)} is missing; create it with SEEDERS = []")
    write_new(path, seeder_source(stem))
    print(f"Created {relative(path)}")
    module = f"seeders.{stem}"
    text = add_seeder_line(registry.read_text(encoding="utf-8"), module)
    if text is None:
        print(f"{relative(registry)} already lists {module!r}")
    else:
        registry.write_text(text, encoding="utf-8")
        print(f"Added {module!r} to SEEDERS in {relative(registry)}")
    print(f"Next: fill in run(), then `python3 nori.py db:seed --class {stem}`")
    return 0
