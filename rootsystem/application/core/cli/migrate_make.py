"""`migrate:make <description>`: write migrations for the models changed since the last applied one.

`--check` only detects (the CI gate: exit 1 when models and migrations disagree); `--empty` writes
a data migration instead, a file whose `upgrade(db)` the developer fills in with Python that runs
through the ORM inside the migration's transaction.
"""

from __future__ import annotations

import argparse
import sys

from core.cli.errors import CommandError
from core.database import FRAMEWORK_APP, SITE_APP


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("description", nargs="?",
                        help="what changed, e.g. 'add posts' (becomes part of the file name)")
    parser.add_argument("--app", choices=(FRAMEWORK_APP, SITE_APP), help="only this app (default: both)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when the models and the migrations disagree (for CI)")
    parser.add_argument("--empty", action="store_true",
                        help="write a data migration to fill in (for the site's app unless --app)")


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations
    from core.migrations.discovery import unimported_models

    for finding in unimported_models():
        print(f"Warning: {finding}", file=sys.stderr)
    project = operations.Project.from_settings()
    if args.check:
        return report_changes(await operations.changes(project, args.app))
    if not args.description:
        raise CommandError("say what changed, e.g. migrate:make 'add posts' (or --check to only detect changes)")
    if args.empty:
        await operations.make_empty(project, args.description, args.app, print)
    else:
        await operations.make(project, args.description, args.app, print)
    return 0


def report_changes(changes: dict[str, list[str]]) -> int:
    """The CI gate's answer: 0 when the migrations build the models, else 1 and what differs."""
    if not changes:
        print("No changes detected: the migrations match the models")
        return 0
    for app, models in changes.items():
        print(f"{app}: {', '.join(models)} changed since the last migration")
    print("Models and migrations disagree: run 'python3 nori.py migrate:make \"<what changed>\"' and commit the file")
    return 1
