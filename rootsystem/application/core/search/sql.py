"""The SQL of search, per engine: the index DDL a migration runs and the ranked query.

Policy, before the code:
- User input never reaches an engine's query syntax. `words()` keeps only runs of word
  characters (letters, digits, underscore), so FTS5's quotes, `NEAR`, `:` and `^`, MySQL's
  boolean operators (`+ - < > ( ) ~ * " @`) and tsquery's `& | ! <-> :` are gone before a
  query is built; each word is then quoted in the engine's own form and bound as a parameter.
- Every word is required (AND) and matches as a prefix (`data` finds `database`).
- Weights A-D are PostgreSQL's ts_rank defaults (1.0, 0.4, 0.2, 0.1) on every engine: ts_rank
  reads them from the tsvector, FTS5's bm25() takes them per column, and MySQL sums each column's
  MATCH score times its weight (one FULLTEXT index per column for the scores, one over all the
  columns for the AND filter, since MySQL has no weighted index). Ranks are made "higher is
  better" on every engine; ties are broken by primary key.
- At most MAX_WORDS words of MAX_WORD characters are used: a pasted page becomes a bounded query.
"""

from __future__ import annotations

import re

from core.mixins.tree_sql import Dialect
from core.search.declaration import WEIGHTS, SearchDeclaration

WORD = re.compile(r"\w+")
MAX_WORDS = 16
MAX_WORD = 64
VECTOR = "search_vector"  # PostgreSQL: the generated tsvector column
RANK = "nori_rank"


def words(terms: str) -> list[str]:
    """The distinct words of `terms`, lowercased, in order; everything else is dropped."""
    found = dict.fromkeys(word.lower()[:MAX_WORD] for word in WORD.findall(terms or ""))
    return list(found)[:MAX_WORDS]


def match_expression(dialect: str, found: list[str]) -> tuple[str, ...]:
    """The bound values of the ranked query: the engine's own prefix-and-AND form of `found`."""
    if dialect == "postgres":
        return (" & ".join(f"'{word}':*" for word in found),)
    if dialect == "mysql":
        return (" ".join(f"{word}*" for word in found), " ".join(f"+{word}*" for word in found))
    return (" AND ".join(f'"{word}"*' for word in found),)


def fts_table(declared: SearchDeclaration) -> str:
    return f"{declared.table}_search"


def _mysql_indexes(declared: SearchDeclaration) -> list[tuple[str, tuple[str, ...]]]:
    """The combined index (the AND filter), then one per column (its score) when there are several."""
    columns = tuple(column for column, _ in declared.columns)
    combined = [(f"{declared.table}_search", columns)]
    if len(columns) == 1:
        return combined
    return combined + [(f"{declared.table}_search_{column}", (column,)) for column in columns]


def create_statements(declared: SearchDeclaration, dialect: str) -> list[str]:
    """The DDL that builds the index for existing rows and keeps it current."""
    d = Dialect(dialect)
    table = d.ident(declared.table)
    if dialect == "postgres":
        config = declared.language
        parts = " || ".join(
            f"setweight(to_tsvector('{config}'::regconfig, coalesce({d.ident(column)}, '')), '{weight}')"
            for column, weight in declared.columns
        )
        return [
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {d.ident(VECTOR)} tsvector "
            f"GENERATED ALWAYS AS ({parts}) STORED",
            f"CREATE INDEX IF NOT EXISTS {d.ident(declared.table + '_search_idx')} ON {table} "
            f"USING GIN ({d.ident(VECTOR)})",
        ]
    if dialect == "mysql":  # InnoDB builds one FULLTEXT index per statement
        return [f"ALTER TABLE {table} ADD FULLTEXT INDEX {d.ident(name)} ({', '.join(map(d.ident, columns))})"
                for name, columns in _mysql_indexes(declared)]
    fts = d.ident(fts_table(declared))
    names = [d.ident(column) for column, _ in declared.columns]
    pk = d.ident(declared.pk)
    listed = ", ".join(names)
    new = ", ".join(f"new.{name}" for name in names)
    old = ", ".join(f"old.{name}" for name in names)
    remove = f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.{pk}, {old});"
    add = f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.{pk}, {new});"
    trigger = d.ident(fts_table(declared) + "_{}")
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({listed}, content='{declared.table}', "
        f"content_rowid='{declared.pk}')",
        f"CREATE TRIGGER IF NOT EXISTS {trigger.format('insert')} AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {trigger.format('delete')} AFTER DELETE ON {table} BEGIN {remove} END",
        # only a change to a searched column touches the index: a soft delete does not
        f"CREATE TRIGGER IF NOT EXISTS {trigger.format('update')} AFTER UPDATE OF {listed} ON {table} "
        f"BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # the rows already in the table
    ]


def drop_statements(declared: SearchDeclaration, dialect: str) -> list[str]:
    """The DDL that removes what `create_statements` built, leaving the table's own columns."""
    d = Dialect(dialect)
    table = d.ident(declared.table)
    if dialect == "postgres":
        return [f"DROP INDEX IF EXISTS {d.ident(declared.table + '_search_idx')}",
                f"ALTER TABLE {table} DROP COLUMN IF EXISTS {d.ident(VECTOR)}"]
    if dialect == "mysql":
        return [f"ALTER TABLE {table} DROP INDEX {d.ident(name)}" for name, _ in reversed(_mysql_indexes(declared))]
    triggers = [f"DROP TRIGGER IF EXISTS {d.ident(fts_table(declared) + '_' + event)}"
                for event in ("insert", "delete", "update")]
    return [*triggers, f"DROP TABLE IF EXISTS {d.ident(fts_table(declared))}"]


def _active(declared: SearchDeclaration, d: Dialect, alias: str) -> str:
    return f" AND {alias}.{d.ident(declared.trashed)} IS NULL" if declared.trashed else ""


def _matches(declared: SearchDeclaration, dialect: str) -> tuple[str, str, str]:
    """(FROM clause, WHERE condition, rank expression) of the search, placeholders numbered from 1."""
    d = Dialect(dialect)
    t = d.ident("nori_t")
    table = f"{d.ident(declared.table)} {t}"
    if dialect == "postgres":
        vector = f"{t}.{d.ident(VECTOR)}"
        query = f"to_tsquery('{declared.language}'::regconfig, {d.param(1)})"
        return table, f"{vector} @@ {query}", f"ts_rank({vector}, {query})"
    if dialect == "mysql":
        indexes = _mysql_indexes(declared)
        weights = dict(declared.columns)
        if len(indexes) == 1:
            score = f"MATCH({d.ident(indexes[0][1][0])}) AGAINST (%s IN BOOLEAN MODE)"
        else:
            score = " + ".join(f"{WEIGHTS[weights[columns[0]]]} * MATCH({d.ident(columns[0])}) "
                               "AGAINST (%s IN BOOLEAN MODE)" for _, columns in indexes[1:])
        every = ", ".join(d.ident(column) for column in indexes[0][1])
        return table, f"MATCH({every}) AGAINST (%s IN BOOLEAN MODE)", f"({score})"
    fts = d.ident(fts_table(declared))
    per_column = ", ".join(str(WEIGHTS[weight]) for _, weight in declared.columns)
    return (f"{fts} JOIN {table} ON {t}.{d.ident(declared.pk)} = {fts}.rowid", f"{fts} MATCH ?",
            f"-bm25({fts}, {per_column})")


def ranked_sql(declared: SearchDeclaration, dialect: str, selected: tuple[str, ...], limit: int | None,
               offset: int) -> str:
    """The rows, best first, with their rank as `nori_rank`."""
    d = Dialect(dialect)
    t = d.ident("nori_t")
    source, condition, rank = _matches(declared, dialect)
    columns = ", ".join(f"{t}.{d.ident(name)}" for name in selected)
    sql = (f"SELECT {columns}, {rank} AS {d.ident(RANK)} FROM {source} WHERE {condition}"
           f"{_active(declared, d, t)} ORDER BY {d.ident(RANK)} DESC, {t}.{d.ident(declared.pk)}")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    elif offset and dialect != "postgres":
        sql += " LIMIT -1" if dialect == "sqlite" else " LIMIT 18446744073709551615"
    return sql + (f" OFFSET {int(offset)}" if offset else "")


def count_sql(declared: SearchDeclaration, dialect: str) -> str:
    d = Dialect(dialect)
    source, condition, _ = _matches(declared, dialect)
    return f"SELECT COUNT(*) AS n FROM {source} WHERE {condition}{_active(declared, d, d.ident('nori_t'))}"


def bound(declared: SearchDeclaration, dialect: str, found: list[str], *, ranked: bool) -> list[str]:
    """The parameters in placeholder order (PostgreSQL reuses $1; MySQL repeats `%s`)."""
    values = match_expression(dialect, found)
    if dialect != "mysql":
        return [values[0]]
    scores = len(_mysql_indexes(declared)) - 1 or 1
    return ([values[0]] * scores if ranked else []) + [values[1]]
