"""`migrate:make <description>`: write migrations for the models changed since the last applied one.

`--empty` writes a data migration instead: a file whose `upgrade(db)` the developer fills in
with Python that runs through the ORM inside the migration's transaction.
"""

from __future__ import annotations

import argparse
import sys

from core.database import FRAMEWORK_APP, SITE_APP


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("description", help="what changed, e.g. 'add posts' (becomes part of the file name)")
    parser.add_argument("--app", choices=(FRAMEWORK_APP, SITE_APP), help="only this app (default: both)")
    parser.add_argument("--empty", action="store_true",
                        help="write a data migration to fill in (for the site's app unless --app)")


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations
    from core.migrations.discovery import unimported_models

    for finding in unimported_models():
        print(f"Warning: {finding}", file=sys.stderr)
    project = operations.Project.from_settings()
    if args.empty:
        await operations.make_empty(project, args.description, args.app, print)
    else:
        await operations.make(project, args.description, args.app, print)
    return 0
