"""MySQL/MariaDB: keep a foreign key's index when a migration drops the index it leaned on.

A foreign key needs an index that starts with its column. MySQL creates one with the key, and
drops it again, silently, once another index can serve (a unique-together that starts with the
same column, say). Dropping that other index later fails with error 1553, "needed in a foreign
key constraint", which is how reverting a unique-together fails on MySQL. Before such a drop,
the column gets an index of its own again, as MySQL would have made for the key (Django's MySQL
schema editor does the same). Only the database knows whether the key still has another index,
so this is decided when the statement runs, not when the file is written.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

_DROP_INDEX = re.compile(r"^\s*ALTER\s+TABLE\s+`([^`]+)`\s+DROP\s+INDEX\s+`([^`]+)`\s*;?\s*$", re.IGNORECASE)

Query = Callable[[str], Awaitable[list[dict[str, Any]]]]


def _literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "''")


async def before_drop(statement: str, query: Query) -> list[str]:
    """Statements to run before `statement` so a foreign key keeps an index; usually none."""
    match = _DROP_INDEX.match(statement)
    if match is None:
        return []
    table, index = match.groups()
    rows = await query(
        "SELECT INDEX_NAME AS i, COLUMN_NAME AS c, SEQ_IN_INDEX AS seq FROM information_schema.STATISTICS "
        f"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{_literal(table)}'"
    )
    first_columns = {row["i"]: row["c"] for row in rows if row["seq"] == 1}
    column = first_columns.get(index)
    if column is None:
        return []
    keys = await query(
        "SELECT 1 FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() "
        f"AND TABLE_NAME = '{_literal(table)}' AND COLUMN_NAME = '{_literal(column)}' "
        "AND REFERENCED_TABLE_NAME IS NOT NULL"
    )
    others = [name for name, first in first_columns.items() if first == column and name != index]
    if not keys or others:
        return []
    return [f"ALTER TABLE `{table}` ADD INDEX `{column}` (`{column}`)"]
