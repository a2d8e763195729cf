"""Aerich's internals, bent to write one migration for every engine: the only module that subclasses them.

Aerich diffs two descriptions of the models (the state the database last applied, the models
now) and turns each difference into SQL through a DDL object for the connected dialect. The
descriptions carry every dialect's column types, so nothing ties the diff to the connection:
`diff()` runs it once per dialect, each time with that dialect's DDL over a client that is
built but never connected, and collects three scripts from one diff.

What is changed on the way, each for a reason:

- **Self-references.** Aerich orders new tables so a table comes after those it references and
  counts a model's foreign key to itself (a tree's `parent`) as a cycle: "Can't create schema due
  to cyclic fk references". A table may reference itself in its own CREATE TABLE on every
  engine, so self-references are left out of the ordering.
- **SQLite.** Its ALTER TABLE cannot change a column or a foreign key, and Aerich's SQLite DDL
  either refuses (`Modify column is unsupported`) or writes SQL SQLite rejects
  (`ADD CONSTRAINT ... FOREIGN KEY`). Those become `REBUILD TABLE` directives that
  `core.migrations.sqlite_rebuild` carries out. Dropping a column is a rebuild too: SQLite's own
  DROP COLUMN refuses a column that is UNIQUE, indexed or part of a foreign key.
- **Unique constraints on PostgreSQL.** A unique-together made with its table is a constraint,
  one added later is an index; Aerich tells them apart by reading earlier files as PostgreSQL
  SQL, which a portable file is not. Dropping one drops both forms, each `IF EXISTS`.
- **Comments.** SQLite keeps no column comments; changing one is nothing to do there.
"""

from __future__ import annotations

import contextlib
import copy
import io
from dataclasses import dataclass
from typing import Any

from aerich.ddl import BaseDDL
from aerich.ddl.mysql import MysqlDDL
from aerich.ddl.postgres import PostgresDDL
from aerich.ddl.sqlite import SqliteDDL
from aerich.migrate import Migrate
from tortoise.models import Model

DIALECTS = ("sqlite", "mysql", "postgres")


class _SqliteDDL(SqliteDDL):
    _MODIFY_COLUMN_TEMPLATE = 'REBUILD TABLE "{table_name}" ALTER COLUMN {column}'

    def modify_column(self, model: type[Model], field_describe: dict, is_pk: bool = False) -> str:
        return BaseDDL.modify_column(self, model, field_describe, is_pk)

    def alter_column_default(self, model: type[Model], field_describe: dict) -> str:
        return self.modify_column(model, field_describe)

    def alter_column_null(self, model: type[Model], field_describe: dict) -> str:
        return self.modify_column(model, field_describe)

    def set_comment(self, model: type[Model], field_describe: dict) -> str:
        return ""

    def drop_column(self, model: type[Model], column_name: str) -> str:
        return f'REBUILD TABLE "{model._meta.db_table}" DROP COLUMN "{column_name}"'

    def add_fk(self, model: type[Model], field_describe: dict, reference_table_describe: dict) -> str:
        pk = reference_table_describe["pk_field"]["db_column"]
        return (
            f'REBUILD TABLE "{model._meta.db_table}" ADD FOREIGN KEY ("{field_describe["raw_field"]}") '
            f'REFERENCES "{reference_table_describe["table"]}" ("{pk}") ON DELETE {field_describe["on_delete"]}'
        )

    def drop_fk(self, model: type[Model], field_describe: dict, reference_table_describe: dict) -> str:
        return f'REBUILD TABLE "{model._meta.db_table}" DROP FOREIGN KEY ("{field_describe["raw_field"]}")'

    def drop_index_by_name(self, model: type[Model], index_name: str) -> str:
        return self.drop_unique_constraint(model, index_name)

    def drop_unique_constraint(self, model: type[Model], name: str) -> str:
        # an index made after the table, or a constraint written into its CREATE TABLE
        return f'DROP INDEX IF EXISTS "{name}";\nREBUILD TABLE "{model._meta.db_table}" DROP CONSTRAINT "{name}"'


class _PostgresDDL(PostgresDDL):
    def drop_index_by_name(self, model: type[Model], index_name: str) -> str:
        if not index_name.startswith("uid_"):
            return super().drop_index_by_name(model, index_name)
        return self.drop_unique_constraint(model, index_name) + ";\n" + super().drop_index_by_name(model, index_name)


def _offline_ddl(dialect: str, mysql_charset: str) -> BaseDDL:
    """A DDL object over a client that is configured but never connects: only its dialect matters."""
    if dialect == "sqlite":
        from tortoise.backends.sqlite.client import SqliteClient

        return _SqliteDDL(SqliteClient(file_path=":memory:", connection_name="nori_offline_sqlite"))
    if dialect == "mysql":
        from tortoise.backends.mysql.client import MySQLClient

        return MysqlDDL(MySQLClient(user="", password="", database="", host="", port=0,
                                    charset=mysql_charset, connection_name="nori_offline_mysql"))
    from tortoise.backends.asyncpg.client import AsyncpgDBClient

    return _PostgresDDL(AsyncpgDBClient(user="", password="", database="", host="", port=0,
                                        connection_name="nori_offline_postgres"))


class _PortableMigrate(Migrate):
    """Aerich's differ with its state on this class, reset before each dialect's pass."""

    upgrade_operators: list[str] = []
    downgrade_operators: list[str] = []
    _upgrade_fk_m2m_index_operators: list[str] = []
    _downgrade_fk_m2m_index_operators: list[str] = []
    _upgrade_m2m: list[str] = []
    _downgrade_m2m: list[str] = []
    _rename_fields: dict[str, dict[str, str]] = {}
    _rename_models: dict[str, str] = {}

    @classmethod
    def reset(cls, dialect: str, ddl: BaseDDL) -> None:
        for name in ("upgrade_operators", "downgrade_operators", "_upgrade_fk_m2m_index_operators",
                     "_downgrade_fk_m2m_index_operators", "_upgrade_m2m", "_downgrade_m2m"):
            setattr(cls, name, [])
        cls._rename_fields = {}
        cls._rename_models = {}
        cls.dialect = dialect
        cls.ddl = ddl

    @classmethod
    def _is_unique_constraint(cls, model: type[Model], index_name: str) -> bool:
        return False  # the PostgreSQL DDL drops both forms

    @classmethod
    def _handle_add_models(
        cls,
        upgrade: bool,
        new_models: dict[str, dict],
        new_table_items: list[tuple[str, dict, type[Model]]],
        other_table_items: list[tuple[str, dict, type[Model]]] | None = None,
    ) -> None:
        def without_self_references(name: str, describe: dict) -> dict:
            trimmed = dict(describe)
            for key in ("fk_fields", "o2o_fields"):
                trimmed[key] = [field for field in describe.get(key, []) if field.get("python_type") != name]
            return trimmed

        items = [(name, without_self_references(name, describe), model) for name, describe, model in new_table_items]
        super()._handle_add_models(upgrade, new_models, items, other_table_items)


@dataclass(frozen=True)
class DialectScripts:
    upgrade: list[str]
    downgrade: list[str]
    warnings: str  # what Aerich printed while diffing (an on_delete it cannot change, say)


async def last_applied_state(config: dict[str, Any], app: str, location: str) -> dict[str, Any]:
    """The models' description as the database last applied it (empty before the first migration)."""
    _PortableMigrate._last_version_content = None
    await _PortableMigrate.init(config, app, location)
    return copy.deepcopy(_PortableMigrate._last_version_content or {})


def models_state(app: str) -> dict[str, Any]:
    from aerich.utils import get_models_describe

    return get_models_describe(app)


def compressed_state(state: dict[str, Any]) -> str:
    """The description as a migration file's `MODELS_STATE` holds it (compressed, in short lines)."""
    from aerich.utils import get_formatted_compressed_data

    return get_formatted_compressed_data(state)


def diff(old: dict[str, Any], new: dict[str, Any], mysql_charset: str = "utf8mb4") -> dict[str, DialectScripts]:
    """The upgrade and downgrade statements from `old` to `new`, for each dialect.

    `last_applied_state` must have run first (it sets the app and the history Aerich reads).
    """
    scripts = {}
    for dialect in DIALECTS:
        migrate = _PortableMigrate
        migrate.reset(dialect, _offline_ddl(dialect, mysql_charset))
        chatter = io.StringIO()
        with contextlib.redirect_stdout(chatter):
            before, after = migrate._exclude_model_name_changes(copy.deepcopy(old), copy.deepcopy(new))
            migrate.diff_models(copy.deepcopy(before), copy.deepcopy(after), no_input=True)
            migrate.diff_models(copy.deepcopy(after), copy.deepcopy(before), False, no_input=True)
            migrate._merge_operators()
        scripts[dialect] = DialectScripts(
            _distinct(migrate.upgrade_operators), _distinct(migrate.downgrade_operators), chatter.getvalue()
        )
    return scripts


def _distinct(operators: list[str]) -> list[str]:
    """The non-empty statements, each once, in their first place.

    A change of type, default and NULL rule in one step gives operators that each restate the
    whole column (MySQL's MODIFY, SQLite's rebuild): a repeat would only redo the first.
    """
    return list(dict.fromkeys(operator for operator in operators if operator.strip()))


async def next_version(name: str) -> str:
    """The next file name, numbered after what the database applied: `3_20261202101500_add_posts.py`."""
    return await _PortableMigrate.generate_version(name)
