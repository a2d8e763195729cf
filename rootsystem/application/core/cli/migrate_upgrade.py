"""`migrate:upgrade`: apply pending migrations, framework first, one run at a time per database."""

from __future__ import annotations

import argparse


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations

    await operations.upgrade(operations.Project.from_settings(), print)
    return 0
