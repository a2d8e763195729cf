"""The Aerich adapter: generate, apply and revert migration files, read what a database has applied.

Everything Aerich-specific lives here. Aerich's own `upgrade`/`downgrade` are not used because
the framework needs what they cannot give: each file applied and reported on its own (so a
failure names its file), `--steps N` across both apps, SQLite DDL that really rolls back, and
initial migrations that hold only their own app's tables (Aerich's `init_db` puts every table on
the connection into the first app's file) and can be reverted.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

VERSION_FILE = re.compile(r"^(\d+)_.+\.py$")
Direction = Literal["upgrade", "downgrade"]
HISTORY_TABLE = "aerich"  # Aerich's model of the files each app has applied
HISTORY_CONNECTION = "default"  # the framework app's, where `core.database.tortoise_config` puts that model


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


async def applied_migrations(app: str | None = None, *, using: Any = None) -> list[AppliedMigration]:
    """What the database (or the connection `using`, a replica) has applied, oldest first; empty
    while Aerich's table does not exist.

    Read with plain SQL rather than through Aerich's model, so a server can look without
    registering that model, which would load the whole engine (`core.database.without_migration_state`).
    """
    from tortoise import connections
    from tortoise.exceptions import OperationalError

    connection = using if using is not None else connections.get(HISTORY_CONNECTION)
    try:
        rows = await connection.execute_query_dict(f"SELECT app, version FROM {HISTORY_TABLE} ORDER BY id")
    except OperationalError:
        return []
    return [AppliedMigration(row["app"], row["version"]) for row in rows if app is None or row["app"] == app]


async def generate(config: dict[str, Any], app: str, location: Path, name: str, *, write: bool = True) -> str | None:
    """Write the app's next migration (its initial one when it has none); None when nothing changed.

    The ORM must be open. Aerich diffs the models against the state the database last applied,
    so the caller makes sure nothing is pending first. The file carries the SQL of every engine
    (`aerich_compat.diff`), whatever engine it was made on. With `write=False` nothing is written
    (`migrate:make --check`): a non-None result only says that the models changed.
    """
    from aerich.exceptions import NotSupportError
    from tortoise.exceptions import ConfigurationError

    from core.migrations import aerich_compat, searches
    from core.migrations.files import portable_file

    if write:
        migration_dir(location, app).mkdir(parents=True, exist_ok=True)
    initial = not migration_files(location, app)
    applied = await aerich_compat.last_applied_state(config, app, str(location))  # also binds the differ to the app
    old = {} if initial else applied
    new = _models_state(app)
    try:
        scripts = aerich_compat.diff(old, new)
    except NotSupportError as error:
        raise UnsupportedChange(str(error).rstrip(".")) from None
    except ConfigurationError as error:
        if "cyclic" not in str(error):
            raise
        raise UnsupportedChange(
            f"{app}: new models reference each other in a cycle, which no order of CREATE TABLE can build: "
            "make one of the keys nullable and add it in a second migration"
        ) from None
    search = searches.changes(old, new, {dialect: (plan.upgrade, plan.downgrade) for dialect, plan in scripts.items()})
    if not any(plan.upgrade for plan in scripts.values()) and not any(search.values()):
        return None
    if not write:
        return name
    live = _dialect(_connection_name(config, app))
    if scripts[live].warnings.strip():
        sys.stderr.write(scripts[live].warnings)  # Aerich's own warnings, e.g. an on_delete it cannot change
    upgrade = {dialect: plan.upgrade for dialect, plan in scripts.items()}
    downgrade = {dialect: plan.downgrade for dialect, plan in scripts.items()}
    if initial:
        upgrade = {dialect: _create_if_missing(statements) for dialect, statements in upgrade.items()}
    downgrade = {dialect: _drops_in_reverse(upgrade[dialect], statements) for dialect, statements in downgrade.items()}
    for dialect, plan in search.items():
        upgrade[dialect], downgrade[dialect] = plan.around(upgrade[dialect], downgrade[dialect])
    version = await aerich_compat.next_version(name)
    removed = sorted(old[key]["name"].split(".")[-1] for key in set(old) - set(new) if "name" in old[key])
    irreversible = None
    if removed:  # Aerich's downgrade cannot recreate a dropped model's table; say so rather than skip it
        irreversible = f"it removes the model {', '.join(removed)}, whose table a downgrade cannot recreate"
    title = f"{app}/{version}: " + ("the app's initial tables." if initial else f"{name.replace('_', ' ')}.")
    text = portable_file(title, upgrade, downgrade, aerich_compat.compressed_state(new), irreversible)
    (migration_dir(location, app) / version).write_text(text, encoding="utf-8")
    return version


async def generate_data_migration(config: dict[str, Any], app: str, location: Path, name: str) -> str:
    """Write an empty data migration after the app's last applied one; the ORM must be open.

    Its `MODELS_STATE` is the applied state, unchanged: a data migration moves rows, not schema,
    so the next `migrate:make` still sees any model change not yet migrated.
    """
    from core.migrations import aerich_compat
    from core.migrations.files import data_file

    state = await aerich_compat.last_applied_state(config, app, str(location))
    version = await aerich_compat.next_version(name)
    title = f"{app}/{version}: {name.replace('_', ' ')} (data)."
    (migration_dir(location, app) / version).write_text(
        data_file(title, aerich_compat.compressed_state(state)), encoding="utf-8"
    )
    return version


def replaced_files(location: Path, app: str, name: str) -> list[str]:
    """The files a squashed file stands for (empty for any other file)."""
    return list(getattr(_load(location, app, name), "REPLACES", []))


async def record_squashed(app: str, name: str, replaced: list[str], location: Path) -> None:
    """A database that applied every replaced file: record the squashed file in their place."""
    from aerich.models import Aerich
    from aerich.utils import decompress_dict
    from tortoise.transactions import in_transaction

    module = _load(location, app, name)
    async with in_transaction() as conn:
        await Aerich.filter(app=app, version__in=replaced).using_db(conn).delete()
        await Aerich.create(version=name, app=app, content=decompress_dict(module.MODELS_STATE), using_db=conn)


def squash(location: Path, app: str, files: list[str], version: str) -> str:
    """Write one file that runs `files` (portable, oldest first) in order, and delete them.

    Returns the new file's name. The scripts are joined per dialect, upgrades in order and
    downgrades in reverse, so the new file builds exactly the schema the old ones built.
    """
    from aerich.utils import decompress_dict

    from core.migrations import aerich_compat
    from core.migrations.files import portable_file

    modules = [_load(location, app, name) for name in files]
    for name, module in zip(files, modules, strict=True):
        if not isinstance(getattr(module, "UPGRADE", None), dict):
            raise UnsupportedChange(f"{app}/{name} is not a portable SQL migration (a data migration, or older): "
                                    "squash up to the file before it")
    dialects = modules[-1].UPGRADE.keys()
    upgrade = {d: [sql for module in modules for sql in _statements(module.UPGRADE[d], d)] for d in dialects}
    downgrade = {d: [sql for module in reversed(modules) for sql in _statements(module.DOWNGRADE[d] or "", d)]
                 for d in dialects}
    reasons = [module.IRREVERSIBLE for module in modules if getattr(module, "IRREVERSIBLE", None)]
    replaced = [name for module, original in zip(modules, files, strict=True)
                for name in (getattr(module, "REPLACES", None) or [original])]
    title = f"{app}/{version}: {files[0]} to {files[-1]}, squashed."
    state = aerich_compat.compressed_state(decompress_dict(modules[-1].MODELS_STATE))
    text = portable_file(title, upgrade, downgrade, state, "; ".join(reasons) or None, replaced)
    (migration_dir(location, app) / version).write_text(text, encoding="utf-8")
    for name in files:
        (migration_dir(location, app) / name).unlink()
    return version


async def model_changes(config: dict[str, Any], app: str, location: Path) -> list[str]:
    """The models of `app` that differ from what its migrations build; empty when they agree.

    The diff `generate` would write, without writing it: the CI gate `migrate:make --check`.
    """
    from core.migrations import aerich_compat

    try:
        changed = await generate(config, app, location, "check", write=False)
    except UnsupportedChange:
        changed = "unsupported"  # still a disagreement; migrate:make says why it cannot write it
    if not changed:
        return []
    old = await aerich_compat.last_applied_state(config, app, str(location))
    new = _models_state(app)
    names = sorted(name.split(".", 1)[-1] for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    return names or [app]


def _models_state(app: str) -> dict[str, Any]:
    """The app's models as a migration records them: Aerich's description plus search declarations."""
    from core.migrations import aerich_compat, searches

    return searches.with_declarations(app, aerich_compat.models_state(app))


_CREATE_TABLE = re.compile(r"CREATE TABLE (?:IF NOT EXISTS )?([`\"]?)(\w+)\1")
_DROP_TABLE = re.compile(r"DROP TABLE (?:IF EXISTS )?([`\"]?)(\w+)\1")


def _create_if_missing(statements: list[str]) -> list[str]:
    """Every CREATE TABLE of an initial migration becomes `IF NOT EXISTS`.

    A DEBUG site already has its tables (generated at start-up) and its first migration must
    record them, not fail; Aerich writes model tables that way but not many-to-many link tables.
    """
    return [re.sub(r"CREATE TABLE (?!IF NOT EXISTS )", "CREATE TABLE IF NOT EXISTS ", sql) for sql in statements]


def _drops_in_reverse(upgrade: list[str], downgrade: list[str]) -> list[str]:
    """A downgrade drops the tables its upgrade created in the reverse order of their creation.

    Aerich drops them in model order, which PostgreSQL and MySQL refuse once a foreign key points
    backwards: a table must go before the tables it references. Only the drops trade places.
    """
    created = [match.group(2) for sql in upgrade for match in _CREATE_TABLE.finditer(sql)]
    rank = {table: position for position, table in enumerate(created)}
    slots = [index for index, sql in enumerate(downgrade) if _DROP_TABLE.search(sql)]
    drops = sorted((downgrade[index] for index in slots),
                   key=lambda sql: -rank.get(_DROP_TABLE.search(sql).group(2), len(created)))  # type: ignore[union-attr]
    reordered = list(downgrade)
    for index, sql in zip(slots, drops, strict=True):
        reordered[index] = sql
    return reordered


_ESCAPED_CHARACTER = re.compile(r"\\.", re.DOTALL)


def _statements(sql: str, dialect: str = "sqlite") -> list[str]:
    """Split a script into whole statements, respecting quotes and trigger bodies.

    SQLite's tokenizer decides where a statement ends. MySQL strings escape a quote with a
    backslash (`'it\\'s'`, as Aerich writes a table comment), which SQLite reads as the end of the
    string; for MySQL the check runs on a copy with each escaped character blanked out.
    """
    statements, buffer = [], ""
    for piece in sql.split(";"):
        buffer += piece + ";"
        probe = _ESCAPED_CHARACTER.sub("__", buffer) if dialect == "mysql" else buffer
        if sqlite3.complete_statement(probe):
            if buffer.strip(" \t\r\n;"):
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip(" \t\r\n;"):
        statements.append(buffer.strip())
    return statements


async def _expanded(conn: Any, statement: str) -> list[str]:
    """What one statement of a migration runs as on `conn`, decided against the live schema.

    SQLite's REBUILD directives become a table rebuild (`sqlite_rebuild`); on MySQL, dropping an
    index a foreign key leans on first gives the key an index of its own (`mysql_indexes`).
    """
    from core.migrations import mysql_indexes, sqlite_rebuild

    dialect = conn.schema_generator.DIALECT
    if dialect == "sqlite" and sqlite_rebuild.is_directive(statement):
        return await sqlite_rebuild.expand(statement, conn.execute_query_dict)
    if dialect == "mysql":
        return [*await mysql_indexes.before_drop(statement, conn.execute_query_dict), statement]
    return [statement]


async def _execute(conn: Any, sql: str) -> None:
    """Run a migration's SQL on `conn`, statement by statement, so a transaction around it covers it.

    SQLite's `executescript` commits before it starts, which would leave a failed migration
    half applied. Each statement is expanded when its turn comes, against the schema the
    statements before it left; after a SQLite rebuild, foreign keys are checked before the commit.
    """
    from core.migrations import sqlite_rebuild

    rebuilt = False
    for statement in _statements(sql or "", conn.schema_generator.DIALECT):
        for step in await _expanded(conn, statement):
            await conn.execute_query(step)
        rebuilt = rebuilt or sqlite_rebuild.is_directive(statement)
    if rebuilt and conn.schema_generator.DIALECT == "sqlite":
        await sqlite_rebuild.check_foreign_keys(conn.execute_query_dict)


def _rebuilds_tables(module: Any, direction: str, dialect: str) -> bool:
    """Whether a file's SQLite script rebuilds a table (then foreign keys must be off around it)."""
    scripts = getattr(module, direction.upper(), None)
    return dialect == "sqlite" and isinstance(scripts, dict) and "REBUILD TABLE" in scripts.get("sqlite", "").upper()


@contextlib.asynccontextmanager
async def _transaction(connection: str, module: Any, direction: str) -> AsyncIterator[Any]:
    """The migration's transaction; on SQLite, with foreign keys off around it when it rebuilds.

    SQLite ignores `PRAGMA foreign_keys` inside a transaction, so it is set before the
    transaction begins and restored after it ends (see `sqlite_rebuild`).
    """
    from tortoise import connections
    from tortoise.transactions import in_transaction

    conn = connections.get(connection)
    rebuilds = _rebuilds_tables(module, direction, conn.schema_generator.DIALECT)
    if rebuilds:
        await conn.execute_query("PRAGMA foreign_keys = OFF")
    try:
        async with in_transaction(connection) as transaction:
            yield transaction
    finally:
        if rebuilds:
            await conn.execute_query("PRAGMA foreign_keys = ON")


def _load(location: Path, app: str, name: str) -> Any:
    from aerich.utils import import_py_file

    path = migration_dir(location, app) / name
    if not path.is_file():
        raise MigrationFailed(f"{app}/{name}: the file is missing from {migration_dir(location, app)}")
    return import_py_file(path)


def _connection_name(config: dict[str, Any], app: str) -> str:
    return str(config["apps"][app].get("default_connection", "default"))


def _dialect(connection: str) -> str:
    from tortoise import connections

    return str(connections.get(connection).schema_generator.DIALECT)


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

    module = _load(location, app, name)
    connection = _connection_name(config, app)
    await _ensure_history_table(connections.get(connection))
    content = _recorded_state(module, app)
    try:
        if getattr(module, "RUN_IN_TRANSACTION", True):
            async with _transaction(connection, module, "upgrade") as conn:
                await _execute(conn, await module.upgrade(conn))
                await Aerich.create(version=name, app=app, content=content, using_db=conn)
        else:
            conn = connections.get(connection)
            await _execute(conn, await module.upgrade(conn))
            await Aerich.create(version=name, app=app, content=content, using_db=conn)
    except Exception as error:
        raise MigrationFailed(f"{app}/{name} failed: {_first_line(error)}") from error


def _declared_reversible(module: Any) -> bool | None:
    """What a file says of its own downgrade: portable files have one (unless they say why not),
    data migrations say whether theirs undoes them."""
    if getattr(module, "IRREVERSIBLE", None):
        return False
    if isinstance(getattr(module, "DOWNGRADE", None), dict):
        return True
    if hasattr(module, "REVERSIBLE"):
        return bool(module.REVERSIBLE)
    return None


async def irreversible_reason(config: dict[str, Any], app: str, location: Path, name: str) -> str | None:
    """Why a file cannot be reverted, or None when it can."""
    from tortoise import connections

    module = _load(location, app, name)
    declared = _declared_reversible(module)
    if declared is None:  # a file from before portability: a pure function of the connection
        declared = bool((await module.downgrade(connections.get(_connection_name(config, app)))).strip())
    if declared:
        return None  # a data migration's downgrade is never called just to look at it
    return getattr(module, "IRREVERSIBLE", None) or "it has no downgrade (an initial migration from Aerich's init-db)"


async def is_reversible(config: dict[str, Any], app: str, location: Path, name: str) -> bool:
    return await irreversible_reason(config, app, location, name) is None


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
    """The statements applying (or reverting) one file runs on this connection, in order, unexecuted.

    Each statement is expanded (`_expanded`) against the schema as it is now, so the listing is
    exact for a file whose turn it is. A SQLite rebuild of a table that does not have the shape it
    expects yet (the downgrade of a pending file, say) is listed as its directive, with a comment.
    """
    from tortoise import connections

    from core.migrations.sqlite_rebuild import RebuildError

    conn = connections.get(_connection_name(config, app))
    planned = []
    sql = await migration_sql(config, app, location, name, direction) or ""
    for statement in _statements(sql, conn.schema_generator.DIALECT):
        try:
            planned += await _expanded(conn, statement)
        except RebuildError as error:
            planned.append(f"-- expanded into a table rebuild when it runs ({error} yet)\n{statement}")
    return planned


async def revert(config: dict[str, Any], app: str, location: Path, name: str) -> None:
    """Run one file's downgrade and forget it was applied; the file stays, pending again."""
    from aerich.models import Aerich

    module = _load(location, app, name)
    try:
        async with _transaction(_connection_name(config, app), module, "downgrade") as conn:
            sql = await module.downgrade(conn)
            if not sql.strip() and not _declared_reversible(module):
                raise IrreversibleMigration(f"{app}/{name} has no downgrade")
            await _execute(conn, sql)
            await Aerich.filter(app=app, version=name).using_db(conn).delete()
    except IrreversibleMigration:
        raise
    except Exception as error:
        raise MigrationFailed(f"{app}/{name} downgrade failed: {_first_line(error)}") from error
