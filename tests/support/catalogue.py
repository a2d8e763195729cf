"""A database's schema as its own catalogue reports it, for comparing what migrations built.

Each engine is asked through its catalogue (SQLite's PRAGMAs, MySQL's and PostgreSQL's system
tables), never through the SQL that built the schema, so two schemas compare equal only if the
engine holds the same tables, columns, indexes and foreign keys. Index names are left out: SQLite
names the index behind an inline UNIQUE itself; what an index covers and whether it is unique
is what a site relies on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HISTORY_TABLE = "aerich"


@dataclass
class Table:
    columns: dict[str, tuple[str, bool, str | None]] = field(default_factory=dict)  # type, nullable, default
    indexes: set[tuple[tuple[str, ...], bool]] = field(default_factory=set)  # columns, unique
    foreign_keys: set[tuple[str, str, str, str]] = field(default_factory=set)  # column, table, column, on delete


Schema = dict[str, Table]


async def read_schema(conn: Any) -> Schema:
    """Every table but the migration history, as the connection's engine describes it."""
    dialect = conn.schema_generator.DIALECT
    reader = {"sqlite": _sqlite, "mysql": _mysql, "postgres": _postgres}[dialect]
    schema = await reader(conn)
    schema.pop(HISTORY_TABLE, None)
    return schema


async def _sqlite(conn: Any) -> Schema:
    schema: Schema = {}
    names = await conn.execute_query_dict(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    for row in names:
        table = schema[row["name"]] = Table()
        quoted = '"' + row["name"] + '"'
        for column in await conn.execute_query_dict(f"PRAGMA table_info({quoted})"):
            nullable = not column["notnull"] and not column["pk"]
            table.columns[column["name"]] = (column["type"].upper(), nullable, column["dflt_value"])
        for index in await conn.execute_query_dict(f"PRAGMA index_list({quoted})"):
            if index["origin"] == "pk":
                continue
            info = await conn.execute_query_dict(f"PRAGMA index_info(\"{index['name']}\")")
            columns = tuple(item["name"] for item in sorted(info, key=lambda item: item["seqno"]))
            table.indexes.add((columns, bool(index["unique"])))
        for key in await conn.execute_query_dict(f"PRAGMA foreign_key_list({quoted})"):
            table.foreign_keys.add((key["from"], key["table"], key["to"], key["on_delete"].upper()))
    return schema


async def _mysql(conn: Any) -> Schema:
    schema: Schema = {}
    for row in await conn.execute_query_dict(
        "SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, "
        "COLUMN_DEFAULT AS dflt FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
    ):
        schema.setdefault(row["t"], Table()).columns[row["c"]] = (row["type"].upper(), row["nullable"] == "YES",
                                                                  row["dflt"])
    indexes: dict[tuple[str, str], tuple[list[tuple[int, str]], bool]] = {}
    for row in await conn.execute_query_dict(
        "SELECT TABLE_NAME AS t, INDEX_NAME AS i, NON_UNIQUE AS non_unique, COLUMN_NAME AS c, SEQ_IN_INDEX AS seq "
        "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'"
    ):
        columns, _ = indexes.setdefault((row["t"], row["i"]), ([], not row["non_unique"]))
        columns.append((row["seq"], row["c"]))
    for (table, _), (columns, unique) in indexes.items():
        schema[table].indexes.add((tuple(name for _, name in sorted(columns)), unique))
    for row in await conn.execute_query_dict(
        "SELECT k.TABLE_NAME AS t, k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS rt, "
        "k.REFERENCED_COLUMN_NAME AS rc, r.DELETE_RULE AS del FROM information_schema.KEY_COLUMN_USAGE k "
        "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
        "AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME "
        "WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL"
    ):
        schema[row["t"]].foreign_keys.add((row["c"], row["rt"], row["rc"], row["del"].upper()))
    return schema


_PG_DELETE_RULES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


async def _postgres(conn: Any) -> Schema:
    schema: Schema = {}
    for row in await conn.execute_query_dict(
        "SELECT table_name AS t, column_name AS c, data_type AS type, character_maximum_length AS length, "
        "is_nullable AS nullable, column_default AS dflt FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    ):
        spelled = row["type"].upper() + (f"({row['length']})" if row["length"] else "")
        schema.setdefault(row["t"], Table()).columns[row["c"]] = (spelled, row["nullable"] == "YES", row["dflt"])
    for row in await conn.execute_query_dict(
        "SELECT t.relname AS t, ix.indisunique AS uniq, array_to_string(ARRAY("
        "  SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)"
        "  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS cols "
        "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid "
        "WHERE t.relnamespace = current_schema()::regnamespace AND NOT ix.indisprimary"
    ):
        schema[row["t"]].indexes.add((tuple(row["cols"].split(",")), bool(row["uniq"])))
    for row in await conn.execute_query_dict(
        "SELECT cl.relname AS t, a.attname AS c, rf.relname AS rt, ra.attname AS rc, c.confdeltype::text AS del "
        "FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class rf ON rf.oid = c.confrelid "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] "
        "WHERE c.contype = 'f' AND cl.relnamespace = current_schema()::regnamespace"
    ):
        schema[row["t"]].foreign_keys.add((row["c"], row["rt"], row["rc"], _PG_DELETE_RULES[row["del"]]))
    return schema


def differences(left: Schema, right: Schema) -> list[str]:
    """What tells two schemas apart, one line each; empty when they are the same."""
    lines = [f"table {name}: only on the {'left' if name in left else 'right'}"
             for name in sorted(set(left) ^ set(right))]
    for name in sorted(set(left) & set(right)):
        a, b = left[name], right[name]
        for column in sorted(set(a.columns) | set(b.columns)):
            if a.columns.get(column) != b.columns.get(column):
                lines.append(f"{name}.{column}: {a.columns.get(column)} != {b.columns.get(column)}")
        if a.indexes != b.indexes:
            lines.append(f"{name} indexes: {sorted(a.indexes - b.indexes)} != {sorted(b.indexes - a.indexes)}")
        if a.foreign_keys != b.foreign_keys:
            lines.append(f"{name} foreign keys: {sorted(a.foreign_keys)} != {sorted(b.foreign_keys)}")
    return lines
