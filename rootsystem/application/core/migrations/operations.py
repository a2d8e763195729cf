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

from core.cli.errors import CommandError
from core.database import FRAMEWORK_APP, SITE_APP, DatabaseSettings, orm
from core.migrations import backend
from core.migrations.lock import migration_lock
from core.settings import settings

APPS = (FRAMEWORK_APP, SITE_APP)  # framework first: site tables may reference framework tables

Say = Callable[[str], None]


@dataclass(frozen=True)
class Project:
    config: dict[str, Any]
    database: DatabaseSettings
    location: Path

    @classmethod
    def from_settings(cls) -> Project:
        db = settings.DATABASE
        if db.engine == "sqlite" and db.name != ":memory:" and not Path(db.name).parent.is_dir():
            # said here: the SQLite driver fails on a missing folder in a way that can hang the process
            raise CommandError(f"The folder of the SQLite database {db.name} does not exist (check DB_NAME)")
        return cls(settings.TORTOISE_ORM, db, settings.MIGRATIONS_DIR)

    def apps(self, app: str | None = None) -> tuple[str, ...]:
        if app is None:
            return APPS
        if app not in APPS:
            raise CommandError(f"Unknown app {app!r}: use {' or '.join(APPS)}")
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
        raise CommandError(f"Migration description {description!r} needs letters or digits, e.g. 'add posts'")
    return text[:80]


async def app_status(project: Project, app: str) -> AppStatus:
    """Files on disk against rows in the database, for one app; the caller has the ORM open.

    A squashed file whose replaced files the database applied is recorded in their place here,
    the first time it is seen, so such a database keeps working with the new file.
    """
    applied = [m.name for m in await backend.applied_migrations(app)]
    files = backend.migration_files(project.location, app)
    for name in set(files) - set(applied):
        replaced = backend.replaced_files(project.location, app, name)
        if replaced and set(replaced) <= set(applied):
            await backend.record_squashed(app, name, replaced, project.location)
            applied = [m.name for m in await backend.applied_migrations(app)]
        elif replaced and set(replaced) & set(applied):
            raise CommandError(
                f"{app}/{name} replaces files this database applied only some of "
                f"({', '.join(sorted(set(replaced) - set(applied)))} missing): restore the old files "
                "from version control and run 'migrate:upgrade' before squashing"
            )
    done, present = set(applied), set(files)
    return AppStatus(app, applied, [f for f in files if f not in done], [a for a in applied if a not in present])


async def status(project: Project) -> list[AppStatus]:
    async with orm(project.config):
        return [await app_status(project, app) for app in APPS]


async def _apply_pending(project: Project, apps: tuple[str, ...], say: Say,
                         done: list[str] | None = None) -> list[str]:
    """Apply the apps' pending files in order; each one applied is added to `done` as it lands."""
    done = [] if done is None else done
    for app in apps:
        for name in (await app_status(project, app)).pending:
            try:
                await backend.apply(project.config, app, project.location, name)
            except backend.MigrationFailed as error:
                raise CommandError(f"Migration {error}. It was not recorded as applied.") from error
            say(f"Applied {app}/{name}")
            done.append(f"{app}/{name}")
    return done


async def upgrade(project: Project, say: Say) -> list[str]:
    """Apply every pending file, framework first; returns the ones applied."""
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        if not any(backend.migration_files(project.location, app) for app in APPS):
            raise CommandError("No migrations yet: run 'migrate:init' first")
        done = await _apply_pending(project, APPS, say)
    if not done:
        say("Nothing to migrate: the database is up to date.")
    return done


async def build_empty_database(project: Project, say: Say) -> list[str]:
    """Apply every migration to a database that has no tables at all; leave any other alone.

    The development server's convenience (DEBUG only): a fresh clone's first start builds its
    database from the shipped migrations, so the history is right from the first request. A
    database with tables is the developer's, and pending files there wait for `migrate:upgrade`.
    """
    from core.migrations.schema import live_columns

    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        if await live_columns():
            return []
        return await _apply_pending(project, APPS, say)


async def init(project: Project, say: Say) -> list[str]:
    """Bring a database to the models in one step, all or nothing; returns the files it applied.

    Each app without migration files gets its initial one; every pending file is applied,
    framework first; then, if the site's models have changed beyond its files (a model made
    before the first migration), a migration for that is written and applied too. If any step
    fails, the files this run applied are reverted and the files it wrote are removed, so a
    rerun starts from where the project was, never from half way.
    """
    written: list[Path] = []
    applied: list[str] = []  # "app/file", in the order applied

    def noted(app: str, name: str | None) -> None:
        if name:
            written.append(backend.migration_dir(project.location, app) / name)
            say(f"Created migrations/{app}/{name}")

    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        states = {app: await app_status(project, app) for app in APPS}
        if all(state.applied and not state.pending for state in states.values()):
            say("Migrations are already initialised for this database; nothing to do.")
            return []
        try:
            for app in APPS:
                if not backend.migration_files(project.location, app):
                    noted(app, await backend.generate(project.config, app, project.location, "init"))
                await _apply_pending(project, (app,), say, applied)
            noted(SITE_APP, await backend.generate(project.config, SITE_APP, project.location, "models"))
            await _apply_pending(project, (SITE_APP,), say, applied)
        except backend.UnsupportedChange as error:
            await _undo_init(project, applied, written, say)
            raise CommandError(f"{error}; nothing was initialised") from error
        except (Exception, KeyboardInterrupt):
            await _undo_init(project, applied, written, say)
            raise
    return applied


async def _undo_init(project: Project, applied: list[str], written: list[Path], say: Say) -> None:
    """Put the project back as `init` found it: revert what it applied, remove what it wrote."""
    for app, name in (entry.split("/", 1) for entry in reversed(applied)):
        try:
            await backend.revert(project.config, app, project.location, name)
            say(f"Reverted {app}/{name}")
        except (backend.MigrationFailed, backend.IrreversibleMigration) as error:
            say(f"Could not revert {app}/{name}: {error}")
    for path in written:
        path.unlink(missing_ok=True)
        say(f"Removed migrations/{path.parent.name}/{path.name}")


async def _require_up_to_date(project: Project, apps: tuple[str, ...]) -> None:
    """A new file is measured against the applied state, so nothing may be pending."""
    for label in apps:
        state = await app_status(project, label)
        if not state.applied and not state.pending:
            raise CommandError("No migrations yet: run 'migrate:init' first")
        if state.pending:
            raise CommandError(
                f"{label} has {len(state.pending)} pending migration(s) ({state.pending[0]}...): "
                "run 'migrate:upgrade' first, changes are measured against the applied state"
            )


async def make_empty(project: Project, description: str, app: str | None, say: Say) -> str:
    """Write a data migration for one app (the site's by default): Python to fill in, no schema change."""
    name = slug(description)
    label = app or SITE_APP
    project.apps(label)
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        await _require_up_to_date(project, (label,))
        version = await backend.generate_data_migration(project.config, label, project.location, name)
    say(f"Created migrations/{label}/{version}: write its upgrade(db), then run 'migrate:upgrade'")
    return f"{label}/{version}"


async def make(project: Project, description: str, app: str | None, say: Say) -> list[str]:
    """Write a migration per app whose models changed since the last applied migration."""
    name = slug(description)
    apps = project.apps(app)
    written = []
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        await _require_up_to_date(project, apps)
        for label in apps:
            try:
                version = await backend.generate(project.config, label, project.location, name)
            except backend.UnsupportedChange as error:
                raise CommandError(f"{label}: {error}; no migration written") from error
            if version:
                say(f"Created migrations/{label}/{version}")
                written.append(f"{label}/{version}")
    if not written:
        say("No changes detected")
    return written


async def _plan(project: Project, steps: int, app: str | None) -> list[backend.AppliedMigration]:
    """The `steps` most recently applied migrations (of `app`, or of both apps), newest first."""
    if steps < 1:
        raise CommandError("--steps must be 1 or more")
    apps = project.apps(app)
    applied = [m for m in await backend.applied_migrations() if m.app in apps]
    if len(applied) < steps:
        where = f" in {app}" if app else ""
        raise CommandError(f"Cannot roll back {steps} migration(s): only {len(applied)} applied{where}")
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
            reason = await backend.irreversible_reason(project.config, migration.app, project.location, migration.name)
            if reason:
                raise CommandError(
                    f"{migration.app}/{migration.name} cannot be reverted: {reason}; nothing was rolled back. "
                    "Use 'migrate:fresh' to rebuild a development database"
                )
        for migration in plan:
            try:
                await backend.revert(project.config, migration.app, project.location, migration.name)
            except backend.MigrationFailed as error:
                raise CommandError(f"Migration {error}") from error
            say(f"Reverted {migration.app}/{migration.name}")
    return [f"{m.app}/{m.name}" for m in plan]


async def squash(project: Project, app: str | None, to: str, say: Say) -> str:
    """Replace an app's files up to `to` (included) by one file that builds the same schema."""
    label = app or SITE_APP
    project.apps(label)
    files = backend.migration_files(project.location, label)
    target = Path(to).name
    if target not in files:
        raise CommandError(f"{label} has no migration {target!r}: see 'migrate:status'")
    chosen = files[: files.index(target) + 1]
    if len(chosen) < 2:
        raise CommandError(f"Nothing to squash: {target} is the first migration of {label}")
    version = f"{target.split('_', 1)[0]}_{chosen[-1].split('_')[1]}_squashed.py"
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        state = await app_status(project, label)
        if any(name in state.applied for name in chosen) and not all(name in state.applied for name in chosen):
            raise CommandError(f"{label}: apply or revert up to {target} first; the database is in the middle of it")
        try:
            name = backend.squash(project.location, label, chosen, version)
        except backend.UnsupportedChange as error:
            raise CommandError(f"{error}; nothing was squashed") from error
        await app_status(project, label)  # records the new file where the old ones were applied
    say(f"Squashed {len(chosen)} migrations of {label} into migrations/{label}/{name}")
    return name


async def fresh(project: Project, say: Say) -> list[str]:
    """Drop every table of the database and apply all migrations from the start."""
    from core.migrations.schema import drop_all_tables

    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        if not any(backend.migration_files(project.location, app) for app in APPS):
            raise CommandError("No migrations yet: run 'migrate:init' first")
        dropped = await drop_all_tables()
        say(f"Dropped {len(dropped)} table(s)")
        return await _apply_pending(project, APPS, say)
