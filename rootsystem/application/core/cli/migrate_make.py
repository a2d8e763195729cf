"""`migrate:make <description>`: write migrations for the models changed since the last applied one."""

from __future__ import annotations

import argparse
import sys

from core.database import FRAMEWORK_APP, SITE_APP


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("description", help="what changed, e.g. 'add posts' (becomes part of the file name)")
    parser.add_argument("--app", choices=(FRAMEWORK_APP, SITE_APP), help="only this app (default: both)")


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations
    from core.migrations.discovery import unimported_models

    for finding in unimported_models():
        print(f"Warning: {finding}", file=sys.stderr)
    await operations.make(operations.Project.from_settings(), args.description, args.app, print)
    return 0
