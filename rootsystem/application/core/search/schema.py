"""Search indexes without migrations: for test databases and DEBUG sites built from the models.

Migrations build a site's indexes (`core.migrations.searches`). A database made by
`generate_schemas()` instead (the test plugin's, or a DEBUG site that has no migrations yet) gets
them here, from the same DDL, for each Searchable model that lacks its index.
"""

from __future__ import annotations

from typing import Any

from core.mixins.tree_sql import Dialect
from core.search.declaration import Searchable, SearchDeclaration, declaration_of
from core.search.sql import VECTOR, create_statements, fts_table


def _present_sql(declared: SearchDeclaration, dialect: str) -> tuple[str, list[str]]:
    """A query returning a row when the index exists."""
    d = Dialect(dialect)
    if dialect == "postgres":
        return ("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                f"AND table_name = {d.param(1)} AND column_name = {d.param(2)}", [declared.table, VECTOR])
    if dialect == "mysql":
        return ("SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() "
                "AND table_name = %s AND index_name = %s", [declared.table, fts_table(declared)])
    return "SELECT 1 FROM sqlite_master WHERE name = ?", [fts_table(declared)]


async def create_indexes() -> list[str]:
    """Build the missing search index of every Searchable model the ORM knows; the tables built."""
    from tortoise import Tortoise

    from core.compat.tortoise import connection_for

    built = []
    for models in (Tortoise.apps or {}).values():
        for model in models.values():
            if not issubclass(model, Searchable) or model._meta.abstract:
                continue
            declared = declaration_of(model)
            conn: Any = connection_for(model, write=True)
            dialect = conn.capabilities.dialect
            if await conn.execute_query_dict(*_present_sql(declared, dialect)):
                continue
            for statement in create_statements(declared, dialect):
                await conn.execute_script(statement)
            built.append(declared.table)
    return built
