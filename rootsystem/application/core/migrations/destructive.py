"""Which steps of a migration can lose data: dropped tables and columns, redefined columns.

Read from the SQL text a file runs on this engine (as Aerich writes it for each dialect, and the
`REBUILD TABLE` directives a SQLite migration carries for column changes), so `migrate:make` can
name the steps and `migrate:upgrade` can ask before running them. Text only: no database, no
Aerich. String literals and comments are blanked first, so a data migration that inserts the
words "DROP TABLE" is not mistaken for one that runs them.
"""

from __future__ import annotations

import re

_PIECE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/|\"[^\"]*\"|`[^`]*`|;|[^;'\"`/-]+|[/-]", re.S)
_NAME = r"(`[^`]+`|\"[^\"]+\"|[\w$]+)"
_DROP_TABLE = re.compile(rf"^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?({_NAME}(?:\s*,\s*{_NAME})*)", re.I)
_ALTER_TABLE = re.compile(rf"^(ALTER|REBUILD)\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_NAME}\s+(.*)$", re.I | re.S)
_DROP_COLUMN = re.compile(rf"\bDROP\s+COLUMN\s+(?:IF\s+EXISTS\s+)?{_NAME}", re.I)
_REDEFINE = re.compile(rf"\b(?:MODIFY|CHANGE)\s+(?:COLUMN\s+)?{_NAME}", re.I)
_ALTER_COLUMN = re.compile(rf"\bALTER\s+COLUMN\s+{_NAME}(\s+(?:SET\s+DATA\s+)?TYPE\b)?", re.I)


def _unquote(name: str) -> str:
    return name.strip('`"')


def statements(sql: str) -> list[str]:
    """The statements of `sql` with string literals emptied and comments removed."""
    found: list[str] = []
    current: list[str] = []
    for piece in _PIECE.findall(sql):
        if piece == ";":
            found.append("".join(current).strip())
            current = []
        elif piece.startswith("'"):
            current.append("''")
        elif not piece.startswith(("--", "/*")):
            current.append(piece)
    found.append("".join(current).strip())
    return [statement for statement in found if statement]


def _column_steps(kind: str, table: str, clauses: str) -> list[str]:
    """The data-losing clauses of one `ALTER TABLE` (or `REBUILD TABLE`) statement."""
    steps = [f"drops column {table}.{_unquote(m.group(1))}" for m in _DROP_COLUMN.finditer(clauses)]
    steps += [f"redefines column {table}.{_unquote(m.group(1))}" for m in _REDEFINE.finditer(clauses)]
    for match in _ALTER_COLUMN.finditer(clauses):
        column = f"{table}.{_unquote(match.group(1))}"
        if kind == "REBUILD":  # a SQLite rebuild copies every row into the new column definition
            steps.append(f"redefines column {column}")
        elif match.group(2):  # PostgreSQL: ALTER COLUMN c TYPE t / SET DATA TYPE t
            steps.append(f"changes the type of column {column}")
    return steps


def destructive_steps(sql: str) -> list[str]:
    """One phrase per step that can lose data, e.g. `drops column posts.body`, in the order they run."""
    steps: list[str] = []
    for statement in statements(sql):
        drop = _DROP_TABLE.match(statement)
        if drop:
            steps += [f"drops table {_unquote(name)}" for name in re.findall(_NAME, drop.group(1))]
            continue
        alter = _ALTER_TABLE.match(statement)
        if alter:
            steps += _column_steps(alter.group(1).upper(), _unquote(alter.group(2)), alter.group(3))
    return list(dict.fromkeys(steps))
