"""`migrate:init`: start keeping the schema in migrations (initial files for both apps, applied)."""

from __future__ import annotations

import argparse


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations

    await operations.init(operations.Project.from_settings(), print)
    return 0
