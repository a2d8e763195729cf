"""`tokens:revoke ID`: stop a personal access token from working, at once and for good."""

from __future__ import annotations

import argparse

from core.cli.errors import CommandError
from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", type=int, help="the token's id, as tokens:create printed it")


async def run(args: argparse.Namespace) -> int:
    from core.auth.tokens import revoke_personal_token
    from core.database import orm
    from core.models import ApiToken

    async with orm(settings.TORTOISE_ORM):
        row = await ApiToken.get_or_none(id=args.id)
        if row is None:
            raise CommandError(f"no token with id {args.id}")
        revoked = await revoke_personal_token(row.id)
    if not revoked:
        print(f"Token {row.id} {row.name!r} was already revoked.")
    else:
        print(f"Revoked token {row.id} {row.name!r}.")
    return 0
