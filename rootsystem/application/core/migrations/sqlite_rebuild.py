"""SQLite table rebuilds: the column and foreign-key changes its ALTER TABLE cannot make.

SQLite can add, rename and drop a plain column, and nothing else: a new type, length, default or
NULL rule, a foreign key added or dropped, a constraint removed, all need the table written
anew. A migration's SQLite SQL says so with one directive per change, readable in the file and
loud if run by hand (it is not SQL, so SQLite refuses it):

    REBUILD TABLE "posts" ALTER COLUMN "title" VARCHAR(250) NOT NULL
    REBUILD TABLE "posts" DROP COLUMN "body"
    REBUILD TABLE "categories" ADD FOREIGN KEY ("parent_id") REFERENCES "categories" ("id") ON DELETE CASCADE
    REBUILD TABLE "categories" DROP FOREIGN KEY ("parent_id")
    REBUILD TABLE "posts" DROP CONSTRAINT "uid_posts_title_a1b2c3"

At apply time each directive is expanded against the table as the database has it (its
`CREATE TABLE` text in `sqlite_master`) into the procedure SQLite's documentation gives for
"other kinds of table schema changes": create the new shape under a temporary name, copy the rows
of the columns both shapes share, carry the AUTOINCREMENT counter over, drop the old table, rename
the new one into place, re-create the indexes (those of a dropped column go with it).

Foreign keys must be off while that runs, or dropping the old table deletes its rows first and
cascades into every table that references it. SQLite ignores `PRAGMA foreign_keys` inside a
transaction, so the backend turns them off on the connection *before* the migration's
transaction begins and back on after it ends, and runs `PRAGMA foreign_key_check` before the
commit: rows that break a foreign key fail the migration, and everything rolls back.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

DIRECTIVE = re.compile(r'^\s*REBUILD\s+TABLE\s+"([^"]+)"\s+(.*?)\s*;?\s*$', re.IGNORECASE | re.DOTALL)
_ALTER = re.compile(r'^ALTER\s+COLUMN\s+("([^"]+)".*)$', re.IGNORECASE | re.DOTALL)
_DROP_COLUMN = re.compile(r'^DROP\s+COLUMN\s+"([^"]+)"$', re.IGNORECASE)
_ADD_FK = re.compile(r'^ADD\s+FOREIGN\s+KEY\s+\("([^"]+)"\)\s+(REFERENCES\s+.+)$', re.IGNORECASE | re.DOTALL)
_DROP_FK = re.compile(r'^DROP\s+FOREIGN\s+KEY\s+\("([^"]+)"\)$', re.IGNORECASE)
_DROP_CONSTRAINT = re.compile(r'^DROP\s+CONSTRAINT\s+"([^"]+)"$', re.IGNORECASE)
_REFERENCES = re.compile(
    r"\s+REFERENCES\s+(?:\"[^\"]+\"|`[^`]+`|\w+)\s*\([^)]*\)"
    r"(?:\s+ON\s+(?:DELETE|UPDATE)\s+(?:SET\s+NULL|SET\s+DEFAULT|CASCADE|RESTRICT|NO\s+ACTION))*",
    re.IGNORECASE,
)
_CONSTRAINT_WORDS = ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN")
FRESH_SUFFIX = "__nori_new"


class RebuildError(Exception):
    """A directive names a table or column the database does not have, or is malformed."""


def is_directive(statement: str) -> bool:
    return DIRECTIVE.match(statement) is not None


@dataclass
class TableDefinition:
    """A `CREATE TABLE` statement cut into its parts, so one item can change and the rest stay."""

    head: str  # 'CREATE TABLE "posts" ('
    items: list[str]  # column definitions and table constraints, as written
    tail: str  # ')' and whatever follows it (a comment, WITHOUT ROWID)

    def render(self) -> str:
        return self.head + "\n    " + ",\n    ".join(self.items) + "\n" + self.tail

    def column_names(self) -> list[str]:
        return [name for item in self.items if (name := item_column(item)) is not None]

    def find_column(self, column: str) -> int:
        for index, item in enumerate(self.items):
            if item_column(item) == column:
                return index
        raise RebuildError(f"has no column {column!r}")


def _split_top_level(body: str) -> list[str]:
    """Split a column list on the commas outside parentheses, quotes and comments."""
    items, depth, start, index, quote = [], 0, 0, 0, ""
    while index < len(body):
        char = body[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'`[":
            quote = "]" if char == "[" else char
        elif body.startswith("/*", index):
            end = body.find("*/", index + 2)
            index = len(body) if end < 0 else end + 1
        elif body.startswith("--", index):
            end = body.find("\n", index)
            index = len(body) if end < 0 else end
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(body[start:index].strip())
            start = index + 1
        index += 1
    items.append(body[start:].strip())
    return [item for item in items if item]


def _closing_paren(sql: str, opening: int) -> int:
    depth, quote = 0, ""
    for index in range(opening, len(sql)):
        char = sql[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    raise RebuildError("has a CREATE TABLE statement without its closing parenthesis")


def parse_create_table(sql: str) -> TableDefinition:
    opening = sql.index("(")
    closing = _closing_paren(sql, opening)
    return TableDefinition(sql[: opening + 1], _split_top_level(sql[opening + 1 : closing]), sql[closing:])


def item_column(item: str) -> str | None:
    """The column an item defines, or None for a table constraint."""
    first = item.split(None, 1)[0]
    if first.upper() in _CONSTRAINT_WORDS:
        return None
    return first.strip('"`[]')


def _names_column(item: str, column: str) -> bool:
    return re.search(rf'(?<![\w"`])["`\[]?{re.escape(column)}["`\]]?(?![\w"`])', item) is not None


def _without_references(definition: str) -> str:
    return _REFERENCES.sub("", definition)


def _kept_from(old: str, new: str) -> str:
    """The new definition of a column, keeping the old one's foreign key and inline UNIQUE.

    Aerich describes a changed column without them (they live in other operations on the
    engines that can alter a column), so a rebuild must not lose them.
    """
    reference = _REFERENCES.search(old)
    if re.search(r"\bUNIQUE\b", old, re.IGNORECASE) and not re.search(r"\bUNIQUE\b", new, re.IGNORECASE):
        new += " UNIQUE"
    if reference and not _REFERENCES.search(new):
        new += reference.group(0)
    return new


def apply_directive(table: TableDefinition, change: str) -> tuple[TableDefinition, str | None]:
    """The table's new definition after one change, and the column it drops (if any)."""
    items = list(table.items)
    dropped = None
    if match := _ALTER.match(change):
        index = table.find_column(match.group(2))
        items[index] = _kept_from(items[index], match.group(1).strip())
    elif match := _DROP_COLUMN.match(change):
        dropped = match.group(1)
        index = table.find_column(dropped)
        items = [item for position, item in enumerate(items)
                 if position != index and not (item_column(item) is None and _names_column(item, dropped))]
    elif match := _ADD_FK.match(change):
        index = table.find_column(match.group(1))
        items[index] = _without_references(items[index]) + " " + match.group(2).strip()
    elif match := _DROP_FK.match(change):
        column = match.group(1)
        index = table.find_column(column)
        items[index] = _without_references(items[index])
        items = [item for item in items if not (
            item.upper().startswith(("FOREIGN", "CONSTRAINT")) and "FOREIGN" in item.upper()
            and _names_column(item.split("REFERENCES")[0], column)
        )]
    elif match := _DROP_CONSTRAINT.match(change):
        name = match.group(1)
        items = [item for item in items
                 if not re.match(rf'CONSTRAINT\s+["`]?{re.escape(name)}["`]?\s', item, re.IGNORECASE)]
    else:
        raise RebuildError(f"has an unknown change {change!r}")
    return TableDefinition(table.head, items, table.tail), dropped


Query = Callable[[str], Awaitable[list[dict[str, Any]]]]


async def expand(statement: str, query: Query) -> list[str]:
    """The SQL statements that carry out one REBUILD directive on the table as it is now.

    `query` runs a read on the migration's connection. An empty list means the change is
    already in place (a constraint that is not there to drop), so nothing is rebuilt.
    """
    match = DIRECTIVE.match(statement)
    if match is None:
        raise RebuildError(f"is not a REBUILD TABLE directive: {statement!r}")
    name, change = match.group(1), match.group(2)
    rows = await query(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{_literal(name)}'")
    if not rows:
        raise RebuildError(f"REBUILD TABLE {name!r}: the database has no such table")
    current = parse_create_table(rows[0]["sql"])
    try:
        target, dropped = apply_directive(current, change)
    except RebuildError as error:
        raise RebuildError(f"REBUILD TABLE {name!r} {error}") from None
    if target.items == current.items:
        return []
    indexes = await query(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name = '{_literal(name)}'"
    )
    shared = [column for column in target.column_names() if column in current.column_names()]
    columns = ", ".join(f'"{column}"' for column in shared)
    fresh = name + FRESH_SUFFIX
    statements = [
        TableDefinition(f'CREATE TABLE "{fresh}" (', target.items, target.tail).render(),
        f'INSERT INTO "{fresh}" ({columns}) SELECT {columns} FROM "{name}"',
    ]
    if await query("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"):
        statements.append(
            f"UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = '{_literal(name)}') "
            f"WHERE name = '{_literal(fresh)}' AND EXISTS "
            f"(SELECT 1 FROM sqlite_sequence WHERE name = '{_literal(name)}')"
        )
    statements += [f'DROP TABLE "{name}"', f'ALTER TABLE "{fresh}" RENAME TO "{name}"']
    statements += [row["sql"] for row in indexes
                   if dropped is None or not _names_column(_index_columns(row["sql"]), dropped)]
    return statements


def _index_columns(index_sql: str) -> str:
    return index_sql[index_sql.index("(") :]


def _literal(text: str) -> str:
    return text.replace("'", "''")


async def check_foreign_keys(query: Query) -> None:
    """Fail when rows break a foreign key: checked before the commit, as foreign keys were off."""
    problems = await query("PRAGMA foreign_key_check")
    if problems:
        first = problems[0]
        raise RebuildError(
            f"{len(problems)} row(s) break a foreign key, the first in {first.get('table')!r} "
            f"(rowid {first.get('rowid')}) pointing at {first.get('parent')!r}"
        )
