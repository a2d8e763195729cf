"""`migrate:sql [FILE] [--downgrade] [--app A]`: print the SQL migrations would run on this engine; nothing runs."""

from __future__ import annotations

import argparse

from core.database import FRAMEWORK_APP, SITE_APP


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="one migration, pending or applied: models/2_20260301120000_add_body.py or its file "
                             "name (default: every pending migration, in the order migrate:upgrade applies them)")
    parser.add_argument("--downgrade", action="store_true",
                        help="the downgrade SQL instead (default FILE: the one migrate:downgrade reverts next)")
    parser.add_argument("--app", choices=(FRAMEWORK_APP, SITE_APP),
                        help="only this app (and the app of FILE when both have that file)")


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations
    from core.migrations.backend import Direction

    direction: Direction = "downgrade" if args.downgrade else "upgrade"
    found = await operations.sql(operations.Project.from_settings(), args.file, args.app, direction)
    if not found:
        print("-- Nothing pending: the database is up to date.")
    for position, (step, statements) in enumerate(found):
        if position:
            print()
        print(f"-- {step} ({direction})")
        print("\n".join(statements) if statements else "-- (no SQL)")
    return 0
