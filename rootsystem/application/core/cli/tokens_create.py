"""`tokens:create USER --name N --scope S`: a personal access token, printed once.

USER is the user's id, email or slug. Only a hash is stored, so the token printed here is the
only copy there will ever be: a lost token is revoked and replaced, never recovered.
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from core.cli.errors import CommandError
from core.settings import settings

MAX_DAYS = 36_500


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("user", metavar="USER", help="the token's user: id, email or slug")
    parser.add_argument("--name", required=True, help="what the token is for, e.g. 'deploy script'")
    parser.add_argument("--scope", action="append", default=[], metavar="S",
                        help="a permission the token may use, e.g. articles.edit (repeatable)")
    parser.add_argument("--expires", type=int, metavar="DAYS", help="days until it expires (default: never)")


async def find_user(reference: str) -> Any:
    from core.registry import get_model
    from core.validation.emails import normalise_email

    model = get_model("User")
    if reference.isdigit():
        user = await model.get_or_none(pk=int(reference))
    elif "@" in reference:
        user = await model.get_or_none(email=normalise_email(reference))
    else:
        user = await model.get_or_none(slug=reference)
    if user is None:
        raise CommandError(f"no user with id, email or slug {reference!r}")
    return user


async def run(args: argparse.Namespace) -> int:
    from core.auth.tokens import create_personal_token
    from core.database import orm

    if args.expires is not None and not 1 <= args.expires <= MAX_DAYS:
        raise CommandError(f"--expires takes 1 to {MAX_DAYS} days (got {args.expires}); leave it out for no expiry")
    expires_in = datetime.timedelta(days=args.expires) if args.expires is not None else None
    async with orm(settings.TORTOISE_ORM):
        user = await find_user(args.user)
        try:
            created = await create_personal_token(user, args.name, args.scope, expires_in=expires_in)
        except ValueError as error:
            raise CommandError(str(error)) from None
    row = created.row
    scopes = ", ".join(row.scopes) or "none"
    expiry = f"expires {row.expires_at:%Y-%m-%d %H:%M} UTC" if row.expires_at else "never expires"
    print(f"Created token {row.id} {row.name!r} for {user} (scopes: {scopes}; {expiry}).")
    print(created.plain)
    print("Copy it now: only its hash is kept, so it cannot be shown again.")
    return 0
