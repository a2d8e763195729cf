"""`migrate:squash --to FILE`: replace an app's migrations up to FILE by one file.

The new file runs the same SQL on each engine and lists the files it replaces, so databases that
applied them keep working; commit the new file and the removal of the old ones together.
"""

from __future__ import annotations

import argparse

from core.database import FRAMEWORK_APP, SITE_APP


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, metavar="FILE", help="the last migration to fold in (its file name)")
    parser.add_argument("--app", choices=(FRAMEWORK_APP, SITE_APP), help="the app to squash (default: models)")


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations

    await operations.squash(operations.Project.from_settings(), args.app, args.to, print)
    return 0
