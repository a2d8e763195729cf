"""What the `migrate:*` commands do, engine and backend agnostic: each step under the run's lock.

Every function takes a `Project` (the ORM config, the database and the migrations folder) and a
`say` callback for progress lines, so commands, tests and deploy scripts share one code path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.database import FRAMEWORK_APP, SITE_APP, DatabaseSettings, orm
from core.migrations import backend
from core.migrations.errors import MigrationError
from core.migrations.lock import migration_lock

APPS = (FRAMEWORK_APP, SITE_APP)  # framework first: site tables may reference framework tables

Say = Callable[[str], None]


@dataclass(frozen=True)
class Project:
    config: dict[str, Any]
    database: DatabaseSettings
    location: Path

    @classmethod
    def from_settings(cls) -> Project:
        import settings

        db = settings.DATABASE
        if db.engine == "sqlite" and db.name != ":memory:" and not Path(db.name).parent.is_dir():
            # said here: the SQLite driver fails on a missing folder in a way that can hang the process
            raise MigrationError(f"The folder of the SQLite database {db.name} does not exist (check DB_NAME)")
        return cls(settings.TORTOISE_ORM, db, settings.MIGRATIONS_DIR)

    def apps(self, app: str | None = None) -> tuple[str, ...]:
        if app is None:
            return APPS
        if app not in APPS:
            raise MigrationError(f"Unknown app {app!r}: use {' or '.join(APPS)}")
        return (app,)


@dataclass(frozen=True)
class AppStatus:
    app: str
    applied: list[str]
    pending: list[str]
    missing: list[str]  # applied in the database, file no longer on disk


def _waiting(say: Say) -> Callable[[], None]:
    return lambda: say("Another migration run holds the lock; waiting for it to finish...")


def slug(description: str) -> str:
    """A file-name-safe form of the description: 'Add posts!' -> 'add_posts'."""
    text = re.sub(r"[^a-z0-9]+", "_", description.lower()).strip("_")
    if not text:
        raise MigrationError(f"Migration description {description!r} needs letters or digits, e.g. 'add posts'")
    return text[:80]


async def app_status(project: Project, app: str) -> AppStatus:
    """Files on disk against rows in the database, for one app; the caller has the ORM open."""
    applied = [m.name for m in await backend.applied_migrations(app)]
    files = backend.migration_files(project.location, app)
    done, present = set(applied), set(files)
    return AppStatus(app, applied, [f for f in files if f not in done], [a for a in applied if a not in present])


async def status(project: Project) -> list[AppStatus]:
    async with orm(project.config):
        return [await app_status(project, app) for app in APPS]


async def _apply_pending(project: Project, apps: tuple[str, ...], say: Say) -> list[str]:
    done = []
    for app in apps:
        for name in (await app_status(project, app)).pending:
            try:
                await backend.apply(project.config, app, project.location, name)
            except backend.MigrationFailed as error:
                raise MigrationError(f"Migration {error}. It was not recorded as applied.") from error
            say(f"Applied {app}/{name}")
            done.append(f"{app}/{name}")
    return done


async def upgrade(project: Project, say: Say) -> list[str]:
    """Apply every pending file, framework first; returns the ones applied."""
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        if not any(backend.migration_files(project.location, app) for app in APPS):
            raise MigrationError("No migrations yet: run 'migrate:init' first")
        done = await _apply_pending(project, APPS, say)
    if not done:
        say("Nothing to migrate: the database is up to date.")
    return done


async def init(project: Project, say: Say) -> list[str]:
    """Write and apply each app's initial migration; apply existing files to a new database."""
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        states = {app: await app_status(project, app) for app in APPS}
        if all(state.applied for state in states.values()):
            say("Migrations are already initialised for this database; nothing to do.")
            return []
        for app in APPS:
            if states[app].applied:
                say(f"{app}: already initialised")
                continue
            if not backend.migration_files(project.location, app):
                name = await backend.generate(project.config, app, project.location, "init")
                say(f"Created migrations/{app}/{name}")
            await _apply_pending(project, (app,), say)
    return [app for app in APPS if not states[app].applied]


async def make(project: Project, description: str, app: str | None, say: Say) -> list[str]:
    """Write a migration per app whose models changed since the last applied migration."""
    name = slug(description)
    apps = project.apps(app)
    written = []
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        for label in apps:
            state = await app_status(project, label)
            if not state.applied and not state.pending:
                raise MigrationError("No migrations yet: run 'migrate:init' first")
            if state.pending:
                raise MigrationError(
                    f"{label} has {len(state.pending)} pending migration(s) ({state.pending[0]}...): "
                    "run 'migrate:upgrade' first, changes are measured against the applied state"
                )
        for label in apps:
            try:
                version = await backend.generate(project.config, label, project.location, name)
            except backend.UnsupportedChange as error:
                raise MigrationError(
                    f"{label}: {error}; no migration written. Change the column on a server engine "
                    "(MySQL/PostgreSQL) or add a new field and copy the data"
                ) from error
            if version:
                say(f"Created migrations/{label}/{version}")
                written.append(f"{label}/{version}")
    if not written:
        say("No changes detected")
    return written


async def _plan(project: Project, steps: int, app: str | None) -> list[backend.AppliedMigration]:
    """The `steps` most recently applied migrations (of `app`, or of both apps), newest first."""
    if steps < 1:
        raise MigrationError("--steps must be 1 or more")
    apps = project.apps(app)
    applied = [m for m in await backend.applied_migrations() if m.app in apps]
    if len(applied) < steps:
        where = f" in {app}" if app else ""
        raise MigrationError(f"Cannot roll back {steps} migration(s): only {len(applied)} applied{where}")
    return list(reversed(applied))[:steps]


async def downgrade_plan(project: Project, steps: int, app: str | None) -> list[backend.AppliedMigration]:
    """What `downgrade` would revert, for a confirmation prompt."""
    async with orm(project.config):
        return await _plan(project, steps, app)


async def downgrade(project: Project, steps: int, app: str | None, say: Say) -> list[str]:
    """Revert exactly the `steps` newest migrations; checks all of them can be reverted first."""
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        plan = await _plan(project, steps, app)
        for migration in plan:
            if not await backend.is_reversible(project.config, migration.app, project.location, migration.name):
                raise MigrationError(
                    f"{migration.app}/{migration.name} has no downgrade (an initial migration from "
                    "Aerich's init-db); nothing was rolled back. Use 'migrate:fresh' to rebuild a dev database"
                )
        for migration in plan:
            try:
                await backend.revert(project.config, migration.app, project.location, migration.name)
            except backend.MigrationFailed as error:
                raise MigrationError(f"Migration {error}") from error
            say(f"Reverted {migration.app}/{migration.name}")
    return [f"{m.app}/{m.name}" for m in plan]


async def fresh(project: Project, say: Say) -> list[str]:
    """Drop every table of the database and apply all migrations from the start."""
    from core.migrations.schema import drop_all_tables

    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        if not any(backend.migration_files(project.location, app) for app in APPS):
            raise MigrationError("No migrations yet: run 'migrate:init' first")
        dropped = await drop_all_tables()
        say(f"Dropped {len(dropped)} table(s)")
        return await _apply_pending(project, APPS, say)
