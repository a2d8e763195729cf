"""Migration files the database has not applied yet, read cheaply enough for the app's start-up.

A server started on a schema behind its code fails later, on the first query that needs a new
column; one warning line at start-up names the cause first. Reading it costs one query on the
history table and a listing of the migration folders, so every start can afford it.
"""

from __future__ import annotations

from pathlib import Path

from core.database import FRAMEWORK_APP
from core.migrations import APPS
from core.migrations.backend import applied_migrations, migration_files

SHOWN = 5  # file names listed in the warning; the count covers the rest


async def pending_migrations(location: Path) -> list[str]:
    """`app/file` of every migration file not applied yet, framework first; the ORM must be open.

    An app built without the framework's models (a test's own configuration) keeps no history
    to compare with, so it has nothing pending.
    """
    from tortoise import Tortoise

    if FRAMEWORK_APP not in (Tortoise.apps or {}):
        return []
    applied = {(migration.app, migration.name) for migration in await applied_migrations()}
    return [f"{app}/{name}" for app in APPS for name in migration_files(location, app) if (app, name) not in applied]


def pending_warning(pending: list[str]) -> str:
    """One line naming the pending files and the command that applies them."""
    names = ", ".join(pending[:SHOWN]) + (f", and {len(pending) - SHOWN} more" if len(pending) > SHOWN else "")
    noun = "migration" if len(pending) == 1 else "migrations"
    return f"{len(pending)} pending {noun} ({names}): run 'python3 nori.py migrate:upgrade'"
