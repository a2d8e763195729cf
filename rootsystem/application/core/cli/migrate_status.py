"""`migrate:status`: applied and pending migrations per app."""

from __future__ import annotations

import argparse


async def run(args: argparse.Namespace) -> int:
    from core.migrations import operations

    for state in await operations.status(operations.Project.from_settings()):
        print(f"{state.app}: {len(state.applied)} applied, {len(state.pending)} pending")
        for name in state.applied:
            print(f"  [applied] {name}" + ("  (file missing)" if name in state.missing else ""))
        for name in state.pending:
            print(f"  [pending] {name}")
    return 0
