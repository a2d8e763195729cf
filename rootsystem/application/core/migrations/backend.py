"""The Aerich adapter: generate, apply and revert migration files, read what a database has applied.

Everything Aerich-specific lives here. Aerich's own `upgrade`/`downgrade` are not used because
the framework needs what they cannot give: each file applied and reported on its own (so a
failure names its file), `--steps N` across both apps, SQLite DDL that really rolls back, and
initial migrations that hold only their own app's tables (Aerich's `init_db` puts every table on
the connection into the first app's file) and can be reverted.
"""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

VERSION_FILE = re.compile(r"^(\d+)_.+\.py$")
Direction = Literal["upgrade", "downgrade"]


class MigrationFailed(Exception):
    """A migration file raised; the message names the file and carries the database's error."""


class UnsupportedChange(Exception):
    """The engine cannot express a model change as a migration (column changes on SQLite)."""


class IrreversibleMigration(Exception):
    """A migration has no downgrade (an initial migration written by Aerich's own `init-db`)."""


@dataclass(frozen=True)
class AppliedMigration:
    app: str
    name: str


def migration_dir(location: Path, app: str) -> Path:
    return location / app


def migration_files(location: Path, app: str) -> list[str]:
    """The app's migration file names in version order (`0_..._init.py`, `1_..._x.py`, ...)."""
    folder = migration_dir(location, app)
    if not folder.is_dir():
        return []
    names = [path.name for path in folder.iterdir() if VERSION_FILE.match(path.name)]
    return sorted(names, key=lambda name: int(name.split("_", 1)[0]))


async def applied_migrations(app: str | None = None) -> list[AppliedMigration]:
    """What the database has applied, oldest first; empty while Aerich's table does not exist."""
    from aerich.models import Aerich
    from tortoise.exceptions import OperationalError

    query = Aerich.all().order_by("id")
    if app is not None:
        query = query.filter(app=app)
    try:
        rows = await query.values_list("app", "version")
    except OperationalError:
        return []
    return [AppliedMigration(app_label, version) for app_label, version in rows]


def _reset_migrate_state() -> None:
    """Aerich keeps a diff's operators in class attributes and never clears them; do it per run."""
    from aerich.migrate import Migrate

    for name in ("upgrade_operators", "downgrade_operators", "_upgrade_fk_m2m_index_operators",
                 "_downgrade_fk_m2m_index_operators", "_upgrade_m2m", "_downgrade_m2m"):
        setattr(Migrate, name, [])
    Migrate._rename_fields = {}
    Migrate._rename_models = {}
    Migrate._last_version_content = None


@contextlib.contextmanager
def _diff_only() -> Iterator[None]:
    """Let Aerich diff the models exactly as `migrate` does, and stop where it would write the file."""
    from aerich.migrate import Migrate

    async def changed(cls: type, name: str, no_input: bool = False, offline: bool = False) -> str:
        return name

    original = Migrate.__dict__["_generate_diff_py"]
    Migrate._generate_diff_py = classmethod(changed)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Migrate._generate_diff_py = original  # type: ignore[method-assign]


async def generate(config: dict[str, Any], app: str, location: Path, name: str, *, write: bool = True) -> str | None:
    """Write the app's next migration (its initial one when it has none); None when nothing changed.

    The ORM must be open. Aerich diffs the models against the state the database last applied,
    so the caller makes sure nothing is pending first. With `write=False` nothing is written
    (`migrate:make --check`): a non-None result only says that the models changed.
    """
    from aerich import Command
    from aerich.exceptions import NotSupportError
    from aerich.migrate import Migrate

    _reset_migrate_state()
    if write:
        migration_dir(location, app).mkdir(parents=True, exist_ok=True)
    command = Command(tortoise_config=config, app=app, location=str(location))
    await command.init()
    initial = not migration_files(location, app)
    if initial:
        Migrate._last_version_content = {}  # diff from nothing: CREATE TABLEs with DROP TABLEs to undo them
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter), contextlib.nullcontext() if write else _diff_only():
            version = await command.migrate(name, no_input=True)
    except NotSupportError as error:
        field = re.search(r"field_name = '([^']+)'", chatter.getvalue())
        where = f" (field {field.group(1)!r})" if field else ""
        raise UnsupportedChange(f"{str(error).rstrip('.')}{where}") from None
    if chatter.getvalue().strip():
        sys.stderr.write(chatter.getvalue())  # Aerich's own warnings, e.g. an on_delete it cannot change
    if version and initial and write:
        _adopt_existing_tables(migration_dir(location, app) / version)
    return version or None


async def model_changes(config: dict[str, Any], app: str, location: Path) -> list[str]:
    """The models of `app` that differ from what its migrations build; empty when they agree.

    The diff `generate` would write, without writing it: the CI gate `migrate:make --check`.
    """
    from aerich.migrate import Migrate
    from aerich.utils import get_models_describe

    try:
        changed = await generate(config, app, location, "check", write=False)
    except UnsupportedChange:
        changed = "unsupported"  # still a disagreement; migrate:make says why it cannot write it
    if not changed:
        return []
    old, new = Migrate._last_version_content or {}, get_models_describe(app)
    changed = sorted(name.split(".", 1)[-1] for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    return changed or [app]


_CREATE_TABLE = re.compile(r"CREATE TABLE (?:IF NOT EXISTS )?([`\"]?)(\w+)\1")
_DROP_TABLE = re.compile(r"DROP TABLE (?:IF EXISTS )?([`\"]?)(\w+)\1;")


def _adopt_existing_tables(path: Path) -> None:
    """Fix two things in an initial migration Aerich wrote.

    Every CREATE TABLE becomes `IF NOT EXISTS`: a DEBUG site already has its tables (generated at
    start-up) and its first migration must record them, not fail; Aerich writes model tables that
    way but not many-to-many link tables. And the downgrade drops tables in the reverse order of
    their creation, so a table is dropped before the tables it references (Aerich drops them in
    model order, which PostgreSQL and MySQL refuse once a foreign key points backwards).
    """
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"CREATE TABLE (?!IF NOT EXISTS )", "CREATE TABLE IF NOT EXISTS ", text)
    created = [match.group(2) for match in _CREATE_TABLE.finditer(text)]
    drops = list(_DROP_TABLE.finditer(text))
    rank = {table: position for position, table in enumerate(created)}
    ordered = sorted(drops, key=lambda match: -rank.get(match.group(2), len(created)))
    for slot, statement in reversed(list(zip(drops, ordered, strict=True))):
        text = text[:slot.start()] + statement.group(0) + text[slot.end():]
    path.write_text(text, encoding="utf-8")


def _statements(sql: str) -> list[str]:
    """Split a script into whole statements, respecting quotes and trigger bodies."""
    statements, buffer = [], ""
    for piece in sql.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip(" \t\r\n;"):
        statements.append(buffer.strip())
    return statements


async def _execute(conn: Any, sql: str) -> None:
    """Run a migration's SQL on `conn` so that a transaction around it really covers it.

    SQLite's `executescript` commits before it starts, which would leave a failed migration
    half applied; statement by statement, the transaction holds.
    """
    if not sql.strip():
        return
    if conn.schema_generator.DIALECT == "sqlite":
        for statement in _statements(sql):
            await conn.execute_query(statement)
    else:
        await conn.execute_script(sql)


def _load(location: Path, app: str, name: str) -> Any:
    from aerich.utils import import_py_file

    path = migration_dir(location, app) / name
    if not path.is_file():
        raise MigrationFailed(f"{app}/{name}: the file is missing from {migration_dir(location, app)}")
    return import_py_file(path)


def _connection_name(config: dict[str, Any], app: str) -> str:
    return str(config["apps"][app].get("default_connection", "default"))


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


async def _ensure_history_table(conn: Any) -> None:
    """Create Aerich's bookkeeping table if missing: its diffs leave that model out of every file."""
    from aerich.models import Aerich
    from tortoise.exceptions import OperationalError

    try:
        await Aerich.all().using_db(conn).limit(1).values_list("id")
        return
    except OperationalError:
        pass
    generator = conn.schema_generator(conn)
    await conn.execute_script(generator._get_table_sql(Aerich, True)["table_creation_string"])


def _recorded_state(module: Any, app: str) -> dict[str, Any]:
    """The models' state a history row keeps, from which Aerich diffs the next migration."""
    from aerich.utils import decompress_dict, get_models_describe

    state = getattr(module, "MODELS_STATE", None)
    return decompress_dict(state) if state else get_models_describe(app)


async def apply(config: dict[str, Any], app: str, location: Path, name: str) -> None:
    """Apply one file and record it, in one transaction (DDL commits on its own on MySQL/MariaDB)."""
    from aerich.models import Aerich
    from tortoise import connections
    from tortoise.transactions import in_transaction

    module = _load(location, app, name)
    await _ensure_history_table(connections.get(_connection_name(config, app)))
    content = _recorded_state(module, app)
    connection = _connection_name(config, app)
    try:
        if getattr(module, "RUN_IN_TRANSACTION", True):
            async with in_transaction(connection) as conn:
                await _execute(conn, await module.upgrade(conn))
                await Aerich.create(version=name, app=app, content=content, using_db=conn)
        else:
            conn = connections.get(connection)
            await _execute(conn, await module.upgrade(conn))
            await Aerich.create(version=name, app=app, content=content, using_db=conn)
    except Exception as error:
        raise MigrationFailed(f"{app}/{name} failed: {_first_line(error)}") from error


async def record(config: dict[str, Any], app: str, location: Path, name: str) -> None:
    """Mark one file applied without running it (`--fake`): the schema already has its changes."""
    from aerich.models import Aerich
    from tortoise import connections

    module = _load(location, app, name)
    conn = connections.get(_connection_name(config, app))
    await _ensure_history_table(conn)
    await Aerich.create(version=name, app=app, content=_recorded_state(module, app), using_db=conn)


async def forget(config: dict[str, Any], app: str, name: str) -> None:
    """Unmark one file without running its downgrade (`--fake`); the file, if any, is pending again."""
    from aerich.models import Aerich
    from tortoise import connections

    await Aerich.filter(app=app, version=name).using_db(connections.get(_connection_name(config, app))).delete()


async def migration_sql(config: dict[str, Any], app: str, location: Path, name: str, direction: Direction) -> str:
    """The SQL one file's `upgrade(db)` or `downgrade(db)` gives for this connection; nothing is run."""
    from tortoise import connections

    module = _load(location, app, name)
    return await getattr(module, direction)(connections.get(_connection_name(config, app)))


async def planned_statements(
    config: dict[str, Any], app: str, location: Path, name: str, direction: Direction
) -> list[str]:
    """The statements applying (or reverting) one file runs on this connection, in order, unexecuted."""
    return _statements(await migration_sql(config, app, location, name, direction))


async def is_reversible(config: dict[str, Any], app: str, location: Path, name: str) -> bool:
    return bool((await migration_sql(config, app, location, name, "downgrade")).strip())


async def revert(config: dict[str, Any], app: str, location: Path, name: str) -> None:
    """Run one file's downgrade and forget it was applied; the file stays, pending again."""
    from aerich.models import Aerich
    from tortoise.transactions import in_transaction

    module = _load(location, app, name)
    try:
        async with in_transaction(_connection_name(config, app)) as conn:
            sql = await module.downgrade(conn)
            if not sql.strip():
                raise IrreversibleMigration(f"{app}/{name} has no downgrade")
            await _execute(conn, sql)
            await Aerich.filter(app=app, version=name).using_db(conn).delete()
    except IrreversibleMigration:
        raise
    except Exception as error:
        raise MigrationFailed(f"{app}/{name} downgrade failed: {_first_line(error)}") from error
