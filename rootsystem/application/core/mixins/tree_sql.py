"""The SQL behind NoriTreeMixin: recursive walks and row locks, written once for three dialects.

Tortoise's query builder has no recursive CTEs, so these statements are text. Every identifier
is quoted for the engine and every value is a bound parameter; the statements are built once
per model and dialect and cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

DEPTH = "nori_depth"
WALK = "nori_walk"
ALIAS = "nori_t"
QUOTES = {"mysql": "`"}


@dataclass(frozen=True)
class Dialect:
    name: str

    @property
    def quote(self) -> str:
        return QUOTES.get(self.name, '"')

    def ident(self, name: str) -> str:
        q = self.quote
        return f"{q}{name.replace(q, q + q)}{q}"

    def param(self, position: int) -> str:
        """The placeholder for the `position`-th value (1-based)."""
        if self.name == "postgres":
            return f"${position}"
        return "%s" if self.name == "mysql" else "?"


@dataclass(frozen=True)
class Columns:
    """What the SQL needs to know about a tree model's table."""

    table: str
    pk: str
    parent: str
    selected: tuple[str, ...]
    trashed: str | None  # the soft-delete column, when the model has one

    @classmethod
    def of(cls, model: Any) -> Columns:
        meta = model._meta
        projection = meta.fields_db_projection
        soft = "deleted_at" in projection and _is_soft_deleting(model)
        return cls(
            table=meta.db_table,
            pk=meta.db_pk_column,
            parent=projection["parent_id"],
            selected=tuple(projection.values()),
            trashed=projection["deleted_at"] if soft else None,
        )


def _is_soft_deleting(model: Any) -> bool:
    from core.mixins.soft_deletes import NoriSoftDeletes

    return issubclass(model, NoriSoftDeletes)


@lru_cache(maxsize=256)
def walk_sql(columns: Columns, dialect: Dialect, *, upward: bool, from_roots: bool, guard: int) -> str:
    """One statement walking the tree from an anchor, each row tagged with its distance.

    The anchor (depth 0) is the node bound as the first parameter, or every root. Walking
    `upward` follows parent links; otherwise child links. Trashed rows are never entered, so
    their subtrees drop out too. The recursion stops one level past `guard`, so a cycle in the
    data ends the statement and the caller sees a row deeper than `guard`.
    """
    d = dialect
    t = d.ident(ALIAS)
    walk = d.ident(WALK)
    depth = d.ident(DEPTH)
    pk, parent = d.ident(columns.pk), d.ident(columns.parent)
    active = f" AND {t}.{d.ident(columns.trashed)} IS NULL" if columns.trashed else ""
    source = ", ".join(f"{t}.{d.ident(name)}" for name in columns.selected)
    anchor = f"{t}.{parent} IS NULL" if from_roots else f"{t}.{pk} = {d.param(1)}"
    link = f"{t}.{pk} = {walk}.{parent}" if upward else f"{t}.{parent} = {walk}.{pk}"
    table = f"{d.ident(columns.table)} {t}"
    sql = (
        f"WITH RECURSIVE {walk} AS ("
        f"SELECT {source}, 0 AS {depth} FROM {table} WHERE {anchor}{active}"
        f" UNION ALL "
        f"SELECT {source}, {walk}.{depth} + 1 FROM {table} JOIN {walk} ON {link}"
        f" WHERE {walk}.{depth} <= {guard}{active}"
        f") SELECT {', '.join(d.ident(name) for name in columns.selected)}, {depth} FROM {walk}"
    )
    if upward:
        sql += f" ORDER BY {depth}"
    if d.name == "mysql":
        # MariaDB silently cuts recursion short at max_recursive_iterations (1000 by default)
        # and MySQL fails at cte_max_recursion_depth: raise the limit for this statement only.
        sql = f"SET STATEMENT max_recursive_iterations = {guard + 2} FOR {sql}"
    return sql


@lru_cache(maxsize=256)
def lock_sql(columns: Columns, dialect: Dialect) -> str:
    """Read one node's parent link, locking the row until the transaction ends (not on SQLite,
    whose transactions already hold the only connection)."""
    d = dialect
    active = f" AND {d.ident(columns.trashed)} IS NULL" if columns.trashed else ""
    sql = (
        f"SELECT {d.ident(columns.pk)}, {d.ident(columns.parent)} FROM {d.ident(columns.table)}"
        f" WHERE {d.ident(columns.pk)} = {d.param(1)}{active}"
    )
    return sql if d.name == "sqlite" else sql + " FOR UPDATE"
