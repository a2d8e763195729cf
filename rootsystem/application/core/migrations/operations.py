"""What the `migrate:*` commands do, engine and backend agnostic: each step under the run's lock.

Every function takes a `Project` (the ORM config, the database and the migrations folder) and a
`say` callback for progress lines, so commands, tests and deploy scripts share one code path.
Refusals are `MigrationError`s whose message says what to do instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.database import SITE_APP, DatabaseSettings, orm, without_query_timeout
from core.migrations import APPS, backend
from core.migrations.destructive import destructive_steps
from core.migrations.errors import MigrationError
from core.migrations.lock import migration_lock
from core.settings import settings

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
            raise MigrationError(f"The folder of the SQLite database {db.name} does not exist (check DB_NAME)")
        return cls(without_query_timeout(settings.TORTOISE_ORM), db, settings.MIGRATIONS_DIR)

    def apps(self, app: str | None = None) -> tuple[str, ...]:
        if app is None:
            return APPS
        if app not in APPS:
            raise MigrationError(f"Unknown app {app!r}: use {' or '.join(APPS)}")
        return (app,)


@dataclass(frozen=True)
class Step:
    """One migration file of one app, named as the commands print it: `models/2_..._add_body.py`."""

    app: str
    name: str
    destructive: tuple[str, ...] = ()  # filled in by `upgrade_plan`, for the confirmation prompt

    def __str__(self) -> str:
        return f"{self.app}/{self.name}"


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
            raise MigrationError(
                f"{app}/{name} replaces files this database applied only some of "
                f"({', '.join(sorted(set(replaced) - set(applied)))} missing): restore the old files "
                "from version control and run 'migrate:upgrade' before squashing"
            )
    done, present = set(applied), set(files)
    return AppStatus(app, applied, [f for f in files if f not in done], [a for a in applied if a not in present])


async def status(project: Project) -> list[AppStatus]:
    async with orm(project.config):
        return [await app_status(project, app) for app in APPS]


def resolve(name: str, known: dict[str, list[str]], app: str | None = None) -> Step:
    """The one file `name` means among `known` (app to file names).

    `models/2_x.py`, `migrations/models/2_x.py`, `2_x.py` and `2_x` all work; a bare name found in
    both apps (initial files often share one) needs its app, as a prefix or as `app`.
    """
    parts = name.replace("\\", "/").strip("/").split("/")
    file = parts[-1] if parts[-1].endswith(".py") else f"{parts[-1]}.py"
    if len(parts) > 1:
        if parts[-2] not in APPS:
            raise MigrationError(f"{name!r}: {parts[-2]!r} is not an app; write framework/{file} or models/{file}")
        if app is not None and app != parts[-2]:
            raise MigrationError(f"{name!r} is a {parts[-2]} migration, not a {app} one")
        app = parts[-2]
    apps = (app,) if app else tuple(known)
    found = [label for label in apps if file in known.get(label, [])]
    if not found:
        where = " or ".join(f"migrations/{label}/" for label in apps)
        raise MigrationError(f"No migration {file} in {where}: 'migrate:status' lists them")
    if len(found) > 1:
        raise MigrationError(f"{file} is in both apps: name one, e.g. {found[0]}/{file} or {found[1]}/{file}")
    return Step(found[0], file)


def _files(project: Project, apps: tuple[str, ...] = APPS) -> dict[str, list[str]]:
    return {app: backend.migration_files(project.location, app) for app in apps}


async def _pending(project: Project, apps: tuple[str, ...], to: str | None = None) -> list[Step]:
    """Pending files in the order `upgrade` applies them, stopping after `to` (none if it is applied)."""
    pending = [Step(app, name) for app in apps for name in (await app_status(project, app)).pending]
    if to is None:
        return pending
    target = resolve(to, _files(project))
    return pending[: pending.index(target) + 1] if target in pending else []


async def _run(project: Project, plan: list[Step], say: Say, fake: bool = False,
               done: list[str] | None = None) -> list[str]:
    """Apply each file in turn, or with `fake` only record it as applied.

    Each file that lands is added to `done` at once, so a caller that must undo a failed run
    (`init`) knows exactly what did land.
    """
    done = [] if done is None else done
    for step in plan:
        try:
            if fake:
                await backend.record(project.config, step.app, project.location, step.name)
            else:
                await backend.apply(project.config, step.app, project.location, step.name)
        except backend.MigrationFailed as error:
            raise MigrationError(f"Migration {error}. It was not recorded as applied.") from error
        say(f"{'Faked' if fake else 'Applied'} {step}")
        done.append(str(step))
    return done


async def _apply_pending(project: Project, apps: tuple[str, ...], say: Say,
                         done: list[str] | None = None) -> list[str]:
    return await _run(project, await _pending(project, apps), say, done=done)


async def _destructive(project: Project, step: Step) -> tuple[str, ...]:
    sql = await backend.migration_sql(project.config, step.app, project.location, step.name, "upgrade")
    return tuple(destructive_steps(sql))


async def upgrade_plan(project: Project, to: str | None = None) -> list[Step]:
    """What `upgrade` would apply, each file with its destructive steps, for a confirmation prompt."""
    async with orm(project.config):
        plan = await _pending(project, APPS, to)
        return [replace(step, destructive=await _destructive(project, step)) for step in plan]


async def upgrade(project: Project, say: Say, *, to: str | None = None, fake: bool = False) -> list[str]:
    """Apply every pending file (up to and including `to`), framework first; returns the ones applied.

    With `fake` the files are recorded as applied without running their SQL: for a schema that
    already has their changes (made by hand, or by another tool).
    """
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        if not any(backend.migration_files(project.location, app) for app in APPS):
            raise MigrationError("No migrations yet: run 'migrate:init' first")
        done = await _run(project, await _pending(project, APPS, to), say, fake)
    if not done:
        say(f"Nothing to migrate: {to} is already applied." if to
            else "Nothing to migrate: the database is up to date.")
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
            raise MigrationError(f"{error}; nothing was initialised") from error
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


async def make_empty(project: Project, description: str, app: str | None, say: Say) -> str:
    """Write a data migration for one app (the site's by default): Python to fill in, no schema change."""
    name = slug(description)
    label = app or SITE_APP
    project.apps(label)
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        await _require_applied_state(project, (label,))
        version = await backend.generate_data_migration(project.config, label, project.location, name)
    say(f"Created migrations/{label}/{version}: write its upgrade(db), then run 'migrate:upgrade'")
    return f"{label}/{version}"


async def make(project: Project, description: str, app: str | None, say: Say) -> list[str]:
    """Write a migration per app whose models changed since the last applied migration."""
    name = slug(description)
    apps = project.apps(app)
    written = []
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        await _require_applied_state(project, apps)
        for label in apps:
            try:
                version = await backend.generate(project.config, label, project.location, name)
            except backend.UnsupportedChange as error:
                raise MigrationError(f"{label}: {error}; no migration written") from error
            if version:
                say(f"Created migrations/{label}/{version}")
                step = Step(label, version)
                for destructive in await _destructive(project, step):
                    say(f"  destructive: {destructive}")
                written.append(str(step))
    if not written:
        say("No changes detected")
    return written


async def _require_applied_state(project: Project, apps: tuple[str, ...]) -> None:
    """Changes are measured against what the database applied: none yet, or files pending, is a refusal."""
    for label in apps:
        state = await app_status(project, label)
        if not state.applied and not state.pending:
            raise MigrationError("No migrations yet: run 'migrate:init' first")
        if state.pending:
            raise MigrationError(
                f"{label} has {len(state.pending)} pending migration(s) ({state.pending[0]}...): "
                "run 'migrate:upgrade' first, changes are measured against the applied state"
            )


async def changes(project: Project, app: str | None) -> dict[str, list[str]]:
    """Per app, the models its migrations do not build yet; empty when they agree. Writes nothing."""
    apps = project.apps(app)
    async with orm(project.config):
        await _require_applied_state(project, apps)
        found = {label: await backend.model_changes(project.config, label, project.location) for label in apps}
    return {label: models for label, models in found.items() if models}


async def _applied_after(project: Project, to: str, app: str | None) -> list[Step]:
    """Every migration of one app applied after `to` (all of the app's for `zero`), newest first."""
    applied = [Step(m.app, m.name) for m in await backend.applied_migrations()]
    if to == "zero":
        if app is None:
            raise MigrationError("--to zero reverts every migration of one app: add --app framework or --app models")
        return [step for step in reversed(applied) if step.app == project.apps(app)[0]]
    known = {label: backend.migration_files(project.location, label) for label in project.apps(app)}
    for step in applied:
        known.setdefault(step.app, []).append(step.name)  # an applied file may be gone from disk
    target = resolve(to, known, app)
    kept = [step for step in applied if step.app == target.app]
    if target not in kept:
        raise MigrationError(f"{target} is not applied, so nothing can be rolled back to it: "
                             "'migrate:status' lists the applied migrations")
    return list(reversed(kept[kept.index(target) + 1:]))


async def _plan(project: Project, steps: int, app: str | None, to: str | None = None) -> list[Step]:
    """The `steps` most recently applied migrations (of `app`, or of both apps), newest first; or those after `to`."""
    if to is not None:
        return await _applied_after(project, to, app)
    if steps < 1:
        raise MigrationError("--steps must be 1 or more")
    apps = project.apps(app)
    applied = [Step(m.app, m.name) for m in await backend.applied_migrations() if m.app in apps]
    if len(applied) < steps:
        where = f" in {app}" if app else ""
        raise MigrationError(f"Cannot roll back {steps} migration(s): only {len(applied)} applied{where}")
    return list(reversed(applied))[:steps]


async def downgrade_plan(project: Project, steps: int, app: str | None, *, to: str | None = None) -> list[Step]:
    """What `downgrade` would revert, for a confirmation prompt."""
    async with orm(project.config):
        return await _plan(project, steps, app, to)


async def downgrade(
    project: Project, steps: int, app: str | None, say: Say, *, to: str | None = None, fake: bool = False
) -> list[str]:
    """Revert exactly the `steps` newest migrations (or those after `to`); checks all can be reverted first.

    With `fake` they are only unrecorded, their downgrade not run: the schema keeps their changes.
    """
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        plan = await _plan(project, steps, app, to)
        for step in [] if fake else plan:
            reason = await backend.irreversible_reason(project.config, step.app, project.location, step.name)
            if reason:
                raise MigrationError(
                    f"{step} cannot be reverted: {reason}; nothing was rolled back. "
                    "Use 'migrate:fresh' to rebuild a development database"
                )
        for step in plan:
            try:
                if fake:
                    await backend.forget(project.config, step.app, step.name)
                else:
                    await backend.revert(project.config, step.app, project.location, step.name)
            except backend.MigrationFailed as error:
                raise MigrationError(f"Migration {error}") from error
            say(f"{'Faked' if fake else 'Reverted'} {step}")
    if not plan:
        say(f"Nothing to roll back: no {app} migration is applied." if to == "zero"
            else f"Nothing to roll back: {to} is the newest applied migration of its app.")
    return [str(step) for step in plan]


async def sql(project: Project, name: str | None, app: str | None, direction: backend.Direction
              ) -> list[tuple[Step, list[str]]]:
    """The statements files would run on this engine, each under its file; nothing is run.

    `name` picks one file, pending or applied; without it, upgrading shows every pending file
    in order and downgrading shows the file `downgrade` would revert next.
    """
    async with orm(project.config):
        if name is not None:
            targets = [resolve(name, _files(project, project.apps(app)), app)]
        elif direction == "upgrade":
            targets = await _pending(project, project.apps(app))
        else:
            targets = await _plan(project, 1, app)
        return [(step, await backend.planned_statements(project.config, step.app, project.location, step.name,
                                                         direction)) for step in targets]


async def squash(project: Project, app: str | None, to: str, say: Say) -> str:
    """Replace an app's files up to `to` (included) by one file that builds the same schema."""
    label = app or SITE_APP
    project.apps(label)
    files = backend.migration_files(project.location, label)
    target = Path(to).name
    if target not in files:
        raise MigrationError(f"{label} has no migration {target!r}: see 'migrate:status'")
    chosen = files[: files.index(target) + 1]
    if len(chosen) < 2:
        raise MigrationError(f"Nothing to squash: {target} is the first migration of {label}")
    version = f"{target.split('_', 1)[0]}_{chosen[-1].split('_')[1]}_squashed.py"
    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        state = await app_status(project, label)
        if any(name in state.applied for name in chosen) and not all(name in state.applied for name in chosen):
            raise MigrationError(f"{label}: apply or revert up to {target} first; the database is in the middle of it")
        try:
            name = backend.squash(project.location, label, chosen, version)
        except backend.UnsupportedChange as error:
            raise MigrationError(f"{error}; nothing was squashed") from error
        await app_status(project, label)  # records the new file where the old ones were applied
    say(f"Squashed {len(chosen)} migrations of {label} into migrations/{label}/{name}")
    return name


async def fresh(project: Project, say: Say) -> list[str]:
    """Drop every table of the database and apply all migrations from the start."""
    from core.migrations.schema import drop_all_tables

    async with migration_lock(project.database, _waiting(say)), orm(project.config):
        if not any(backend.migration_files(project.location, app) for app in APPS):
            raise MigrationError("No migrations yet: run 'migrate:init' first")
        dropped = await drop_all_tables()
        say(f"Dropped {len(dropped)} table(s)")
        return await _apply_pending(project, APPS, say)
