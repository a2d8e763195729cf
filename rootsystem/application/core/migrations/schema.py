"""The live schema next to the models' idea of it: used by `check` (drift) and `migrate:fresh`."""

from __future__ import annotations

from typing import Any


def _connection() -> Any:
    from tortoise import connections

    return connections.get("default")


def expected_columns() -> dict[str, set[str]]:
    """Table to column names for every model Tortoise knows, many-to-many link tables included."""
    from tortoise import Tortoise

    tables: dict[str, set[str]] = {}
    for models in (Tortoise.apps or {}).values():
        for model in models.values():
            meta: Any = model._meta
            if meta.abstract or getattr(model.Meta, "managed", True) is False:
                continue
            tables.setdefault(meta.db_table, set()).update(meta.fields_db_projection.values())
            for name in meta.m2m_fields:
                field = meta.fields_map[name]
                if getattr(field, "_generated", False):
                    continue  # the reverse side; the forward side describes the table
                tables.setdefault(field.through, set()).update({field.backward_key, field.forward_key})
    return tables


async def live_columns() -> dict[str, set[str]]:
    """Table to column names as the database has them now."""
    conn = _connection()
    dialect = conn.schema_generator.DIALECT
    tables: dict[str, set[str]] = {}
    if dialect == "sqlite":
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        for row in rows:
            columns = await conn.execute_query_dict(f"PRAGMA table_info(\"{row['name']}\")")
            tables[row["name"]] = {column["name"] for column in columns}
        return tables
    schema = "DATABASE()" if dialect == "mysql" else "current_schema()"
    rows = await conn.execute_query_dict(
        "SELECT table_name AS t, column_name AS c FROM information_schema.columns "
        f"WHERE table_schema = {schema}"
    )
    for row in rows:
        tables.setdefault(row["t"], set()).add(row["c"])
    return tables


async def drop_all_tables() -> list[str]:
    """Drop every table of the database (not only the models'), ignoring foreign-key order."""
    conn = _connection()
    dialect = conn.schema_generator.DIALECT
    tables = sorted(await live_columns())
    if not tables:
        return []
    if dialect == "postgres":
        await conn.execute_script("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    elif dialect == "mysql":
        await conn.execute_script(
            "SET FOREIGN_KEY_CHECKS=0; DROP TABLE " + ", ".join(f"`{t}`" for t in tables) + "; SET FOREIGN_KEY_CHECKS=1"
        )
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys=OFF;" + "".join(f'DROP TABLE "{t}";' for t in tables) + "PRAGMA foreign_keys=ON;"
        )
    return tables
